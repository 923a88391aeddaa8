import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct NoticeTests {
    @Test func winnersAndGoalReachersAreToldOnceWithAnOutboxMessage() async throws {
        try await withTestApp { app in
            let clock = JiliClock(now: { testNow })
            // The demo's champions were told when awarded.
            let first = try #require(try await Honor.query(on: app.db).filter(\.$window == "2026-10").filter(\.$rank == 1).with(\.$member).first())
            let told = try #require(try await Notice.query(on: app.db).filter(\.$event == "champion:2026-10:\(first.member.code)").first())
            #expect(told.$member.id == first.member.id)
            #expect(Notices.values(told) == ["window": "2026-10", "kind": "month", "rank": "1"])
            let outbox = try #require(try await OutboxMessage.query(on: app.db).filter(\.$notice.$id == told.id!).first())
            #expect(outbox.channel == "wechat_template" && outbox.status == .pending)
            #expect(outbox.payload.contains("\"template\":\"notice_champion\"") && outbox.payload.contains("\"member_id\":\(first.member.id!)"))
            // A contest's prize winners, with the freeze.
            let contests = ContestService(db: app.db, clock: clock)
            let october = try await contests.create(name: "十月冲刺", kind: .individual, metric: .volume, startsOn: Dates.day("2026-10-01")!, endsOn: Dates.day("2026-10-31")!,
                                                    tiers: [], teams: [], prizes: [.init(rank: 1, text: "旅游", cashFen: 10_000)], by: .system)
            try await contests.freeze(october, by: .system)
            let winner = try #require(try await contests.standings(october).first)
            let member = try #require(try await Member.query(on: app.db).filter(\.$code == winner.subject).first())
            #expect(try await Notice.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$message == "notice_prize").count() == 1)
            // A goal reached: told once, however often the job runs.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let goals = GoalService(db: app.db, clock: clock)
            try await goals.set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .orders, target: 1, by: .system)
            let reached = try await goals.tellReached()
            #expect(reached >= 1)
            #expect(try await goals.tellReached() == 0)
            // m10 sees them on the dashboard, then on the notices page, which marks them read.
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/dashboard").body.visibleText.contains("新通知 您已达成 2026-11 的订单数目标 1！"))
            let page = try await agent.get("/notices").body.visibleText
            #expect(page.contains("您已达成 2026-11 的订单数目标 1！"))
            #expect(try await Notice.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$readAt == nil).count() == 0)
            #expect(!(try await agent.get("/dashboard").body.visibleText.contains("新通知")))
            // Raising the target is a new goal to reach: told again when reached.
            try await goals.set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .orders, target: 2, by: .system)
            let orders = try await Order.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$period == "2026-11").count()
            #expect(try await goals.tellReached() == (orders >= 2 ? 1 : 0))
        }
    }
}
