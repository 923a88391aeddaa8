import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct ChampionTests {
    @Test func theChampionsOfEndedWindowsAreAwardedOnceAndShown() async throws {
        try await withTestApp { app in
            let champions = ChampionService(db: app.db, clock: JiliClock(now: { testNow }))
            // The demo awarded August, September, October and the third quarter; not November (open).
            let windows = Set(try await Honor.query(on: app.db).filter(\.$kind == "champion").all().map(\.window))
            #expect(windows == ["2026-08", "2026-09", "2026-10", "2026-Q3"])
            // October's: the first three places by net sales of active members, ties sharing a place.
            let volumes = try await TeamQueries(db: app.db).monthVolumes(period: "2026-10")
            var sales: [(id: String, value: Int64)] = []
            for m in try await Member.query(on: app.db).filter(\.$status == .active).all() {
                if let v = volumes[m.id!], v > 0 { sales.append((m.code, v)) }
            }
            let expected = Ranking.rank(sales).filter { $0.rank <= 3 }
            let october = try await Honor.query(on: app.db).filter(\.$kind == "champion").filter(\.$window == "2026-10").with(\.$member).sort(\.$rank).all()
            #expect(october.map { $0.member.code } == expected.map(\.id) && october.map(\.rank) == expected.map(\.rank))
            #expect(october.map(\.value) == expected.map(\.value))
            // Idempotent: nothing awarded twice. Resumable: a window without its honors gets them.
            let count = try await Honor.query(on: app.db).filter(\.$kind == "champion").count()
            #expect(try await champions.run() == 0)
            #expect(try await Honor.query(on: app.db).filter(\.$kind == "champion").count() == count)
            try await Honor.query(on: app.db).filter(\.$kind == "champion").filter(\.$window == "2026-09").delete()
            #expect(try await champions.run() > 0)
            #expect(try await Honor.query(on: app.db).filter(\.$kind == "champion").count() == count)
            #expect(try await champions.award(GoalWindow(parsing: "2026-11")!) == 0)
            // Shown to everyone, and on the winner's page.
            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/champions").body.visibleText
            #expect(page.contains("2026-10 月度销售冠军") && page.contains("2026-Q3 季度销售冠军"))
            #expect(page.contains(october[0].member.name))
            var leader = try await Visitor.signedIn(app, "leader")
            let profile = try await leader.get("/members/\(october[0].member.code)").body.visibleText
            #expect(profile.contains("2026-10 月度销售冠军 · 第 \(october[0].rank) 名"))
        }
    }
}
