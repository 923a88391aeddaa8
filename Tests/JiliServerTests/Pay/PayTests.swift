import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct PayTests {
    /// On 2 December, when November has ended and may be approved.
    func service(_ app: Application) -> PayService { PayService(db: app.db, clock: JiliClock(now: { decemberNow })) }

    /// One engine: the app's run of a month equals `jili settle` on the same data exported as files.
    @Test func theAppSettlesExactlyAsTheCommandLineDoes() async throws {
        try await withTestApp { app in
            // The demo team's October, settled and approved at start-up.
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            #expect(run.status == .approved)

            let export = ExportService(db: app.db, clock: JiliClock(now: { testNow }))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-pay-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            func write(_ name: String, _ parts: [[UInt8]]) throws {
                // One header, then every month's rows.
                var lines: [String] = []
                for (i, bytes) in parts.enumerated() {
                    let text = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                    lines += i == 0 ? text : Array(text.dropFirst())
                }
                try lines.joined(separator: "\n").write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
            }
            let months = ["2026-08", "2026-09", "2026-10", "2026-11"]
            try write("members.csv", [try await export.members(scope: .all)])
            var orderParts: [[UInt8]] = []
            var refundParts: [[UInt8]] = []
            for m in months {
                orderParts.append(try await export.orders(scope: .all, period: m))
                refundParts.append(try await export.refunds(scope: .all, period: m))
            }
            try write("orders.csv", orderParts)
            try write("refunds.csv", refundParts)
            try write("goals.csv", [try await export.goals(scope: .all)])
            try DemoGenerator.planJSON.write(toFile: "\(folder)/plan.json", atomically: true, encoding: .utf8)
            let files = SettlementFiles(plan: "\(folder)/plan.json", members: "\(folder)/members.csv", orders: "\(folder)/orders.csv",
                                        refunds: "\(folder)/refunds.csv", goals: "\(folder)/goals.csv")
            let (plan, input) = try files.load().get()
            let cli = try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-10")!)

            let stored = try await RunResult.read(run, on: app.db)
            #expect(run.totalFen == cli.total && cli.total > 0)
            // The goals set in the app pay through the plan's goalBonus, as the goals file does.
            #expect(input.goals.count > 100 && cli.members.contains { ($0.rules["goal"] ?? 0) > 0 })
            #expect(stored.members.count == cli.members.count)
            for (a, c) in zip(stored.members, cli.members) {
                #expect(a.member == c.member)
                #expect(a.rules == c.rules)
                #expect(a.adjustments == c.adjustments)
            }
        }
    }

    @Test func versionsApplyFromTheirMonthAndRefusedPlansCannotBeActivated() async throws {
        try await withTestApp { app in
            let pay = service(app)
            // The demo's version is in force from 2026-08.
            let first = try #require(try await pay.versionInForce(Period(parsing: "2026-08")!))
            let richer = DemoGenerator.planJSON.replacingOccurrences(of: #""vip": "0.05", "agent": "0.08", "general": "0.12", "director": "0.15"}},"#,
                                                                    with: #""vip": "0.06", "agent": "0.08", "general": "0.12", "director": "0.15"}},"#)
            #expect(richer != DemoGenerator.planJSON)
            let second = try await pay.createVersion(name: "v2", json: richer, by: .system)
            try await pay.activate(second, from: Period(parsing: "2026-11")!, by: .system)
            #expect(try await pay.versionInForce(Period(parsing: "2026-10")!)?.id == first.id)
            #expect(try await pay.versionInForce(Period(parsing: "2026-11")!)?.id == second.id)
            #expect(try await pay.versionInForce(Period(parsing: "2026-07")!) == nil)
            // An active version is not activated again (nor edited): a change is a new version.
            await #expect(throws: Refusal.self) { try await pay.activate(first, from: Period(parsing: "2026-12")!, by: .system) }
            // A refused plan (3 override generations, default maxDepth 2) cannot be activated.
            let refused = try await pay.createVersion(name: "deep", json: """
                {"id": "deep", "tiers": [{"id": "vip"}, {"id": "agent"}, {"id": "general"}, {"id": "director"}],
                 "rules": [{"id": "team", "type": "override", "rates": ["0.03", "0.02", "0.01"]}]}
                """, by: .system)
            await #expect(throws: Refusal.self) { try await pay.activate(refused, from: Period(parsing: "2026-12")!, by: .system) }
            // A plan that does not decode is refused with its problems.
            do {
                _ = try await pay.createVersion(name: "bad", json: #"{"id": "x", "tiers": [], "rules": []}"#, by: .system)
                Issue.record("a bad plan was accepted")
            } catch let refusal as Refusal {
                #expect(refusal.values["problems"]?.contains("tiers: a plan needs at least one tier") == true)
            }
        }
    }

    @Test func anApprovedMonthNeverChanges() async throws {
        try await withTestApp { app in
            let pay = service(app)
            let november = Period(parsing: "2026-11")!
            let draft = try await pay.draft(november, by: .system)
            let again = try await pay.draft(november, by: .system)
            #expect(again.id == draft.id && again.totalFen == draft.totalFen)
            // Not while November lasts: until its end the draft is an estimate.
            await #expect(throws: Refusal.self) { try await PayService(db: app.db, clock: JiliClock(now: { testNow })).approve(november, by: .system) }
            try await pay.approve(Period(parsing: "2026-11")!, by: .system)
            // Approving twice: the second is refused; computing an approved month is refused.
            await #expect(throws: Refusal.self) { try await pay.approve(Period(parsing: "2026-11")!, by: .system) }
            await #expect(throws: Refusal.self) { _ = try await pay.draft(november, by: .system) }
            // No new version may start in a closed month.
            let v2 = try await pay.createVersion(name: "v2", json: DemoGenerator.planJSON, by: .system)
            await #expect(throws: Refusal.self) { try await pay.activate(v2, from: november, by: .system) }
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first())
            #expect(run.status == .approved && run.totalFen == draft.totalFen)
            // Three demo months and this one.
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "pay_run").filter(\.$action == "approve").count() == 4)
        }
    }

    /// Computing again while approving: the month is approved once, and what the ledger holds is
    /// exactly the stored run (never a draft written over an approval).
    @Test func approvingWhileComputingAgainKeepsOneApprovedRun() async throws {
        try await withTestApp { app in
            let pay = service(app)
            let month = Period(parsing: "2026-11")!
            _ = try await pay.draft(month, by: .system)
            await withTaskGroup(of: Void.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        if i % 2 == 0 { _ = try? await pay.draft(month, by: .system) } else { try? await pay.approve(Period(parsing: "2026-11")!, by: .system) }
                    }
                }
            }
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first())
            #expect(run.status == .approved)
            let document = try await PayQueries(db: app.db).document(of: run)
            let entries = try await JournalEntry.query(on: app.db).filter(\.$source == "pay_run:2026-11").with(\.$lines).all()
            #expect(entries.count == 1)
            let posted = entries.first?.lines.filter { $0.account.hasPrefix("payable:") }.reduce(Int64(0)) { $0 - $1.amountFen }
            #expect(posted == run.totalFen)
            // Once approved, computing again is refused and changes nothing.
            await #expect(throws: Refusal.self) { try await pay.draft(month, by: .system) }
            #expect(try await PayQueries(db: app.db).document(of: run) == document)
        }
    }

    @Test func twoApprovalsAtOnceMakeExactlyOne() async throws {
        try await withTestApp { app in
            let pay = service(app)
            _ = try await pay.draft(Period(parsing: "2026-11")!, by: .system)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        (try? await pay.approve(Period(parsing: "2026-11")!, by: Actor(accountID: nil, name: "finance-\(i)"))) != nil
                    }
                }
                var results: [Bool] = []
                for await r in group { results.append(r) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "pay_run").filter(\.$action == "approve").filter(\.$entityID == "2026-11").count() == 1)
        }
    }
}

/// The demo plan's rules by the names its members read.
let demoRuleNames = ["retail": "零售提成", "volume": "业绩阶梯奖", "jicha": "级差奖", "pingji": "平级奖", "team": "团队奖", "goal": "目标奖", "champion": "季度销售冠军奖"]

@Suite struct WhatIfTests {
    @Test func aRicherRetailRateWouldHavePaidMoreToExactlyTheMembersItTouches() async throws {
        try await withTestApp { app in
            let pay = PayService(db: app.db, clock: JiliClock(now: { testNow }))
            // Only vip's retail rate changes: 5 % → 6 %.
            let richer = DemoGenerator.planJSON.replacingOccurrences(of: #"{"id": "retail", "name": "零售提成", "type": "commission", "rates": {"vip": "0.05""#,
                                                                    with: #"{"id": "retail", "name": "零售提成", "type": "commission", "rates": {"vip": "0.06""#)
            #expect(richer != DemoGenerator.planJSON)
            let draft = try await pay.createVersion(name: "vip 6%", json: richer, by: .system)
            let w = try await pay.whatIf(draft, period: Period(parsing: "2026-10")!)
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            #expect(w.before == run.totalFen)
            #expect(w.after > w.before)
            // Only active vips are touched. Most gain; a vip whose earlier month is restated by an October
            // refund loses more under the richer rate (the restatement uses the version being tried).
            let members = Dictionary(uniqueKeysWithValues: try await Member.query(on: app.db).all().map { ($0.code, $0) })
            #expect(!w.changes.isEmpty)
            #expect(w.changes.filter { $0.after > $0.before }.count > w.changes.count / 2)
            for c in w.changes {
                #expect(members[c.member]?.tier == "vip" && members[c.member]?.status == .active, "\(c.member) is not an active vip")
            }
            // The page shows it.
            var finance = try await Visitor.signedIn(app, "finance")
            let page = try await finance.get("/pay/versions/\(draft.id!)/whatif?month=2026-10").body.visibleText
            #expect(page.contains("实际支付 \(Money(fen: w.before).display)") && page.contains("按此版本 \(Money(fen: w.after).display)"))
            #expect(page.contains("\(w.changes.count) 位成员的收入会变化"))
        }
    }
}

@Suite struct StatementTests {
    @Test func anAgentReadsTheirStatementWithEachFenExplained() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let list = try await agent.get("/statements").body.visibleText
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let mine = try #require(try await RunLines.line(run: run, member: "m10", on: app.db))
            // Each month with what it brought.
            #expect(list.contains("2026年10月 \(Money(fen: mine.total).display)") && list.contains("2026年8月"), "\(list)")
            let page = try await agent.get("/statements/2026-10").body.visibleText
            #expect(page.contains("2026年10月收入") && page.contains("本月收入 \(Money(fen: mine.total).display)"))
            // Each rule by its name, largest first, with its explanation: the sentence and the lines
            // it came from, largest first.
            let names = demoRuleNames
            func size(_ l: RunResult.Line) -> Int64 {
                guard case .success(let micro) = FixedPoint.parse(l.amount.replacingOccurrences(of: "-", with: ""), scale: 8) else { return 0 }
                return micro
            }
            var at: [String.Index] = []
            for (rule, amount) in mine.rules.sorted(by: { $0.value > $1.value }) {
                let heading = try #require(page.range(of: "\(names[rule]!) \(Money(fen: amount).display)"), "rule \(rule)")
                at.append(heading.lowerBound)
                let lines = try #require(mine.explanations?[rule]?.lines)
                let largest = try #require(lines.max { size($0) < size($1) })
                #expect(page.contains(largest.zh), "a line of \(rule)")
                if lines.count > 1, let smallest = lines.min(by: { size($0) < size($1) }), size(smallest) < size(largest) {
                    #expect(page.range(of: largest.zh)!.lowerBound < page.range(of: smallest.zh)!.lowerBound, "largest first in \(rule)")
                }
            }
            #expect(at == at.sorted() && at.count >= 2)
            #expect(!page.contains("jicha") && !page.contains("retail"))
            // What the ledger owes m10: the sum of the three approved months.
            var owed: Int64 = 0
            for r in try await PayRun.query(on: app.db).filter(\.$status == .approved).all() {
                owed += try await RunResult.read(r, on: app.db).members.first { $0.member == "m10" }?.total ?? 0
            }
            #expect(page.contains("待发放（各月合计） \(Money(fen: owed).display)"))
            // In English too.
            let english = try await agent.get("/statements/2026-10?lang=en").body.visibleText
            #expect(english.contains("Income for 2026-10") && english.contains("This month's income"))
            // Someone else's statement does not exist for an agent; a draft month has no statement.
            #expect(try await agent.get("/statements/2026-10?member=m1").status == .notFound)
            #expect(try await agent.get("/statements/2026-11").status == .notFound)
        }
    }

    /// During the month its draft is an estimate that cannot be approved; after it, approving shows
    /// what it will do and needs the confirmation it asks for.
    @Test func aMonthIsApprovedAfterItEndsFromItsPreview() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            _ = try await finance.post("/pay/runs", ["month": "2026-11"], from: "/pay")
            let estimate = try await finance.get("/pay/runs/2026-11")
            #expect(estimate.body.visibleText.contains("结算 2026-11 估算 这是月底前算的估算：之后的订单和退款还没有算进去。"))
            #expect(!estimate.body.contains("/pay/runs/2026-11/approve"))
            finance.sendsReferer = true
            let refused = try await finance.submit("/pay/runs/2026-11/approve", ["confirm": "yes", "fingerprint": "0-0"], from: "/pay/runs/2026-11")
            #expect(refused.body.visibleText.contains("2026-11 还没有结束，2026-12 起才能审批；现在的结算只是估算。"))
            #expect(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.status == .draft)
            // On 2 December the draft computed in November is still an estimate: computed again, it may be approved.
            let december = PayService(db: app.db, clock: JiliClock(now: { decemberNow }))
            await #expect(throws: Refusal(key: "pay_error_stale_draft", values: ["month": "2026-11", "at": "2026-11-29 12:00"])) {
                try await december.approve(Period(parsing: "2026-11")!, by: .system)
            }
            _ = try await december.draft(Period(parsing: "2026-11")!, by: .system)
            try await december.approve(Period(parsing: "2026-11")!, by: .system)
            #expect(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.status == .approved)
        }
    }

    @Test func financeComputesReviewsAndApprovesAMonthOnThePages() async throws {
        try await withTestApp(now: decemberNow) { app in
            var finance = try await Visitor.signedIn(app, "finance")
            var agent = try await Visitor.signedIn(app, "agent")
            _ = try await agent.post("/statements/2026-10/disputes", ["rule": "retail", "message": "少算了？"], from: "/statements/2026-10")
            let computed = try await finance.post("/pay/runs", ["month": "2026-11"], from: "/pay")
            #expect(computed.status == .seeOther && computed.location == "/pay/runs/2026-11")
            let review = try await finance.get("/pay/runs/2026-11").body.visibleText
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first())
            #expect(review.contains("应付合计 \(Money(fen: run.totalFen).display)"))
            #expect(review.contains("激励成本率"))
            // The preview: how many people, how much, against the month before, and what is unusual.
            let paid = try await RunResult.read(run, on: app.db).members.filter { $0.total != 0 }.count
            #expect(review.contains("审批 2026-11：\(paid) 人获得收入，合计 \(Money(fen: run.totalFen).display)。"), "\(review)")
            #expect(review.contains("较 2026-10：") && review.contains("注意：还有 1 条结算疑问未答复。") && review.contains("确认审批这个月的结算？此操作不能撤销。"))
            // Without the confirmation nothing is approved.
            #expect(try await finance.post("/pay/runs/2026-11/approve", [:], from: "/pay/runs/2026-11").status == .unprocessableEntity)
            #expect(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.status == .draft)
            // The confirmation approves what its preview showed: a draft computed again since (a minute
            // later, by someone else) is refused with its new total, and stays a draft.
            let read = try await finance.get("/pay/runs/2026-11")
            let minuteLater = PayService(db: app.db, clock: JiliClock(now: { decemberNow.addingTimeInterval(60) }))
            let again = try await minuteLater.draft(Period(parsing: "2026-11")!, by: .system)
            finance.sendsReferer = true
            var fields = Visitor.hiddenFields(read.body, action: "/pay/runs/2026-11/approve")
            #expect(fields["confirm"] == "yes" && fields["fingerprint"] == run.fingerprint)
            fields["_csrf"] = read.csrf
            let stale = try await finance.following(try await finance.request(.POST, "/pay/runs/2026-11/approve", form: fields,
                                                                                headers: finance.refererHeaders("/pay/runs/2026-11")))
            #expect(stale.body.visibleText.contains("2026-11 的结算在你看预览之后重新算过，现在合计 \(Money(fen: again.totalFen).display)。请看新的预览，再确认审批。"))
            #expect(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.status == .draft)
            // From the page as it is now, it is approved.
            #expect(try await finance.press("/pay/runs/2026-11/approve", from: "/pay/runs/2026-11").status == .seeOther)
            #expect(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.approvedBy == "finance")
            finance.sendsReferer = false
            #expect(try await finance.post("/pay/runs/2026-11/approve", ["confirm": "yes", "fingerprint": again.fingerprint], from: "/pay/runs/2026-11").status == .conflict)
            // A plan version with problems is refused on the page with each problem named.
            let bad = try await finance.post("/pay/versions", ["name": "x", "json": #"{"id": "x", "tiers": [{"id": "vip"}], "rules": [{"id": "r", "type": "commission", "rate": "1O%"}]}"#], from: "/pay")
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.visibleText.contains("\"1O%\" 不是比例"))
            #expect(try await finance.post("/pay/versions?lang=en", ["name": "x", "json": #"{"id": "x", "tiers": [{"id": "vip"}], "rules": [{"id": "r", "type": "commission", "rate": "1O%"}]}"#], from: "/pay?lang=en")
                .body.visibleText.contains("\"1O%\" is not a rate (a decimal: 0.05 is 5%)"))
        }
    }
}

@Suite struct RefundAfterApprovalTests {
    /// Nothing approved changes: a refund of an approved month's order appears as an adjustment in
    /// the next open month, and the approved month stays as it was.
    @Test func aRefundAfterApprovalIsAnAdjustmentOfTheOpenMonth() async throws {
        try await withTestApp { app in
            let clock = JiliClock(now: { testNow })
            let pay = PayService(db: app.db, clock: clock)
            let october = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let approvedResult = try await PayQueries(db: app.db).document(of: october)
            // An October order of m10 with nothing refunded yet.
            let order = try #require(try await Order.query(on: app.db).filter(\.$period == "2026-10").filter(\.$member.$id == 10)
                .filter(\.$refundedFen == 0).sort(\.$id).first())
            _ = try await OrderService(db: app.db, clock: clock).refund(order: order, amountFen: order.amountFen, at: nil, code: "late-refund", by: .system)
            let november = try await pay.draft(Period(parsing: "2026-11")!, by: .system)
            let m10 = try #require(try await RunLines.line(run: november, member: "m10", on: app.db))
            let retail = try #require(m10.adjustments["retail"])
            // m10 is an agent: 8 % of the refunded amount comes back off.
            #expect(retail == -Micro.roundToFen(order.amountFen * 80_000))
            let explanation = try #require(m10.explanations?["adjustments"])
            #expect(explanation.lines.contains { $0.zh.contains("late-refund") && $0.zh.contains("2026-10") })
            // October as approved, to the byte.
            #expect(try await PayQueries(db: app.db).document(of: october) == approvedResult)
        }
    }
}

@Suite struct MonthEndTreeTests {
    /// A month is settled with sponsors, tiers and status as they stood at its end: a change made
    /// today does not rewrite what October would pay, and November sees it.
    @Test func changesAfterAMonthDoNotReachIt() async throws {
        try await withTestApp { app in
            let clock = JiliClock(now: { testNow })
            let pay = PayService(db: app.db, clock: clock)
            let version = try #require(try await pay.versionInForce(Period(parsing: "2026-10")!))
            let m10 = try #require(try await Member.find(10, on: app.db))
            let novemberBefore = try await pay.whatIf(version, period: Period(parsing: "2026-11")!)
            // Today m10 becomes a director under m4 and one of their downline leaves.
            try await MemberService(db: app.db, clock: clock).update(m10, .init(name: m10.name, phone: m10.phone, sponsorCode: "m4",
                tier: "director", status: .active, departmentID: nil, positionID: nil), by: .system)
            let child = try #require(try await Member.query(on: app.db).filter(\.$sponsor.$id == 10).filter(\.$status == .active).first())
            try await MemberService(db: app.db, clock: clock).update(child, .init(name: child.name, phone: child.phone, sponsorCode: "m10",
                tier: child.tier, status: .left, departmentID: nil, positionID: nil), by: .system)
            #expect(try await MemberSnapshot.query(on: app.db).count() == 2)
            // October, as it stood: the same plan pays exactly what was approved.
            let october = try await pay.whatIf(version, period: Period(parsing: "2026-10")!)
            #expect(october.changes.isEmpty && october.after == october.before)
            // November (ending after today) sees the new tree and tiers.
            let novemberAfter = try await pay.whatIf(version, period: Period(parsing: "2026-11")!)
            #expect(novemberAfter.after != novemberBefore.after)
        }
    }
}

@Suite struct LedgerTests {
    /// A month of 70,000 payables is one entry, written in batches (one INSERT has a limit on its values).
    @Test func anEntryWithSeventyThousandLinesIsPosted() async throws {
        try await withTestApp(demo: false) { app in
            let lines = (1...70_000).map { ("payable:m\($0)", -Int64($0)) } + [("expense:commission", Int64(70_000 * 70_001 / 2))]
            try await Ledger.post(on: app.db, at: testNow, kind: "pay_run", source: "pay_run:big", memo: "", lines: lines)
            #expect(try await JournalLine.query(on: app.db).count() == 70_001)
            #expect(try await Ledger(db: app.db).total() == 0)
            #expect(try await Ledger(db: app.db).balance("payable:m70000") == -70_000)
        }
    }

    /// Every approval is a balanced entry; each member's payable is minus the sum of their approved totals.
    @Test func approvalsPostBalancedEntriesThatReconcileWithTheRuns() async throws {
        try await withTestApp { app in
            let clock = JiliClock(now: { testNow })
            let pay = PayService(db: app.db, clock: clock)
            let december = PayService(db: app.db, clock: JiliClock(now: { decemberNow }))
            let ledger = Ledger(db: app.db)
            // Some refunds of earlier months' orders, dated now, so November carries adjustments.
            var random = SeededRandom(seed: 7)
            let orders = try await Order.query(on: app.db).filter(\.$period ~~ ["2026-09", "2026-10"]).filter(\.$refundedFen == 0).all()
            for _ in 0..<25 {
                let o = orders[random.below(orders.count)]
                let fresh = try #require(try await Order.find(o.id, on: app.db))
                let left = fresh.amountFen - fresh.refundedFen
                guard left > 0 else { continue }
                _ = try await OrderService(db: app.db, clock: clock).refund(order: fresh, amountFen: 1 + Int64(random.below(Int(left))), at: nil, code: nil, by: .system)
            }
            _ = try await december.draft(Period(parsing: "2026-11")!, by: .system)
            try await december.approve(Period(parsing: "2026-11")!, by: .system)
            #expect(try await ledger.total() == 0)
            #expect(try await JournalEntry.query(on: app.db).count() == 4)
            for entry in try await JournalEntry.query(on: app.db).with(\.$lines).all() {
                #expect(entry.lines.reduce(0) { $0 + $1.amountFen } == 0, "entry \(entry.source) does not balance")
            }
            // Payables reconcile with the approved runs, member by member.
            var owed: [String: Int64] = [:]
            for run in try await PayRun.query(on: app.db).filter(\.$status == .approved).all() {
                for m in try await RunResult.read(run, on: app.db).members { owed[m.member, default: 0] += m.total }
            }
            for code in ["m1", "m3", "m10"] {
                #expect(try await ledger.balance("payable:\(code)") == -(owed[code] ?? 0), "payable of \(code)")
            }
            // Expenses add up to all that was approved.
            let expenses = try await JournalLine.query(on: app.db).filter(\.$account =~ "expense:").all().reduce(0) { $0 + $1.amountFen }
            #expect(expenses == owed.values.reduce(0, +))
            #expect(try await ledger.balance("expense:differential") > 0)
        }
    }

    @Test func anUnbalancedEntryIsRefused() async throws {
        try await withTestApp(demo: false) { app in
            await #expect(throws: Ledger.Unbalanced.self) {
                try await Ledger.post(on: app.db, at: testNow, kind: "test", source: "t", memo: "", lines: [("cash", 100), ("payable:x", -99)])
            }
            let entries = try await JournalEntry.query(on: app.db).count()
            #expect(entries == 0)
        }
    }
}

@Suite struct DisputeTests {
    @Test func aMemberQuestionsALineAndSeesTheAnswerAndTheAdjustment() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            // A question about one line, from that line: the line is kept with it, and the statement says so at the top.
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let line = try #require(try await RunLines.line(run: run, member: "m10", on: app.db)?.explanations?["retail"]?.lines.first?.zh)
            let raised = try await agent.submit("/statements/2026-10/disputes", ["rule": "retail", "line": line, "message": "10月21日的订单好像没算进去？"], from: "/statements/2026-10")
            #expect(raised.body.visibleText.contains("问题已提交。答复会显示在这份对账单的顶部，并通知你。"))
            let d = try #require(try await Dispute.query(on: app.db).first())
            #expect(d.memberCode == "m10" && d.status == .open && d.line == line)
            let asked = try await agent.get("/statements/2026-10").body.visibleText
            #expect(asked.contains("我的疑问 1 零售提成 待处理 关于： \(line) 10月21日的订单好像没算进去？"))
            // Only finance and the leader answer.
            #expect(try await agent.post("/disputes/\(d.id!)/answer", ["answer": "x"]).status == .forbidden)
            var finance = try await Visitor.signedIn(app, "finance")
            let owedBefore = try await Ledger(db: app.db).balance("payable:m10")
            let answered = try await finance.post("/disputes/\(d.id!)/answer", ["answer": "漏算了一笔，已补发。", "adjustment": "12.50"], from: "/disputes")
            #expect(answered.status == .seeOther)
            #expect(try await Ledger(db: app.db).balance("payable:m10") == owedBefore - 1250)
            #expect(try await Ledger(db: app.db).total() == 0)
            let page = try await agent.get("/statements/2026-10").body.visibleText
            #expect(page.contains("答复： 漏算了一笔，已补发。") && page.contains("已调整 ¥12.50"))
            // The member is told, on the home page and through WeChat's outbox.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let notice = try #require(try await Notice.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$event == "dispute_answered:\(d.id!)").first())
            let outbox = try await OutboxMessage.query(on: app.db).filter(\.$notice.$id == notice.id!).count()
            #expect(notice.link == "/statements/2026-10" && outbox == 1)
            #expect(try await agent.get("/dashboard").body.visibleText.contains("你对 2026-10 对账单的疑问已有答复：调整 ¥12.50，计入你的余额，随下一次付款发放。"))
            // Answered once; a month not approved cannot be questioned.
            #expect(try await finance.post("/disputes/\(d.id!)/answer", ["answer": "again"], from: "/disputes").status == .unprocessableEntity)
            #expect(try await agent.post("/statements/2026-11/disputes", ["rule": "retail", "message": "?"], from: "/statements").status == .unprocessableEntity)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "dispute").count() == 2)
        }
    }
}
