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

/// What is to reach a member's WeChat (a template message): written with the notice in the same
/// transaction; ``MessageSender`` claims it, calls WeChat once, and records how it went.
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
    /// Not before: a message that met a rate limit or a network error waits.
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    /// The sender that claimed it, and when.
    @OptionalField(key: "claim") var claim: String?
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    /// When the call to WeChat began: a message claimed, called and never marked is not sent again.
    @OptionalField(key: "called_at") var calledAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// Why it was not delivered (a ``Reason``), with WeChat's code when it gave one.
    @OptionalField(key: "reason") var reason: String?
    @OptionalField(key: "wechat_msgid") var wechatMessageID: String?

    init() {}

    enum Status: String, StoredStatus {
        /// Waiting to be sent (from `next_attempt_at` on, when set).
        case pending
        /// Claimed by a sender.
        case sending
        case sent
        /// Cannot reach the member: no WeChat bound, not following, no template, or the sender stopped during the call.
        case undeliverable
        /// Given up after the last attempt.
        case failed
    }
}

/// WeChat's access token (client_credential), kept in the database so that every instance and
/// every sender uses the same one until shortly before it expires.
final class WeChatAccessToken: Model, @unchecked Sendable {
    static let schema = "wechat_access_tokens"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "app_id") var appID: String
    @Field(key: "token") var token: String
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
