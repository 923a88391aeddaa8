import Foundation
import Fluent
import JiliCore
import SQLKit
import Testing
import Vapor
@testable import JiliServer

/// The balances the ledger keeps with its entries (issue 18) are the sums of their lines, always.
@Suite struct LedgerBalanceTests {
    func sums(_ app: Application) async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for l in try await JournalLine.query(on: app.db).all() { out[l.account, default: 0] += l.amountFen }
        return out
    }

    func kept(_ app: Application) async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for row in try await app.db.sql.select().columns("account", "balance_fen").from(Ledger.balances).all() {
            out[try row.decode(column: "account", as: String.self)] = try row.decode(column: "balance_fen", as: Int64.self)
        }
        return out
    }

    @Test func everyAccountsBalanceIsTheSumOfItsLinesAfterApprovalsAdjustmentsAndPayouts() async throws {
        try await withTestApp { app in
            // The demo: three months approved.
            let before = try await sums(app)
            #expect(before.count > 250)
            #expect(try await kept(app) == before)
            // An adjustment to one member, then a payout batch of everyone owed.
            try await Ledger.post(on: app.db, at: testNow, kind: "adjustment", source: "test:m11", memo: "", lines: [("payable:m11", -1_234), ("expense:adjustment", 1_234)])
            let service = PayoutService(db: app.db, clock: app.jiliClock)
            let owed = try await service.owed()
            #expect(owed["m11"] == -(before["payable:m11"] ?? 0) + 1_234)
            let total = try await Ledger(db: app.db).owedTotal()
            #expect(total.members == owed.count && total.fen == owed.values.reduce(0, +) && total.members > 200)
            let plan = try await service.preview(minimumFen: 1, withholdTax: true, includeDisputed: true)
            _ = try await service.createBatch(minimumFen: 1, withholdTax: true, includeDisputed: true, fingerprint: plan.fingerprint, by: .system)
            let after = try await sums(app)
            #expect(try await kept(app) == after)
            #expect(try await service.owed().isEmpty)
            #expect(try await Ledger(db: app.db).balance("payable:m11") == 0)
        }
    }

    @Test func twoBatchesMadeAtOnceNeverPayAMemberTwice() async throws {
        try await withTestApp { app in
            let service = PayoutService(db: app.db, clock: app.jiliClock)
            let owed = try await service.owed()
            @Sendable func make() async -> Bool {
                (try? await service.createBatch(minimumFen: 1, withholdTax: false, includeDisputed: true, by: .system)) != nil
            }
            async let first = make()
            async let second = make()
            let made = await [first, second]
            // One batch is made; the other is refused (nothing left to pay) or fails, and changes nothing.
            #expect(made.filter { $0 }.count == 1)
            let transfers = try await PayoutTransfer.query(on: app.db).all()
            #expect(transfers.count == owed.count)
            #expect(Dictionary(grouping: transfers, by: \.memberCode).values.allSatisfy { $0.count == 1 })
            #expect(transfers.reduce(0) { $0 + $1.amountFen } == owed.values.reduce(0, +))
            #expect(try await service.owed().isEmpty)
        }
    }
}
