import Fluent
import SQLKit

struct M005CreateAuditLog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("account_id", .int)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("entity", .string, .required)
            .field("entity_id", .string, .required)
            .field("before", .string)
            .field("after", .string)
            .create()
        let sql = db.sql
        try await sql.create(index: "audit_log_entity").on(AuditEntry.schema).column("entity").column("entity_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(AuditEntry.schema).delete()
    }
}
