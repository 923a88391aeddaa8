import Fluent
import SQLKit

struct M009CreateLedger: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(JournalEntry.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("source", .string, .required)
            .field("memo", .string, .required)
            .unique(on: "source")
            .create()
        try await db.schema(JournalLine.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("entry_id", .int, .required, .references(JournalEntry.schema, .id))
            .field("account", .string, .required)
            .field("amount_fen", .int64, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "journal_lines_account").on(JournalLine.schema).column("account").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(JournalLine.schema).delete()
        try await db.schema(JournalEntry.schema).delete()
    }
}
