import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct PayoutTests {
    /// A batch is previewed first (how many, how much, the tax, who is held back) and made only with
    /// the confirmation; a member with an open question is held back unless finance includes them.
    @Test func aBatchIsPreviewedAndHoldsBackMembersWithAnOpenQuestion() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            _ = try await agent.post("/statements/2026-10/disputes", ["rule": "retail", "message": "少算了？"], from: "/statements/2026-10")
            var finance = try await Visitor.signedIn(app, "finance")
            let service = PayoutService(db: app.db, clock: JiliClock(now: { testNow }))
            let owed = try await service.owed()
            let m10 = try #require(owed["m10"])
            let plan = try await service.preview(minimumFen: 1, withholdTax: true, includeDisputed: false)
            #expect(plan.heldBack == ["m10": m10] && plan.transfers.count == owed.count - 1 && plan.total == owed.values.reduce(0, +) - m10)
            let page = try await finance.get("/payouts?preview=1&minimum=&withhold=on").body.visibleText
            let name = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first()).name
            #expect(page.contains("付给 \(owed.count - 1) 人，合计 \(Money(fen: plan.total).display)（税前）。"), "\(page)")
            #expect(page.contains("代扣个税 \(Money(fen: plan.tax).display)，实际转出 \(Money(fen: plan.total - plan.tax).display)。"))
            #expect(page.contains("\(name) (m10)：\(Money(fen: m10).display)（有未答复的疑问，暂不付款）"))
            // Nothing without the confirmation.
            #expect(try await finance.post("/payouts", ["minimum": "", "withhold": "on"], from: "/payouts").status == .unprocessableEntity)
            #expect(try await PayoutBatch.query(on: app.db).count() == 0)
            // The confirmation makes the batch its preview showed: owed more since, it is refused with
            // what it would now pay, back on the preview, and nothing is made.
            let read = try await finance.get("/payouts?preview=1&withhold=on")
            try await Ledger.post(on: app.db, at: testNow, kind: "adjustment", source: "test:m11", memo: "",
                                  lines: [("payable:m11", -1_000), ("expense:commission", 1_000)])
            let now = try await service.preview(minimumFen: 1, withholdTax: true, includeDisputed: false)
            finance.sendsReferer = true
            let stale = try await finance.following(try await finance.request(.POST, "/payouts", form: Visitor.hiddenFields(read.body, action: "/payouts"),
                                                                                headers: finance.refererHeaders("/payouts?preview=1&withhold=on")))
            #expect(stale.body.visibleText.contains("预览之后应付款有变化：现在要付 \(now.transfers.count) 人，共 \(Money(fen: now.total).display)。请看新的预览，再确认。"))
            #expect(stale.body.visibleText.contains("付给 \(now.transfers.count) 人，合计 \(Money(fen: now.total).display)（税前）。"))
            #expect(try await PayoutBatch.query(on: app.db).count() == 0)
            let made = try await finance.following(try await finance.press("/payouts", from: "/payouts?preview=1&withhold=on"))
            #expect(made.body.visibleText.contains("付款批次已生成。"))
            #expect(try await PayoutBatch.query(on: app.db).first()?.totalFen == now.total)
            #expect(try await service.owed() == ["m10": m10])
            // Included when finance says so.
            let included = try await service.preview(minimumFen: 1, withholdTax: true, includeDisputed: true)
            #expect(included.heldBack.isEmpty && included.transfers.map(\.memberCode) == ["m10"])
        }
    }

    @Test func aBatchPaysWhatIsOwedAndTheLedgerBalancesToZeroPayables() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            let service = PayoutService(db: app.db, clock: JiliClock(now: { testNow }))
            let owed = try await service.owed()
            #expect(!owed.isEmpty)
            let created = try await finance.press("/payouts", from: "/payouts?preview=1&minimum=")
            #expect(created.status == .seeOther)
            let batch = try #require(try await PayoutBatch.query(on: app.db).with(\.$transfers).first())
            #expect(batch.totalFen == owed.values.reduce(0, +))
            #expect(Dictionary(uniqueKeysWithValues: batch.transfers.map { ($0.memberCode, $0.amountFen) }) == owed)
            // Paid: nobody is owed anything; the ledger still adds up to zero; cash went out.
            #expect(try await service.owed().isEmpty)
            #expect(try await Ledger(db: app.db).total() == 0)
            #expect(try await Ledger(db: app.db).balance("cash") == -batch.totalFen)
            // A second batch finds nothing to pay.
            let nothing = try await finance.post("/payouts", ["minimum": "", "confirm": "yes", "fingerprint": "x"], from: "/payouts")
            #expect(nothing.status == .unprocessableEntity && nothing.body.visibleText.contains("没有达到最低金额的应付款。"))
            // References are recorded per transfer, audited; members and managers cannot.
            let t = try #require(batch.transfers.first { $0.memberCode == "m10" })
            #expect(try await finance.post("/payouts/transfers/\(t.id!)", ["reference": "4200001234202611300001"], from: "/payouts/\(batch.id!)").status == .seeOther)
            #expect(try await PayoutTransfer.find(t.id, on: app.db)?.reference == "4200001234202611300001")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "payout_transfer").count() == 1)
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post("/payouts/transfers/\(t.id!)", ["reference": "x"]).status == .forbidden)
            // The statement now says nothing is owed.
            #expect(try await agent.get("/statements/2026-10").body.visibleText.contains("待发放（各月合计） ¥0.00"))
            // The money left: the member is told once, with what reached them.
            #expect(try await agent.get("/dashboard").body.visibleText.contains("已转给你（代扣个税 \(Money(fen: t.taxFen).display)），流水号 4200001234202611300001。"))
            #expect(try await Notice.query(on: app.db).filter(\.$event == "payout_made:\(t.id!)").count() == 1)
        }
    }

    /// Tax on 劳务报酬 is withheld at the statutory rates on the month's payments taken together,
    /// and the member reads it in their balance history.
    @Test func taxIsWithheldOnTheMonthsPaymentsTogetherAndShownToTheMember() async throws {
        try await withTestApp { app in
            // Pay off the demo months in October (taxed there), so November starts with nothing paid.
            let october = JiliClock(now: { testNow.addingTimeInterval(-40 * 86_400) })
            let cleared = try await PayoutService(db: app.db, clock: october).createBatch(minimumFen: 1, withholdTax: true, by: .system)
            let octoberTax = try await cleared.$transfers.get(on: app.db).reduce(Int64(0)) { $0 + $1.taxFen }
            #expect(octoberTax > 0)
            func owe(_ code: String, _ fen: Int64) async throws {
                try await Ledger.post(on: app.db, at: testNow, kind: "adjustment", source: "test:\(code):\(fen)", memo: "",
                                      lines: [("payable:\(code)", -fen), ("expense:commission", fen)])
            }
            try await owe("m10", 600_000)
            try await owe("m11", 50_000)
            var finance = try await Visitor.signedIn(app, "finance")
            #expect(try await finance.press("/payouts", from: "/payouts?preview=1&minimum=&withhold=on").status == .seeOther)
            let first = try #require(try await PayoutBatch.query(on: app.db).filter(\.$createdAt == testNow).with(\.$transfers).first())
            let tax = Dictionary(uniqueKeysWithValues: first.transfers.map { ($0.memberCode, $0.taxFen) })
            // ¥6,000: (6,000 − 20 %) × 20 % = ¥960; ¥500 is under the ¥800 deduction.
            #expect(tax == ["m10": 96_000, "m11": 0])
            #expect(first.withholdsTax && first.transfers.allSatisfy { $0.month == "2026-11" })
            let ledger = Ledger(db: app.db)
            #expect(try await ledger.balance("tax:iit_withheld") == -octoberTax - 96_000)
            #expect(try await ledger.total() == 0)
            // Another ¥3,000 the same month: the month's ¥9,000 owes ¥1,440, of which ¥960 was withheld.
            try await owe("m10", 300_000)
            #expect(try await finance.press("/payouts", from: "/payouts?preview=1&minimum=&withhold=on").status == .seeOther)
            let second = try #require(try await PayoutTransfer.query(on: app.db).filter(\.$memberCode == "m10").sort(\.$id, .descending).first())
            #expect(second.amountFen == 300_000 && second.taxFen == 48_000 && second.netFen == 252_000)
            #expect(try await ledger.balance("tax:iit_withheld") == -octoberTax - 144_000)
            #expect(try await ledger.balance("payable:m10") == 0)
            // Without the box ticked nothing is withheld.
            try await owe("m11", 1_000_000)
            #expect(try await finance.press("/payouts", from: "/payouts?preview=1&minimum=").status == .seeOther)
            #expect(try await PayoutTransfer.query(on: app.db).filter(\.$memberCode == "m11").sort(\.$id, .descending).first()?.taxFen == 0)
            // m10 reads it all in their balance history, newest first.
            var agent = try await Visitor.signedIn(app, "agent")
            let history = try await agent.get("/balance").body.visibleText
            #expect(history.contains("应付 ¥3,000.00 − 代扣个税 ¥480.00 = 实发 ¥2,520.00"))
            #expect(history.contains("应付 ¥6,000.00 − 代扣个税 ¥960.00 = 实发 ¥5,040.00"))
            let m10October = try #require(try await cleared.$transfers.get(on: app.db).first { $0.memberCode == "m10" })
            #expect(history.contains("累计代扣个税 \(Money(fen: m10October.taxFen + 144_000).display)"))
            // The approved months, then the October payout that settled them, in the order posted.
            #expect(history.contains("2026-10 月收入（已审批）"))
            #expect(history.contains("之后应付 ¥0.00 · 应付 \(Money(fen: m10October.amountFen).display)"))
            #expect(!history.contains("之后应付 -¥"))
            // Someone else's history is not theirs to read; their manager's it is.
            #expect(try await agent.get("/balance?member=m11").status == .notFound)
        }
    }
}
