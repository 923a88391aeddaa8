import Fluent
import Foundation

/// Someone who signs in: a role, and usually the member they are.
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "username") var username: String
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @OptionalParent(key: "member_id") var member: Member?
    @OptionalParent(key: "department_id") var department: Department?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    /// Set when the account may no longer sign in: by the leader, or because its member left.
    @OptionalField(key: "disabled_at") var disabledAt: Date?
    @OptionalField(key: "disabled_reason") var disabledReason: DisabledReason?
    /// Every session carries the version it was signed in under; raising it (a new password, a
    /// reset, the account disabled) ends every session at once.
    @Field(key: "sign_in_version") var signInVersion: Int
    /// The WeChat (公众号) user the account is bound to: signs in with 微信登录 and receives messages.
    @OptionalField(key: "wechat_openid") var wechatOpenID: String?
    @OptionalField(key: "wechat_unionid") var wechatUnionID: String?
    /// The person's name: their member's, or the one a staff invitation was made for.
    @OptionalField(key: "display_name") var displayName: String?

    init() {}
    init(username: String, phone: String?, passwordHash: String, role: Role, memberID: Int?, departmentID: Int? = nil, name: String? = nil) {
        self.username = username
        self.displayName = name
        self.phone = phone
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.$member.id = memberID
        self.$department.id = departmentID
        self.signInVersion = 0
    }

    var roleValue: Role { Role(rawValue: role) ?? .agent }

    /// What pages call the person: their name, or the username when none is known.
    var name: String { displayName.flatMap { $0.isEmpty ? nil : $0 } ?? username }

    /// Whether the account may sign in and its sessions and API tokens work.
    var isEnabled: Bool { disabledAt == nil }

    enum DisabledReason: String, StoredStatus {
        /// The leader disabled it.
        case leader
        /// Its member was set to 已离开; setting them active again enables it again.
        case left
    }
}

/// A sign-in attempt, kept to limit attempts per account and per address across instances.
final class SignInAttempt: Model, @unchecked Sendable {
    static let schema = "sign_in_attempts"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "key") var key: String
    @Field(key: "at") var at: Date
    @Field(key: "succeeded") var succeeded: Bool

    init() {}
    init(key: String, at: Date, succeeded: Bool) {
        self.key = key
        self.at = at
        self.succeeded = succeeded
    }
}
