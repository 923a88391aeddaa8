import Fluent
import Foundation
import JiliCore
import SQLKit

/// The ledger: balanced journal entries, and each account's balance kept with them (the sum of its
/// lines, updated in the entry's transaction).
struct Ledger {
    static let balances = "ledger_balances"
    let db: any Database

    struct Unbalanced: Error {}

    /// Writes an entry whose lines add up to zero (zero lines are left out), on `db` — call it
    /// inside the transaction of what it records.
    static func post(on db: any Database, at: Date, kind: String, source: String, memo: String, lines: [(String, Int64)]) async throws {
        let kept = lines.filter { $0.1 != 0 }
        guard kept.reduce(Int64(0), { $0 + $1.1 }) == 0 else { throw Unbalanced() }
        let entry = JournalEntry(at: at, kind: kind, source: source, memo: memo)
        try await entry.create(on: db)
        // In batches: one INSERT has a limit on its values (SQLite: 250,000), a month can have 100,000 payables.
        try await BatchInsert.insert(kept.map { JournalLine(entryID: entry.id!, account: $0.0, amountFen: $0.1) }, on: db)
        // Each account's balance moves by its lines in this entry: one upsert per account, in batches.
        var moved: [String: Int64] = [:]
        for (account, fen) in kept { moved[account, default: 0] += fen }
        let rows = moved.sorted { $0.key < $1.key }
        let sql = db.sql
        for start in stride(from: 0, to: rows.count, by: 1_000) {
            var insert = sql.insert(into: balances).columns("account", "member_code", "balance_fen")
            for (account, fen) in rows[start..<min(rows.count, start + 1_000)] {
                let member = account.hasPrefix("payable:") ? String(account.dropFirst("payable:".count)) : nil
                insert = insert.values(SQLBind(account), SQLBind(member), SQLBind(fen))
            }
            try await insert.onConflict(with: ["account"]) {
                $0.set("balance_fen", to: SQLBinaryExpression(SQLColumn("balance_fen", table: balances), .add, SQLExcludedColumn("balance_fen")))
            }.run()
        }
    }

    /// The lines of an approved month: each member's payable credited with what the month gives
    /// them, and the expense of each rule type debited; adjustments go to the rule's type too.
    static func payRunLines(_ result: RunResult, plan: Plan) -> [(String, Int64)] {
        let types = Dictionary(uniqueKeysWithValues: plan.rules.map { ($0.id, $0.kind.typeName) })
        var expense: [String: Int64] = [:]
        var lines: [(String, Int64)] = []
        for m in result.members {
            lines.append(("payable:\(m.member)", -m.total))
            for (rule, amount) in Array(m.rules) + Array(m.adjustments) {
                expense["expense:\(types[rule] ?? rule)", default: 0] += amount
            }
        }
        return lines + expense.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Balance of an account (debits positive): a payable owed to a member is negative.
    func balance(_ account: String) async throws -> Int64 {
        try await db.sql.select().column("balance_fen").from(Self.balances).where("account", .equal, SQLBind(account)).first()?
            .decode(column: "balance_fen", as: Int64.self) ?? 0
    }

    /// How many members are owed anything, and how much in all.
    func owedTotal() async throws -> (members: Int, fen: Int64) {
        let row = try await db.sql.select()
            .column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n").column(SQLRaw("CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT)"), as: "fen")
            .from(Self.balances).where("member_code", .isNot, SQLLiteral.null).where("balance_fen", .lessThan, SQLBind(Int64(0))).first()
        return (Int(try row?.decode(column: "n", as: Int64.self) ?? 0), -(try row?.decode(column: "fen", as: Int64.self) ?? 0))
    }

    /// What is owed to each member who is owed anything (member code → fen, positive).
    func owed() async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try await db.sql.select().columns("member_code", "balance_fen").from(Self.balances)
            .where("member_code", .isNot, SQLLiteral.null).where("balance_fen", .lessThan, SQLBind(Int64(0))).all() {
            out[try row.decode(column: "member_code", as: String.self)] = -(try row.decode(column: "balance_fen", as: Int64.self))
        }
        return out
    }

    /// The sum of every line: zero, always.
    func total() async throws -> Int64 {
        try await JournalLine.query(on: db).all().reduce(0) { $0 + $1.amountFen }
    }
}
