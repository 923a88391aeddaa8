import Fluent
import SQLKit

struct M016CreateContests: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Contest.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("kind", .string, .required)
            .field("metric", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("tiers", .string, .required)
            .field("status", .string, .required)
            .field("frozen_at", .datetime)
            .field("freeze_id", .string)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(ContestPrize.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("contest_id", .int, .required, .references(Contest.schema, .id))
            .field("rank", .int, .required)
            .field("description", .string, .required)
            .field("cash_fen", .int64, .required)
            .create()
        try await db.schema(ContestTeam.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("contest_id", .int, .required, .references(Contest.schema, .id))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .create()
        try await db.schema(ContestResult.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("contest_id", .int, .required, .references(Contest.schema, .id))
            .field("subject", .string, .required)
            .field("label", .string, .required)
            .field("value", .int64, .required)
            .field("rank", .int, .required)
            .unique(on: "contest_id", "subject")
            .create()
        let sql = db.sql
        try await sql.create(index: "orders_paid_at").on(Order.schema).column("paid_at").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db.sql
        try await sql.drop(index: "orders_paid_at").run()
        for schema in [ContestResult.schema, ContestTeam.schema, ContestPrize.schema, Contest.schema] { try await db.schema(schema).delete() }
    }
}
