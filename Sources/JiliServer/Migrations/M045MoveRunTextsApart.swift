import Fluent
import SQLKit

/// A run's result document and its members' explained lines move to tables of their own
/// (``RunTexts``): on SQLite a column stored after a 12 MB document is read by walking every page
/// of it, and every read of a run's status or of a statement's page line did. Texts and amounts
/// unchanged. In one transaction: stopped half-way, it leaves the tables as they were.
struct M045MoveRunTextsApart: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.transaction { db in try await Self.moveApart(on: db) }
    }

    func revert(on db: any Database) async throws {
        try await db.transaction { db in try await Self.putBack(on: db) }
    }

    static func moveApart(on db: any Database) async throws {
        let sql = db.sql
        try await db.schema(RunTexts.documents)
            .field("run_id", .int, .identifier(auto: false), .references(PayRun.schema, .id))
            .field("result", .sql(.text), .required)
            .create()
        try await sql.raw("INSERT INTO \(ident: RunTexts.documents) (run_id, result) SELECT id, result FROM \(ident: PayRun.schema)").run()
        try await sql.raw("ALTER TABLE \(ident: PayRun.schema) DROP COLUMN result").run()

        try await db.schema(RunTexts.lines)
            .field("run_id", .int, .required, .references(PayRun.schema, .id))
            .field("member_code", .string, .required)
            .field("line", .sql(.text), .required)
            .unique(on: "run_id", "member_code")
            .create()
        try await sql.raw("""
            INSERT INTO \(ident: RunTexts.lines) (run_id, member_code, line)
            SELECT run_id, member_code, line FROM \(ident: PayRunMember.schema)
            """).run()
        try await sql.raw("ALTER TABLE \(ident: PayRunMember.schema) DROP COLUMN line").run()
    }

    static func putBack(on db: any Database) async throws {
        let sql = db.sql
        try await db.schema(PayRun.schema).field("result", .string, .required, .sql(.default(""))).update()
        try await sql.raw("""
            UPDATE \(ident: PayRun.schema) SET result = COALESCE((SELECT d.result FROM \(ident: RunTexts.documents) d WHERE d.run_id = \(ident: PayRun.schema).id), '')
            """).run()
        try await db.schema(PayRunMember.schema).field("line", .sql(.text), .required, .sql(.default(""))).update()
        try await sql.raw("""
            UPDATE \(ident: PayRunMember.schema) SET line = COALESCE((SELECT l.line FROM \(ident: RunTexts.lines) l
              WHERE l.run_id = \(ident: PayRunMember.schema).run_id AND l.member_code = \(ident: PayRunMember.schema).member_code), '')
            """).run()
        try await db.schema(RunTexts.lines).delete()
        try await db.schema(RunTexts.documents).delete()
    }
}
