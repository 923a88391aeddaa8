import Fluent
import SQLKit

/// Writing many rows at once: the demo team, imports, a payout batch, the promotion evaluation.
enum BatchInsert {
    /// Inserts models in batches of 500 rows (one statement each).
    static func insert<M: Model>(_ models: [M], on db: any Database) async throws {
        var start = 0
        while start < models.count {
            let end = min(models.count, start + 500)
            try await Array(models[start..<end]).create(on: db)
            start = end
        }
    }

    /// After rows were inserted with their ids given, PostgreSQL's id sequences must move past
    /// them (SQLite's AUTOINCREMENT follows the largest id by itself).
    static func advanceSequences(on db: any Database, tables: [String]) async throws {
        let sql = db.sql
        guard sql.dialect.name == "postgresql" else { return }
        for table in tables {
            try await sql.raw("SELECT setval(pg_get_serial_sequence(\(literal: table), 'id'), (SELECT COALESCE(MAX(id), 1) FROM \(ident: table)))").run()
        }
    }
}
