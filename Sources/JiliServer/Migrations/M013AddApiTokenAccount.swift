import Fluent

/// An API token acts as an account and has its permissions. Tokens made before this migration act
/// as the leader account that created them.
struct M013AddApiTokenAccount: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ApiToken.schema)
            .field("account_id", .int, .references(Account.schema, .id))
            .update()
        for token in try await ApiToken.query(on: db).all() {
            token.$account.id = try await Account.query(on: db).filter(\.$username == token.createdBy).first()?.id
            try await token.save(on: db)
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(ApiToken.schema).deleteField("account_id").update()
    }
}
