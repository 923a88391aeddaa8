import Fluent
import Foundation
import JiliCore

/// A member's balance history: every ledger line on their payable account, oldest first, with what
/// the ledger owes them after it. Payouts carry their transfer (before tax, tax withheld, net,
/// reference); the rows add up to the balance the statement shows.
struct BalanceHistory {
    struct Row {
        var at: Date
        /// `pay_run`, `payout` or `adjustment`.
        var kind: String
        /// `pay_run:2026-10`, `payout:3`, `dispute:7`.
        var source: String
        /// What the ledger owes the member more (or, negative, less) after this line.
        var changeFen: Int64
        /// What the ledger owes the member after this line.
        var owedFen: Int64
        var transfer: PayoutTransfer?

        /// The part of `source` after the colon: the month, the batch or the dispute.
        /// What the line is about: the source after its kind, without a `#…` that tells entries about
        /// the same subject apart (`contest:5#m10` → `5`).
        var subject: String { String((source.split(separator: ":", maxSplits: 1).last ?? "").split(separator: "#", maxSplits: 1).first ?? "") }
    }

    var rows: [Row]
    var owedFen: Int64 { rows.last?.owedFen ?? 0 }

    static func load(member code: String, on db: any Database) async throws -> BalanceHistory {
        let lines = try await JournalLine.query(on: db).filter(\.$account == "payable:\(code)").with(\.$entry).all()
            .sorted { $0.entry.id! < $1.entry.id! }
        let transfers = try await PayoutTransfer.query(on: db).filter(\.$memberCode == code).all()
        let byBatch = Dictionary(transfers.map { ($0.$batch.id, $0) }, uniquingKeysWith: { a, _ in a })
        var owed: Int64 = 0
        var rows: [Row] = []
        for line in lines {
            owed -= line.amountFen
            var row = Row(at: line.entry.at, kind: line.entry.kind, source: line.entry.source, changeFen: -line.amountFen, owedFen: owed)
            if line.entry.kind == "payout", let batch = Int(row.subject) { row.transfer = byBatch[batch] }
            rows.append(row)
        }
        return BalanceHistory(rows: rows)
    }
}
