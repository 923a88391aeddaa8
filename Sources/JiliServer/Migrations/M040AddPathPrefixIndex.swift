import Fluent
import SQLKit

/// A member's downline is `path LIKE '/1/2/5/%'`, and every page limited to a subtree asks it. The
/// index of M002 does not serve it: SQLite's LIKE ignores case, so it needs an index in NOCASE order,
/// and PostgreSQL needs `text_pattern_ops` unless the database's collation is C. With it, a downline
/// is a range of the index instead of a pass over every member.
struct M040AddPathPrefixIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        let sql = db.sql
        if sql.dialect.name == "postgresql" {
            try await sql.raw("CREATE INDEX members_path_prefix ON \(ident: Member.schema) (path text_pattern_ops)").run()
        } else {
            try await sql.raw("CREATE INDEX members_path_prefix ON \(ident: Member.schema) (path COLLATE NOCASE)").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "members_path_prefix").run()
    }
}
