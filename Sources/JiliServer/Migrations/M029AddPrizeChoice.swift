import Fluent

/// A contest prize may let the winner choose one of its cash, points and item.
struct M029AddPrizeChoice: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ContestPrize.schema).field("choice", .bool, .required, .sql(.default(false))).update()
        try await db.schema(PrizeChoice.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("contest_id", .int, .required, .references(Contest.schema, .id))
            .field("prize_id", .int, .required, .references(ContestPrize.schema, .id))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("rank", .int, .required)
            .field("status", .string, .required)
            .field("chosen", .string)
            .field("chosen_at", .datetime)
            .unique(on: "prize_id", "member_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PrizeChoice.schema).delete()
        try await db.schema(ContestPrize.schema).deleteField("choice").update()
    }
}
