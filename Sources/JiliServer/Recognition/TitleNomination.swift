import Fluent
import Foundation

/// A manager's nomination of a member for a title given by hand (最佳团队成员), with the reason; the
/// leader confirms it (the title is given, with that reason) or declines it.
final class TitleNomination: Model, @unchecked Sendable {
    static let schema = "title_nominations"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "title_id") var title: Title
    @Parent(key: "member_id") var member: Member
    @Field(key: "reason") var reason: String
    @Field(key: "nominated_by") var nominatedBy: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "decided_by") var decidedBy: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Pending until the leader confirms or declines.
    enum Status: String, StoredStatus {
        case pending, confirmed, declined
    }
}
