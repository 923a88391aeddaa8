import Fluent
import SQLKit

struct M025CreateRewards: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(RewardItem.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("description", .string, .required)
            .field("price", .int64, .required)
            .field("stock", .int)
            .field("reserved", .int, .required)
            .field("needs_approval", .bool, .required)
            .field("product_id", .int, .references(Product.schema, .id))
            .field("cash_fen", .int64, .required)
            .field("days", .int, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(Redemption.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("item_id", .int, .required, .references(RewardItem.schema, .id))
            .field("points", .int64, .required)
            .field("parts", .string, .required)
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("handed_by", .string)
            .field("handed_at", .datetime)
            .create()
        let sql = db.sql
        try await sql.create(index: "redemptions_member").on(Redemption.schema).column("member_id").run()
        try await sql.create(index: "redemptions_status").on(Redemption.schema).column("status").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Redemption.schema).delete()
        try await db.schema(RewardItem.schema).delete()
    }
}
