import Fluent

/// A contest prize may be points, and an item of the rewards catalogue (taking its stock).
struct M026AddPrizePointsAndItems: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ContestPrize.schema).field("points", .int64, .required, .sql(.default(0))).update()
        try await db.schema(ContestPrize.schema).field("reward_item_id", .int, .references(RewardItem.schema, .id)).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(ContestPrize.schema).deleteField("reward_item_id").update()
        try await db.schema(ContestPrize.schema).deleteField("points").update()
    }
}
