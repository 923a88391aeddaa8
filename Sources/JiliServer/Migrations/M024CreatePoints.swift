import Fluent
import SQLKit

struct M024CreatePoints: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsBalance.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("debt", .int64, .required)
            .field("version", .int, .required)
            .unique(on: "member_id")
            .create()
        try await db.schema(PointsLotRow.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("source", .string, .required)
            .field("event", .string, .required)
            .field("rule", .string, .required)
            .field("amount", .int64, .required)
            .field("earned_at", .datetime, .required)
            .field("expires_at", .datetime)
            .field("repaid", .int64, .required)
            .field("spent", .int64, .required)
            .field("expired", .int64, .required)
            .field("reversed", .int64, .required)
            .field("reversed_as_debt", .int64, .required)
            .unique(on: "member_id", "source")
            .create()
        try await db.schema(PointsMovementRow.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("kind", .string, .required)
            .field("lot_id", .int)
            .field("points", .int64, .required)
            .field("at", .datetime, .required)
            .field("reference", .string, .required)
            .field("reason", .string, .required)
            .field("values", .string, .required)
            .create()
        try await db.schema(PointsRule.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("trigger", .string, .required)
            .field("points", .int64, .required)
            .field("unit_fen", .int64, .required)
            .field("monthly_cap", .int64)
            .field("valid_days", .int)
            .field("active", .bool, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "trigger")
            .create()
        let sql = db.sql
        try await sql.create(index: "points_movements_member").on(PointsMovementRow.schema).column("member_id").column("id").run()
        try await sql.create(index: "points_lots_expiry").on(PointsLotRow.schema).column("expires_at").run()
        try await sql.create(index: "points_lots_event").on(PointsLotRow.schema).column("event").run()
    }

    func revert(on db: any Database) async throws {
        for schema in [PointsRule.schema, PointsMovementRow.schema, PointsLotRow.schema, PointsBalance.schema] { try await db.schema(schema).delete() }
    }
}
