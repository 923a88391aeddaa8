import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct RunReviewTests {
    /// The review breaks the month down by rule (with last month beside it), department and team,
    /// every breakdown adding up to the run's total, and lists the dispute adjustments entered
    /// while the month was open.
    @Test func theReviewBreaksTheMonthDownAndShowsTheOpenMonthsAdjustments() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            _ = try await agent.post("/statements/2026-10/disputes", ["rule": "retail", "message": "少算了？"], from: "/statements/2026-10")
            let dispute = try #require(try await Dispute.query(on: app.db).first())
            var finance = try await Visitor.signedIn(app, "finance")
            _ = try await finance.post("/disputes/\(dispute.id!)/answer", ["answer": "补发", "adjustment": "12.50"], from: "/disputes")
            #expect(try await finance.post("/pay/runs", ["month": "2026-11"], from: "/pay").status == .seeOther)

            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first())
            let review = try await RunReview.load(run, on: app.db, adjustedLabel: " (adj)", noDepartment: "none")
            #expect(review.byDepartment.reduce(0) { $0 + $1.amount } == run.totalFen)
            #expect(review.byTeam.reduce(0) { $0 + $1.amount } == run.totalFen)
            #expect(review.byRule.reduce(0) { $0 + $1.after } == run.totalFen)
            let october = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            #expect(review.previousPeriod == "2026-10" && review.previousTotal == october.totalFen)
            #expect(review.byRule.reduce(0) { $0 + $1.before } == october.totalFen)
            // The demo team's lines are the leader's direct downline; the biggest line comes first.
            #expect(review.byTeam.count > 1)
            #expect(zip(review.byTeam, review.byTeam.dropFirst()).allSatisfy { $0.amount >= $1.amount })
            #expect(review.adjustments == [RunReview.Adjustment(at: testNow, source: "dispute:\(dispute.id!)", member: "m10", amount: 1250)])

            let page = try await finance.get("/pay/runs/2026-11").body.visibleText
            #expect(page.contains("上月 2026-10 \(Money(fen: october.totalFen).display)"))
            #expect(page.contains("较上月 \(PayController.signed(run.totalFen - october.totalFen))"))
            #expect(page.contains("争议 #\(dispute.id!) 调整 · m10"))
            #expect(page.contains("本月应付合计（含调整） \(Money(fen: run.totalFen + 1250).display)"))
            #expect(page.contains("按部门") && page.contains("按团队"))

            // Once November is approved, the adjustment stays with it and December's review starts empty.
            // (Approved once it has ended, on 2 December.)
            let onDecember2 = PayService(db: app.db, clock: JiliClock(now: { decemberNow }))
            _ = try await onDecember2.draft(Period(parsing: "2026-11")!, by: .system)
            try await onDecember2.approve(Period(parsing: "2026-11")!, by: .system)
            let approved = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first())
            #expect(try await RunReview.load(approved, on: app.db, adjustedLabel: "", noDepartment: "").adjustments.count == 1)
            #expect(try await finance.post("/pay/runs", ["month": "2026-12"], from: "/pay").status == .seeOther)
            let december = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-12").first())
            #expect(try await RunReview.load(december, on: app.db, adjustedLabel: "", noDepartment: "").adjustments.isEmpty)
        }
    }
}
