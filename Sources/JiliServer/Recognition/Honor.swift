import Fluent
import Foundation

/// An honor a member holds: the month's, quarter's or year's sales champion (销售冠军) with their rank,
/// or a title (荣誉称号) given by a rule or by hand with its reason.
/// `key` makes it one: awarding it again changes nothing (the monthly job is idempotent).
final class Honor: Model, @unchecked Sendable {
    static let schema = "honors"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    /// `champion` or `title`.
    @Field(key: "kind") var kind: String
    /// `2026-10`, `2026-Q4`, `2026`.
    @Field(key: "window") var window: String
    @Parent(key: "member_id") var member: Member
    @Field(key: "rank") var rank: Int
    /// Net sales in the window, in fen.
    @Field(key: "value") var value: Int64
    @Field(key: "key") var key: String
    @Field(key: "awarded_at") var awardedAt: Date
    @OptionalParent(key: "title_id") var title: Title?
    @Field(key: "reason") var reason: String
    /// When the title's privilege ends (nil: no privilege, or as long as it is held).
    @OptionalField(key: "privilege_until") var privilegeUntil: Date?

    init() {}
}
