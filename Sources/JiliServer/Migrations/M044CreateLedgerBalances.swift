import Fluent
import SQLKit

/// Each ledger account's balance, kept by `Ledger.post` in the transaction of the entry: what the
/// payouts page, a statement and a batch read, instead of adding every line of every month (85,000
/// payables a month at 100,000 members). Filled once from the lines posted before.
struct M044CreateLedgerBalances: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Ledger.balances)
            .field("account", .string, .required)
            // The member of a `payable:` account (null for the others).
            .field("member_code", .string)
            .field("balance_fen", .int64, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "ledger_balances_account").on(Ledger.balances).column("account").unique().run()
        try await sql.create(index: "ledger_balances_member").on(Ledger.balances).column("member_code").run()
        try await sql.raw("""
            INSERT INTO \(ident: Ledger.balances) (account, member_code, balance_fen)
            SELECT account, CASE WHEN account LIKE 'payable:%' THEN SUBSTR(account, 9) END, CAST(SUM(amount_fen) AS BIGINT)
            FROM journal_lines GROUP BY account
            """).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Ledger.balances).delete()
    }
}
