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

    init() {}
    init(username: String, phone: String?, passwordHash: String, role: Role, memberID: Int?, departmentID: Int? = nil) {
        self.username = username
        self.phone = phone
        self.passwordHash = passwordHash
        self.role = role.rawValue
        self.$member.id = memberID
        self.$department.id = departmentID
    }

    var roleValue: Role { Role(rawValue: role) ?? .agent }
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
