import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Points in the database: the rules' job, refunds taken back, caps, expiry, the pages, and races.
@Suite struct PointsLedgerTests {
    func member(_ app: Application, _ code: String) async throws -> Member {
        try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
    }

    func ledger(_ app: Application, days: Double = 0) -> PointsLedger {
        PointsLedger(db: app.db, clock: JiliClock(now: { testNow.addingTimeInterval(days * 86_400) }))
    }

    @Test func theDemosJobEarnedByTheRulesAndRunningItAgainChangesNothing() async throws {
        try await withTestApp { app in
            let m10 = try await member(app, "m10")
            // Sales: one point per ¥10 of each order's net sales, this month and last; 5,000 at most this month.
            let orders = try await Order.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$period ~~ ["2026-10", "2026-11"]).all()
            let sales = min(5_000, orders.reduce(Int64(0)) { $0 + ($1.amountFen - $1.refundedFen) / 1_000 })
            let lots = try await PointsLotRow.query(on: app.db).filter(\.$member.$id == m10.id!).all()
            #expect(lots.filter { $0.rule == "sales" }.reduce(0) { $0 + $1.amount } == sales)
            // The manager's praise (10) and five trainings (50 each).
            #expect(lots.filter { $0.rule == "praise" }.map(\.amount) == [10])
            #expect(lots.filter { $0.rule == "activity:training" }.reduce(0) { $0 + $1.amount } == 250)
            let account = try await ledger(app).account(m10.id!)
            // The demo agent redeemed a 500-point sample set.
            #expect(account.earned == lots.reduce(0) { $0 + $1.amount } && account.balance == account.earned - 500 && account.spent == 500)
            // Every lot has its line in the history, with why (and the redemption its own).
            #expect(try await PointsMovementRow.query(on: app.db).filter(\.$member.$id == m10.id!).count() == lots.count + 1)
            let again = try await PointsEarning(db: app.db, clock: app.jiliClock).run()
            #expect(again.earned == 0 && again.reversed == 0)
        }
    }

    @Test func aRefundTakesBackItsPointsAndWhatWasSpentBecomesDebt() async throws {
        try await withTestApp { app in
            let m10 = try await member(app, "m10")
            let lot = try #require(try await PointsLotRow.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$rule == "sales")
                .sort(\.$amount, .descending).first())
            let order = try #require(try await Order.query(on: app.db).filter(\.$code == String(lot.source.dropFirst(6))).first())
            // Everything is spent first (as a redemption would).
            let before = try await ledger(app).account(m10.id!).balance
            _ = try await ledger(app).change(m10.id!) { _, account, _ in
                let (_, moves) = try account.spend(before, at: PointsLedger.instant(testNow), reference: "redemption:test")
                return ((), moves.map { ($0, PointsLedger.Reason(key: "points_reason_sales")) })
            }
            _ = try await OrderService(db: app.db, clock: app.jiliClock).refund(order: order, amountFen: order.amountFen - order.refundedFen, at: nil, code: nil, by: .system)
            let run = try await PointsEarning(db: app.db, clock: app.jiliClock).run()
            #expect(run.reversed >= 1)
            let after = try await ledger(app).account(m10.id!)
            #expect(after.balance == -lot.amount && after.debt == lot.amount)
            #expect(after.earned == after.spent + after.expired + after.reversed + after.balance)
            // The member reads why, and that the next points repay it.
            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/points").body.visibleText
            #expect(page.contains("收回：订单 \(order.code)") && page.contains("-\(lot.amount)") && page.contains("之后获得的积分会先抵扣"))
            // New sales repay the debt first.
            _ = try await ledger(app).settle([m10.id!: ([.init(source: "test:bonus", rule: "goal", points: lot.amount + 7, validDays: nil,
                                                               reason: .init(key: "points_reason_goal", values: ["period": "2026-11"]))], [])])
            let repaid = try await ledger(app).account(m10.id!)
            #expect(repaid.balance == 7 && repaid.debt == 0)
        }
    }

    @Test func aHiddenPraiseIsTakenBackAndCapsHold() async throws {
        try await withTestApp { app in
            var manager = try await Visitor.signedIn(app, "manager")
            for i in 1...12 { _ = try await manager.post("/wall", ["kind": "praise", "member": "m3", "text": "好 \(i)"], from: "/wall") }
            _ = try await PointsEarning(db: app.db, clock: app.jiliClock).run()
            let m3 = try await member(app, "m3")
            // Ten points a praise, 100 a month at most.
            let praise = try await PointsLotRow.query(on: app.db).filter(\.$member.$id == m3.id!).filter(\.$rule == "praise").all()
            #expect(praise.reduce(0) { $0 + $1.amount } == 100)
            // A praise hidden by a moderator: its points are taken back.
            let post = try #require(try await WallPost.query(on: app.db).filter(\.$text == "好 1").first())
            try await PraiseWall(db: app.db, clock: app.jiliClock, files: app.jiliConfig.files).hide(post, reason: "重复", by: .system)
            _ = try await PointsEarning(db: app.db, clock: app.jiliClock).run()
            let lot = try #require(try await PointsLotRow.query(on: app.db).filter(\.$source == "praise:\(post.id!)").first())
            #expect(lot.reversed == 10)
        }
    }

    @Test func pointsExpireAtTheirInstantAndTheJobIsIdempotent() async throws {
        try await withTestApp { app in
            let m10 = try await member(app, "m10")
            let balance = try await ledger(app).account(m10.id!).balance
            // Valid a year: a day before, nothing expires; after, everything has.
            #expect(try await ledger(app, days: 364).expireDue() == 0)
            let expired = try await ledger(app, days: 366).expireDue()
            #expect(expired > 0)
            #expect(try await ledger(app, days: 366).expireDue() == 0)
            let after = try await ledger(app).account(m10.id!)
            #expect(after.balance == 0 && after.expired == balance)
            let lines = try await PointsMovementRow.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$kind == "expire").all()
            #expect(lines.reduce(0) { $0 + $1.points } == -balance && lines.allSatisfy { $0.reason == "points_reason_expired" })
        }
    }

    @Test func twoSpendsRacingForTheLastPointsCannotBothHaveThem() async throws {
        try await withTestApp { app in
            let m10 = try await member(app, "m10")
            let balance = try await ledger(app).account(m10.id!).balance
            let spend: PointsLedger.Change<Bool> = { _, account, _ in
                let (_, moves) = try account.spend(balance, at: PointsLedger.instant(testNow), reference: "race")
                return (true, moves.map { ($0, PointsLedger.Reason(key: "points_reason_sales")) })
            }
            func attempt() async -> Result<Bool, any Error> {
                do { return .success(try await ledger(app).change(m10.id!, spend)) } catch { return .failure(error) }
            }
            async let first = attempt()
            async let second = attempt()
            let outcomes = await [first, second]
            #expect(outcomes.filter { (try? $0.get()) == true }.count == 1)
            #expect(outcomes.contains { if case .failure(let e) = $0 { return e as? PointsAccount.Refusal == .notEnough(asked: balance, available: 0) }; return false },
                    "\(outcomes)")
            #expect(try await ledger(app).account(m10.id!).balance == 0)
        }
    }

    @Test func theLeaderSetsTheRulesWithClearErrors() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            for (form, message) in [
                (["trigger": "sales", "points": "0", "unit": "10"], "积分“0”必须是 1 到 1000000 的整数。"),
                (["trigger": "sales", "points": "1", "unit": "-5"], "单位“-5”必须是大于 0 的金额（元）。"),
                (["trigger": "goal", "points": "100", "days": "5000"], "有效天数“5000”必须是 1 到 3650 的整数（或留空）。"),
                (["trigger": "goal", "points": "100", "cap": "x"], "每月上限“x”必须是大于 0 的整数（或留空）。"),
                (["trigger": "recruits", "points": "100"], "没有“recruits”这种积分规则。"),
            ] {
                let page = try await leader.post("/points/rules", form, from: "/points/rules")
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(form)")
            }
            #expect(try await leader.post("/points/rules", ["trigger": "goal", "points": "300", "days": "180", "active": "on"], from: "/points/rules").status == .seeOther)
            let rule = try #require(try await PointsRule.query(on: app.db).filter(\.$trigger == "goal").first())
            #expect(rule.points == 300 && rule.validDays == 180 && rule.monthlyCap == nil && rule.active)
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "points_rule").filter(\.$entityID == "goal").sort(\.$id, .descending).first())
            #expect(entry.actor == "leader" && entry.before?.contains("\"points\":\"200\"") == true && entry.after?.contains("\"points\":\"300\"") == true)
        }
    }
}
