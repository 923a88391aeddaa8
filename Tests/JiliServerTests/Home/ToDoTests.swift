import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The to-do list on every home: what waits for this person, with counts and a link, from every
/// area; gone once done; "nothing waiting" said when so.
@Suite struct ToDoTests {
    struct Row: Equatable {
        let text: String
        let href: String
    }

    static func todo(_ page: Visitor.Page) -> [Row] {
        guard let start = page.body.range(of: "<section class=\"card todo\""), let end = page.body[start.upperBound...].range(of: "</section>") else { return [] }
        let html = String(page.body[start.upperBound..<end.lowerBound])
        let pattern = try! NSRegularExpression(pattern: #"<li><a href="([^"]+)"><span>([^<]+)</span>"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
            Row(text: String(html[Range(m.range(at: 2), in: html)!]), href: String(html[Range(m.range(at: 1), in: html)!]).replacingOccurrences(of: "&amp;", with: "&"))
        }
    }

    @Test func aQuestionWaitsForFinanceUntilAnswered() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            let home = try await finance.get("/dashboard")
            #expect(Self.todo(home).isEmpty && home.body.visibleText.contains("待办 没有等你处理的事项。"))
            // Staff see their work, not the team's sales or goals.
            #expect(!home.body.visibleText.contains("团队人数") && !home.body.visibleText.contains("全团队"))
            var agent = try await Visitor.signedIn(app, "agent")
            _ = try await agent.post("/statements/2026-10/disputes", ["rule": "retail", "message": "少算了？"], from: "/statements/2026-10")
            _ = try await agent.post("/statements/2026-10/disputes", ["rule": "jicha", "message": "级差呢？"], from: "/statements/2026-10")
            #expect(Self.todo(try await finance.get("/dashboard")) == [Row(text: "2 条结算疑问待答复", href: "/disputes")])
            for d in try await Dispute.query(on: app.db).all() {
                #expect(try await finance.post("/disputes/\(d.id!)/answer", ["answer": "已核对，无误。", "adjustment": "0"], from: "/disputes").status == .seeOther)
            }
            #expect(Self.todo(try await finance.get("/dashboard")).isEmpty)
        }
    }

    @Test func theWarehouseSeesWhatToHandOver() async throws {
        try await withTestApp { app in
            var warehouse = try await Visitor.signedIn(app, "warehouse")
            let before = try await Redemption.query(on: app.db).filter(\.$status == .approved).with(\.$item).all().filter { ["product", "prize"].contains($0.item.kind) }
            let sample = try #require(try await RewardItem.query(on: app.db).filter(\.$kind == "product").first())
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post("/rewards/\(sample.id!)/redeem", [:], from: "/rewards").status == .seeOther)
            let waiting = before.count + 1
            #expect(Self.todo(try await warehouse.get("/dashboard")) == [Row(text: "\(waiting) 个兑换待发放", href: "/rewards/redemptions")])
            for r in try await Redemption.query(on: app.db).filter(\.$status == .approved).with(\.$item).all() where ["product", "prize"].contains(r.item.kind) {
                #expect(try await warehouse.post("/rewards/redemptions/\(r.id!)/hand-over", [:], from: "/rewards/redemptions").status == .seeOther)
            }
            let after = try await warehouse.get("/dashboard")
            #expect(Self.todo(after).isEmpty && after.body.visibleText.contains("没有等你处理的事项。"))
        }
    }

    @Test func managersDecideProposalsAndMembersSeeTheCoursesTheirNextTierAsks() async throws {
        try await withTestApp { app in
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "manager").with(\.$member).first())
            let pending = try await PromotionQueries(db: app.db).decidableCount(account, me: account.member, period: "2026-10")
            #expect(pending > 0, "the demo has proposals for the manager's team")
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(Self.todo(try await manager.get("/dashboard")).contains(Row(text: "\(pending) 个晋升提议待决定", href: "/promotion/proposals")))
            // The agent's next tier asks for courses: as many rows as are missing, and none once passed.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let ladder = try #require(try await PromotionQueries(db: app.db).ladder()?.ladder)
            let next = ladder.steps[ladder.index(of: m10.tier)! + 1]
            let needed = try #require(next.reach.first { $0.kind == .courses }).target
            let passed = try await CoursePass.query(on: app.db).filter(\.$member.$id == m10.id!).count()
            #expect(needed > passed)
            var agent = try await Visitor.signedIn(app, "agent")
            let tier = try #require(app.catalog.table("zh-CN")["tier_\(next.tier)"])
            let owed = try await PayoutService(db: app.db, clock: app.jiliClock).owed(of: "m10")
            #expect(owed > 0)
            // Owed money without payee details: asked for them, until given.
            #expect(Self.todo(try await agent.get("/dashboard")) == [Row(text: "填写收款信息：你有 \(Money(fen: owed).display) 待发放，填写后才能转给你", href: "/payee"),
                                                                       Row(text: "再通过 \(Int(needed) - passed) 门课程可晋升\(tier)", href: "/training")])
            #expect(try await agent.post("/payee", PayeeTests.form, from: "/payee").status == .seeOther)
            #expect(Self.todo(try await agent.get("/dashboard")) == [Row(text: "再通过 \(Int(needed) - passed) 门课程可晋升\(tier)", href: "/training")])
        }
    }

    @Test func theMonthThatEndedWaitsToBeComputedThenApproved() async throws {
        try await withTestApp { app in
            let finance = try #require(try await Account.query(on: app.db).filter(\.$username == "finance").first())
            let december = try #require(Period(parsing: "2026-12"))
            let queries = PayQueries(db: app.db)
            let clock = JiliClock(now: { decemberNow })
            #expect(try await queries.waiting(for: finance, me: nil, period: december, clock: clock).filter { $0.key.hasSuffix("_month") }
                    == [Waiting(key: "todo_compute_month", count: 1, href: "/pay", values: ["period": "2026-11"])])
            // A draft of November computed in November: to compute again once it has ended.
            _ = try await PayService(db: app.db, clock: app.jiliClock).draft(try #require(Period(parsing: "2026-11")), by: .system)
            #expect(try await queries.waiting(for: finance, me: nil, period: december, clock: clock).filter { $0.key.hasSuffix("_month") }
                    == [Waiting(key: "todo_compute_month", count: 1, href: "/pay/runs/2026-11", values: ["period": "2026-11"])])
            _ = try await PayService(db: app.db, clock: clock).draft(try #require(Period(parsing: "2026-11")), by: .system)
            #expect(try await queries.waiting(for: finance, me: nil, period: december, clock: clock).filter { $0.key.hasSuffix("_month") }
                    == [Waiting(key: "todo_approve_month", count: 1, href: "/pay/runs/2026-11", values: ["period": "2026-11"])])
            // November, in November, is approved already for October: nothing.
            #expect(try await queries.waiting(for: finance, me: nil, period: try #require(Period(parsing: "2026-11")), clock: clock).filter { $0.key.hasSuffix("_month") }.isEmpty)
            let agent = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").with(\.$member).first())
            #expect(try await queries.waiting(for: agent, me: agent.member, period: december, clock: clock).map(\.key) == ["todo_payee"])
        }
    }

    /// The demo's compliance session of five days ago waits for its attendance; recorded on its page, it is done.
    @Test func aTrainerTakesAttendanceForASessionThatEnded() async throws {
        try await withTestApp { app in
            let trainer = try #require(try await Account.query(on: app.db).filter(\.$username == "trainer").first())
            let held = try #require(try await TrainingSession.query(on: app.db).filter(\.$endsAt < testNow).first())
            #expect(held.$trainer.id == trainer.id)
            let seats = try await Enrollment.query(on: app.db).filter(\.$session.$id == held.id!).filter(\.$status == .seated).all()
            #expect(seats.count == 3 && seats.allSatisfy { $0.attended == nil })
            var visitor = try await Visitor.signedIn(app, "trainer")
            #expect(Self.todo(try await visitor.get("/dashboard")) == [Row(text: "1 节课待记录出勤", href: "/training/sessions/\(held.id!)")])
            // Two came: recorded from the session's page.
            let page = try await visitor.get("/training/sessions/\(held.id!)")
            let form = ["present[0]": "\(seats[0].id!)", "present[1]": "\(seats[1].id!)"]
            #expect(page.body.contains("name=\"present[]\""))
            let saved = try await visitor.post("/training/sessions/\(held.id!)/attendance", form, from: "/training/sessions/\(held.id!)")
            #expect(saved.status == .seeOther)
            let recorded = try await Enrollment.query(on: app.db).filter(\.$session.$id == held.id!).sort(\.$id).all().map(\.attended)
            #expect(recorded == [true, true, false])
            #expect(Self.todo(try await visitor.get("/dashboard")).isEmpty)
        }
    }
}
