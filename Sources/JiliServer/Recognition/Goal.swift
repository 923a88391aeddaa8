import Fluent
import Foundation

/// A goal (目标): for a member, a member's team (their subtree), a department or the whole team; for a
/// month, a quarter or a year; on a metric. Volume targets are in fen, counts in units. Member
/// volume goals are the goals file of the settlement contract (they feed the plan's goalBonus).
final class Goal: Model, @unchecked Sendable {
    static let schema = "goals"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    /// `member`, `subtree`, `department` or `team`.
    @Field(key: "scope") var scope: String
    @OptionalParent(key: "member_id") var member: Member?
    @OptionalParent(key: "department_id") var department: Department?
    /// `2026-11`, `2026-Q4` or `2026`.
    @Field(key: "period") var period: String
    /// `volume`, `orders` or `new_customers`.
    @Field(key: "metric") var metric: String
    @Field(key: "target") var target: Int64
    /// What makes a goal one: `member:12:2026-11:volume` (a second goal for it replaces the target).
    @Field(key: "key") var key: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
