import Fluent
import Foundation
import JiliCore
import SQLKit

/// The ledger: balanced journal entries; balances derived by adding lines.
struct Ledger {
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
        try await JournalLine.query(on: db).filter(\.$account == account).all().reduce(0) { $0 + $1.amountFen }
    }

    /// The sum of every line: zero, always.
    func total() async throws -> Int64 {
        try await JournalLine.query(on: db).all().reduce(0) { $0 + $1.amountFen }
    }
}
