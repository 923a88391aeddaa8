import Fluent

/// Titles, and on honors the title given, why, and until when its privilege lasts.
struct M019CreateTitles: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Title.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("icon", .string, .required)
            .field("rule", .string, .required)
            .field("threshold", .int64, .required)
            .field("privilege", .string, .required)
            .field("privilege_days", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
        // One column per statement: SQLite adds one at a time.
        try await db.schema(Honor.schema).field("title_id", .int, .references(Title.schema, .id)).update()
        try await db.schema(Honor.schema).field("reason", .string, .required, .sql(.default(""))).update()
        try await db.schema(Honor.schema).field("privilege_until", .datetime).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Honor.schema).deleteField("privilege_until").update()
        try await db.schema(Honor.schema).deleteField("reason").update()
        try await db.schema(Honor.schema).deleteField("title_id").update()
        try await db.schema(Title.schema).delete()
    }
}
