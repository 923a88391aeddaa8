import Fluent
import Foundation

/// Withholding of individual income tax on 劳务报酬: each transfer keeps the tax withheld and the
/// month it was paid in (payments in one month are taxed together); a batch says whether it withheld.
/// Transfers made before this migration withheld nothing; their month is taken from their batch.
struct M012AddPayoutWithholding: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PayoutBatch.schema)
            .field("withholds_tax", .bool, .required, .sql(.default(false)))
            .update()
        try await db.schema(PayoutTransfer.schema)
            .field("tax_fen", .int64, .required, .sql(.default(0)))
            .update()
        // One column per statement: SQLite adds one at a time.
        try await db.schema(PayoutTransfer.schema)
            .field("month", .string, .required, .sql(.default("")))
            .update()
        let clock = JiliClock(now: { Date(timeIntervalSince1970: 0) })  // its time zone only
        for batch in try await PayoutBatch.query(on: db).all() {
            try await PayoutTransfer.query(on: db).filter(\.$batch.$id == batch.id!)
                .set(\.$month, to: clock.period(of: batch.createdAt).description).update()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayoutTransfer.schema).deleteField("month").update()
        try await db.schema(PayoutTransfer.schema).deleteField("tax_fen").update()
        try await db.schema(PayoutBatch.schema).deleteField("withholds_tax").update()
    }
}
