import Fluent
import SQLKit

struct M028CreateProfitSharing: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ProfitPool.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("window", .string, .required)
            .field("basis", .string, .required)
            .field("rate_bp", .int64, .required)
            .field("fixed_fen", .int64, .required)
            .field("weight", .string, .required)
            .field("tiers", .string, .required)
            .field("vesting_months", .int, .required)
            .field("sales_fen", .int64, .required)
            .field("cost_fen", .int64, .required)
            .field("pay_fen", .int64, .required)
            .field("total_fen", .int64, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(ProfitShare.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("pool_id", .int, .required, .references(ProfitPool.schema, .id))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("weight", .int64, .required)
            .field("share_fen", .int64, .required)
            .unique(on: "pool_id", "member_id")
            .create()
        try await db.schema(ProfitInstallment.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("share_id", .int, .required, .references(ProfitShare.schema, .id))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("due", .string, .required)
            .field("amount_fen", .int64, .required)
            .field("status", .string, .required)
            .field("settled_at", .datetime)
            .create()
        let sql = db.sql
        try await sql.create(index: "profit_installments_due").on(ProfitInstallment.schema).column("status").column("due").run()
        try await sql.create(index: "profit_installments_member").on(ProfitInstallment.schema).column("member_id").run()
    }

    func revert(on db: any Database) async throws {
        for schema in [ProfitInstallment.schema, ProfitShare.schema, ProfitPool.schema] { try await db.schema(schema).delete() }
    }
}
