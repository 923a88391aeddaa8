import Fluent
import Foundation

/// A kind of activity the team counts (培训完成, 客户回访, 直播…): goals may be set on it. `training` is
/// built in; the leader adds others.
final class ActivityKind: Model, @unchecked Sendable {
    static let schema = "activity_kinds"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    /// `training`, `customer_visit`: lower-case letters, digits and `_`.
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// How many times a member did an activity on a day (one row per member, kind and day).
final class Activity: Model, @unchecked Sendable {
    static let schema = "activities"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Field(key: "kind") var kind: String
    /// `2026-11-29` and its month `2026-11`, in the team's time zone.
    @Field(key: "day") var day: String
    @Field(key: "period") var period: String
    @Field(key: "count") var count: Int
    @Field(key: "note") var note: String
    @Field(key: "recorded_by") var recordedBy: String
    @Field(key: "recorded_at") var recordedAt: Date

    init() {}
}
