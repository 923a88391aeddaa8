import Fluent
import Foundation

/// A bearer token for an API client, acting as an account. Only its SHA-256 is kept; the token is
/// shown once, at creation.
final class ApiToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    /// The account the token acts as: its role and member decide what the token may do.
    @OptionalParent(key: "account_id") var account: Account?

    init() {}
    init(name: String, tokenHash: String, createdBy: String, createdAt: Date) {
        self.name = name
        self.tokenHash = tokenHash
        self.createdBy = createdBy
        self.createdAt = createdAt
    }
}
