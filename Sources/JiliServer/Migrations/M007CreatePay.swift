import Fluent
import SQLKit

/// Plan versions and pay runs.
struct M007CreatePay: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PlanVersion.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("json", .string, .required)
            .field("effective_from", .string)
            .field("status", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(PayRun.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("period", .string, .required)
            .field("plan_version_id", .int, .required, .references(PlanVersion.schema, .id))
            .field("status", .string, .required)
            .field("total_fen", .int64, .required)
            .field("sales_fen", .int64, .required)
            .field("result", .string, .required)
            .field("computed_at", .datetime, .required)
            .field("approved_at", .datetime)
            .field("approved_by", .string)
            .field("approval_id", .string)
            .unique(on: "period")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayRun.schema).delete()
        try await db.schema(PlanVersion.schema).delete()
    }
}
