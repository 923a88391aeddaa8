import Fluent

struct M006CreateApiTokens: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ApiToken.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .field("last_used_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(ApiToken.schema).delete()
    }
}
