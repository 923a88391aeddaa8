import Fluent
import Foundation

/// A member of the team. `code` is the member's public id (the `id` column of members.csv);
/// `path` lists the internal ids from the root down to the member (`/1/5/23/`), so a subtree is
/// one indexed prefix query.
final class Member: Model, @unchecked Sendable {
    static let schema = "members"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "phone") var phone: String?
    @OptionalParent(key: "sponsor_id") var sponsor: Member?
    @Field(key: "path") var path: String
    @Field(key: "tier") var tier: String
    @Field(key: "status") var status: MemberStatus
    @Field(key: "joined_at") var joinedAt: Date
    @OptionalParent(key: "department_id") var department: Department?
    @OptionalParent(key: "position_id") var position: Position?

    init() {}
    init(code: String, name: String, phone: String? = nil, sponsorID: Int?, tier: String, status: MemberStatus, joinedAt: Date) {
        self.code = code
        self.name = name
        self.phone = phone
        self.$sponsor.id = sponsorID
        self.path = ""
        self.tier = tier
        self.status = status
        self.joinedAt = joinedAt
    }

    /// The path of a member whose sponsor has `sponsorPath`.
    static func path(sponsorPath: String?, id: Int) -> String { (sponsorPath ?? "/") + "\(id)/" }
}

enum MemberStatus: String, StoredStatus {
    case active, inactive, left
}
