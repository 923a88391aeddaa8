import Fluent
import SQLKit

struct M015CreateGoals: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Goal.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("scope", .string, .required)
            .field("member_id", .int, .references(Member.schema, .id))
            .field("department_id", .int, .references(Department.schema, .id))
            .field("period", .string, .required)
            .field("metric", .string, .required)
            .field("target", .int64, .required)
            .field("key", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "key")
            .create()
        let sql = db.sql
        try await sql.create(index: "goals_period").on(Goal.schema).column("period").run()
        try await sql.create(index: "orders_customer").on(Order.schema).column("customer_id").run()
    }

    func revert(on db: any Database) async throws {
        let sql = db.sql
        try await sql.drop(index: "orders_customer").run()
        try await db.schema(Goal.schema).delete()
    }
}
