import Fluent
import Foundation

/// A member's points account: the debt (points taken back after they were used) and a version that
/// every change raises, so that two changes at once cannot both be written (one is tried again).
final class PointsBalance: Model, @unchecked Sendable {
    static let schema = "points_accounts"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Field(key: "debt") var debt: Int64
    @Field(key: "version") var version: Int

    init() {}
}

/// A lot of points earned at once (JiliCore's `PointsAccount.Lot`), with what became of it.
final class PointsLotRow: Model, @unchecked Sendable {
    static let schema = "points_lots"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    /// What earned it, once per member: `order:o123`, `goal:…`, `order:o123#2` for a later top-up.
    @Field(key: "source") var source: String
    /// The event it is for: the source without a top-up's `#2`.
    @Field(key: "event") var event: String
    /// The rule that gave it (`sales`, `goal`, `contest`, `praise`, `activity:training`).
    @Field(key: "rule") var rule: String
    @Field(key: "amount") var amount: Int64
    @Field(key: "earned_at") var earnedAt: Date
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @Field(key: "repaid") var repaid: Int64
    @Field(key: "spent") var spent: Int64
    @Field(key: "expired") var expired: Int64
    @Field(key: "reversed") var reversed: Int64
    @Field(key: "reversed_as_debt") var reversedAsDebt: Int64

    init() {}
}

/// One line of a member's points history: what changed the balance, when and why.
final class PointsMovementRow: Model, @unchecked Sendable {
    static let schema = "points_movements"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    /// `earn`, `spend`, `cancel`, `expire`, `reverse`.
    @Field(key: "kind") var kind: String
    @OptionalField(key: "lot_id") var lotID: Int?
    @Field(key: "points") var points: Int64
    @Field(key: "at") var at: Date
    /// The source or the redemption it is about.
    @Field(key: "reference") var reference: String
    /// Why, said in the reader's language: a catalogue key and its values (JSON).
    @Field(key: "reason") var reason: String
    @Field(key: "values") var values: String

    init() {}
}

/// How points are earned (积分规则): per trigger, how many, a monthly cap, and how long they last.
final class PointsRule: Model, @unchecked Sendable {
    static let schema = "points_rules"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    /// `sales` (per `unit_fen` of net sales), `goal` (a member goal reached), `contest` (a prized rank),
    /// `praise` (praised on the wall), `activity:CODE` (per count of a counted activity).
    @Field(key: "trigger") var trigger: String
    @Field(key: "points") var points: Int64
    /// For `sales`: the points are per this many fen (10000 = per ¥100).
    @Field(key: "unit_fen") var unitFen: Int64
    /// The most a member earns from the rule in a month; nil: no cap.
    @OptionalField(key: "monthly_cap") var monthlyCap: Int64?
    /// Days until the points expire; nil: they do not.
    @OptionalField(key: "valid_days") var validDays: Int?
    @Field(key: "active") var active: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
