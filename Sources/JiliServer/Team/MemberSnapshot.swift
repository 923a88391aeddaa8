import Fluent
import Foundation

/// What a member's settlement-relevant fields were until a moment: written before every change of
/// sponsor, tier or status, so that a month is settled with the tree and tiers as they stood at its
/// end (spec: tiers and the tree are taken as given for the whole period).
final class MemberSnapshot: Model, @unchecked Sendable {
    static let schema = "member_snapshots"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "member_id") var memberID: Int
    @OptionalField(key: "sponsor_id") var sponsorID: Int?
    @Field(key: "tier") var tier: String
    @Field(key: "status") var status: MemberStatus
    /// The moment these values stopped being true.
    @Field(key: "valid_until") var validUntil: Date

    init() {}
    init(of member: Member, until: Date) {
        memberID = member.id!
        sponsorID = member.$sponsor.id
        tier = member.tier
        status = member.status
        validUntil = until
    }
}
