import Fluent
import Foundation

/// A message to a member in the app (a prize won, a champion's place, a goal reached), said in the
/// reader's language from its key and values. `key` of the event makes it one: an event notified
/// again changes nothing.
final class Notice: Model, @unchecked Sendable {
    static let schema = "notices"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    /// The message's catalogue key, `notice_prize`, and its values as JSON.
    @Field(key: "message") var message: String
    @Field(key: "values") var values: String
    @Field(key: "link") var link: String
    /// What happened, once: `prize:contest:3:m10`.
    @Field(key: "event") var event: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}
}

/// What a sender outside Jili (WeChat template messages) is to deliver: written with the notice in
/// the same transaction, marked sent by the sender.
final class OutboxMessage: Model, @unchecked Sendable {
    static let schema = "outbox"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "notice_id") var notice: Notice
    /// `wechat_template`.
    @Field(key: "channel") var channel: String
    /// The member's id, the template's key, its values and the link, as JSON.
    @Field(key: "payload") var payload: String
    @Field(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Pending until a sender marks it sent, or failed with attempts counted.
    enum Status: String, StoredStatus {
        case pending, sent, failed
    }
}
