import Fluent
import Foundation

/// A journal entry of the double-entry ledger: its lines add up to zero (debits positive, credits
/// negative, in fen). Balances are derived from the lines, never stored.
final class JournalEntry: Model, @unchecked Sendable {
    static let schema = "journal_entries"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @Field(key: "kind") var kind: String
    /// What it records: `pay_run:2026-10`.
    @Field(key: "source") var source: String
    @Field(key: "memo") var memo: String
    @Children(for: \.$entry) var lines: [JournalLine]

    init() {}
    init(at: Date, kind: String, source: String, memo: String) {
        self.at = at
        self.kind = kind
        self.source = source
        self.memo = memo
    }
}

/// One line: an account (`payable:m10`, `expense:commission`, `cash`) and an amount.
final class JournalLine: Model, @unchecked Sendable {
    static let schema = "journal_lines"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "entry_id") var entry: JournalEntry
    @Field(key: "account") var account: String
    @Field(key: "amount_fen") var amountFen: Int64

    init() {}
    init(entryID: Int, account: String, amountFen: Int64) {
        self.$entry.id = entryID
        self.account = account
        self.amountFen = amountFen
    }
}
