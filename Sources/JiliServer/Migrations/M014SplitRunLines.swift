import Fluent
import Foundation
import SQLKit

/// Each member's explained line of a run in a row of its own; the run keeps the result document
/// without explanations. A run of 100,000 members explains itself in hundreds of megabytes: a
/// statement now reads one row. Runs stored before this migration are split, amounts unchanged.
struct M014SplitRunLines: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PayRunMember.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("run_id", .int, .required, .references(PayRun.schema, .id))
            .field("member_code", .string, .required)
            .field("total_fen", .int64, .required)
            .field("line", .sql(.text), .required)
            .unique(on: "run_id", "member_code")
            .create()
        // The tables of the time, by SQL (later migrations move the document and the lines apart).
        for row in try await db.sql.select().columns("id", "result").from(PayRun.schema).all() {
            try await Self.split(run: try row.decode(column: "id", as: Int.self), result: try row.decode(column: "result", as: String.self), on: db)
        }
    }

    /// Moves the explained member lines of a run stored whole into rows of their own.
    static func split(run: Int, result: String, on db: any Database) async throws {
        guard var doc = try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any],
              var members = doc["members"] as? [[String: Any]] else { return }
        let sql = db.sql
        var rows: [(code: String, total: Int64, line: String)] = []
        for (i, m) in members.enumerated() {
            rows.append((m["member"] as? String ?? "", try RunResult.fen(m["total"] as? String ?? "", []),
                         String(decoding: try JSONSerialization.data(withJSONObject: m, options: [.sortedKeys]), as: UTF8.self)))
            members[i]["explanations"] = nil
        }
        for chunk in stride(from: 0, to: rows.count, by: 500) {
            var insert = sql.insert(into: PayRunMember.schema).columns("run_id", "member_code", "total_fen", "line")
            for r in rows[chunk..<min(rows.count, chunk + 500)] { insert = insert.values(SQLBind(run), SQLBind(r.code), SQLBind(r.total), SQLBind(r.line)) }
            try await insert.run()
        }
        doc["members"] = members
        let text = String(decoding: try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self)
        try await sql.update(PayRun.schema).set("result", to: text).where("id", .equal, run).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayRunMember.schema).delete()
    }
}
