import Fluent

/// A contest prize may be an honor title, given to the winners when the contest freezes.
struct M022AddPrizeTitle: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ContestPrize.schema)
            .field("title_id", .int, .references(Title.schema, .id))
            .update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(ContestPrize.schema).deleteField("title_id").update()
    }
}
