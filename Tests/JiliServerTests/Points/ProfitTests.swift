import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Profit sharing: pools, splits that reconcile, vesting into the ledger, forfeits, bad input.
@Suite struct ProfitTests {
    func service(_ app: Application) -> ProfitService { ProfitService(db: app.db, clock: app.jiliClock) }

    @Test func aFixedPoolIsSplitByTierAndVestsMonthByMonth() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            let page = try await finance.submit("/profit", ["name": "三季度分红", "window": "2026-Q3", "basis": "fixed", "fixed": "10000", "weight": "tier",
                                                         "tier_general": "on", "tier_director": "on", "months": "3"], from: "/profit")
            #expect(page.status == .ok && page.body.visibleText.contains("已建立分红池“三季度分红”：共 ¥10,000.00。"))
            let pool = try #require(try await ProfitPool.query(on: app.db).first())
            let shares = try await ProfitShare.query(on: app.db).filter(\.$pool.$id == pool.id!).with(\.$member).all()
            #expect(shares.reduce(0) { $0 + $1.shareFen } == 1_000_000)
            // 总代 weigh 3, 董事 4: a director's share is 4/3 of a general agent's (to the fen).
            let general = try #require(shares.first { $0.member.tier == "general" }), director = try #require(shares.first { $0.member.tier == "director" })
            #expect(general.weight == 3 && director.weight == 4 && abs(director.shareFen * 3 - general.shareFen * 4) <= 7)
            let parts = try await ProfitInstallment.query(on: app.db).all()
            #expect(Set(parts.map(\.due)) == ["2026-10", "2026-11", "2026-12"] && parts.reduce(0) { $0 + $1.amountFen } == 1_000_000)
            // One of them leaves before the job runs: their parts due so far are forfeited, the others paid.
            let leaver = general.member
            leaver.status = .left
            try await leaver.save(on: app.db)
            let owedBefore = try await Ledger(db: app.db).balance("payable:\(director.member.code)")
            let vested = try await service(app).vest()
            #expect(vested.forfeited == 2 && vested.paid == 2 * (shares.count - 1))
            let directorParts = parts.filter { $0.$member.id == director.$member.id && $0.due <= "2026-11" }.reduce(0) { $0 + $1.amountFen }
            #expect(try await Ledger(db: app.db).balance("payable:\(director.member.code)") == owedBefore - directorParts)
            #expect(try await Ledger(db: app.db).total() == 0)
            // Again: nothing moves twice.
            #expect(try await service(app).vest() == (0, 0))
            #expect(try await ProfitInstallment.query(on: app.db).filter(\.$status == .pending).count() == shares.count)
            // The member reads what accrued and what was paid.
            let leaderShare = try #require(shares.first { $0.member.code == "m1" })
            var leader = try await Visitor.signedIn(app, "leader")
            let mine = try await leader.get("/profit").body.visibleText
            let leaderPaid = parts.filter { $0.$member.id == leaderShare.$member.id && $0.due <= "2026-11" }.reduce(0) { $0 + $1.amountFen }
            #expect(mine.contains("累计分得 \(Money(fen: leaderShare.shareFen).display)") && mine.contains("已发放 \(Money(fen: leaderPaid).display)"))
        }
    }

    @Test func aProfitPoolIsARateOfSalesLessCostLessPay() async throws {
        try await withTestApp { app in
            let pool = try await service(app).create(.init(name: "年度", window: GoalWindow(parsing: "2026-Q3")!, basis: .profit, rateBasisPoints: 1_000,
                                                         weight: .performance, tiers: Tiers.ids, months: 1), by: .system)
            let orders = try await Order.query(on: app.db).filter(\.$period ~~ ["2026-07", "2026-08", "2026-09"]).all()
            #expect(pool.salesFen == orders.reduce(0) { $0 + $1.amountFen - $1.refundedFen } && pool.costFen == orders.reduce(0) { $0 + $1.costFen })
            let pay = try await PayRun.query(on: app.db).filter(\.$period ~~ ["2026-07", "2026-08", "2026-09"]).filter(\.$status == .approved).all().reduce(Int64(0)) { $0 + $1.totalFen }
            #expect(pool.payFen == pay && pool.totalFen == max(0, pool.salesFen - pool.costFen - pool.payFen) * 1_000 / 10_000)
            #expect(try await ProfitShare.query(on: app.db).all().reduce(0) { $0 + $1.shareFen } == pool.totalFen)
        }
    }

    @Test func badPoolsAreRefusedWithClearMessages() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let base = ["name": "分红", "window": "2026-Q3", "basis": "fixed", "fixed": "100", "weight": "tier", "tier_vip": "on", "months": "3"]
            for (change, message) in [
                (["window": "2026-11"], "“2026-11”不是一个季度或年度"),
                (["window": "2026-Q4"], "2026-Q4 还没有结束。"),
                (["basis": "profit", "rate": "0"], "比例“0”必须大于 0 且不超过 100。"),
                (["fixed": "-1"], "固定金额“-1”必须是大于 0 的金额（元）。"),
                (["months": "40"], "发放月数“40”必须是 1 到 36 的整数。"),
                (["tier_vip": ""], "请至少选择一个参与的级别。"),
                (["window": "2025", "weight": "performance"], "没有可以分配的成员（权重合计为 0）。"),
            ] {
                var form = base.merging(change) { $1 }
                if form["tier_vip"] == "" { form["tier_vip"] = nil }
                let page = try await leader.post("/profit", form, from: "/profit")
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(change)")
            }
            #expect(try await ProfitPool.query(on: app.db).count() == 0)
        }
    }
}
