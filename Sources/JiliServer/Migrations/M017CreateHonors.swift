import Fluent

struct M017CreateHonors: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Honor.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("window", .string, .required)
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("rank", .int, .required)
            .field("value", .int64, .required)
            .field("key", .string, .required)
            .field("awarded_at", .datetime, .required)
            .unique(on: "key")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Honor.schema).delete()
    }
}
