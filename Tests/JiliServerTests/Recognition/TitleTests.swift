import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct TitleTests {
    func activeSales(_ app: Application, _ month: String) async throws -> [String: Int64] {
        let volumes = try await TeamQueries(db: app.db).monthVolumes(period: month)
        var out: [String: Int64] = [:]
        for m in try await Member.query(on: app.db).filter(\.$status == .active).all() { if let v = volumes[m.id!], v > 0 { out[m.code] = v } }
        return out
    }

    @Test func ruleTitlesGoToWhomTheyShouldOnce() async throws {
        try await withTestApp { app in
            // 进步之星 for October: the largest growth over September among those who sold at least ¥1,000.
            let october = try await activeSales(app, "2026-10"), september = try await activeSales(app, "2026-09")
            var growth: [(id: String, value: Int64)] = []
            for (code, v) in october where v >= 100_000 { if let b = september[code] { growth.append((code, (v - b) * 10_000 / b)) } }
            let expected = Set(Ranking.rank(growth).filter { $0.rank == 1 }.map(\.id))
            let star = try #require(try await Title.query(on: app.db).filter(\.$rule == "progress_star").first())
            let stars = try await Honor.query(on: app.db).filter(\.$title.$id == star.id!).with(\.$member).all()
            #expect(Set(stars.map { $0.member.code }) == expected && stars.allSatisfy { $0.window == "2026-10" })
            // 五万俱乐部: everyone active whose total reached ¥50,000.
            var totals: [String: Int64] = [:]
            for month in ["2026-08", "2026-09", "2026-10", "2026-11"] { for (c, v) in try await activeSales(app, month) { totals[c, default: 0] += v } }
            let club = try #require(try await Title.query(on: app.db).filter(\.$rule == "milestone").first())
            let members = try await Honor.query(on: app.db).filter(\.$title.$id == club.id!).with(\.$member).all()
            #expect(Set(members.map { $0.member.code }) == Set(totals.filter { $0.value >= 5_000_000 }.keys) && !members.isEmpty)
            // The job again gives nothing twice.
            #expect(try await TitleService(db: app.db, clock: JiliClock(now: { testNow })).run() == 0)
            #expect(try await Notice.query(on: app.db).filter(\.$message == "notice_title").count() == stars.count + members.count + 1)
        }
    }

    @Test func aTitleByHandWithItsReasonAndAPrivilegeThatExpires() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            // The demo gave m10 最佳团队成员 with a reason: on the profile and as an icon in the tree.
            let profile = try await leader.get("/members/m10").body.visibleText
            #expect(profile.contains("★ 最佳团队成员 · 2026-11-29 · 本月带新人成交三单，耐心细致。 · 优先参加培训 至 2027-02-27"))
            #expect(try await leader.get("/team?root=m3").body.contains(#"汤强</a> <span class="badges">★"#))
            // 100 days later the privilege has lapsed; the title stays.
            let honor = try #require(try await Honor.query(on: app.db).filter(\.$kind == "title").filter(\.$reason != "").first())
            honor.privilegeUntil = testNow.addingTimeInterval(-86_400)
            try await honor.save(on: app.db)
            #expect(try await leader.get("/members/m10").body.visibleText.contains("优先参加培训（已过期）"))
            // Given by hand to m11: the reason is required; only the leader gives titles.
            let best = try #require(try await Title.query(on: app.db).filter(\.$rule == "manual").first())
            let noReason = try await leader.post("/titles/grant", ["title": "\(best.id!)", "member": "m11", "reason": " "], from: "/titles")
            #expect(noReason.status == .unprocessableEntity && noReason.body.visibleText.contains("请写明授予的理由（最多 500 字）。"))
            #expect(try await leader.post("/titles/grant", ["title": "\(best.id!)", "member": "m11", "reason": "客户好评最多"], from: "/titles").status == .seeOther)
            #expect(try await leader.get("/titles").body.visibleText.contains("客户好评最多"))
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.post("/titles/grant", ["title": "\(best.id!)", "member": "m10", "reason": "x"], from: "/titles").status == .forbidden)
            // Bad definitions are refused with the field named.
            let bad = try await leader.post("/titles", ["name": "销售明星", "rule": "milestone", "threshold": "", "days": "0"], from: "/titles")
            #expect(bad.status == .unprocessableEntity && bad.body.visibleText.contains("门槛“”必须是大于 0 的金额。"))
            let zero = try await leader.post("/titles", ["name": "销售明星", "rule": "milestone", "threshold": "0", "days": "0"], from: "/titles")
            #expect(zero.status == .unprocessableEntity && zero.body.visibleText.contains("门槛“0”必须是大于 0 的金额。"))
            let days = try await leader.post("/titles", ["name": "x", "rule": "manual", "days": "-1"], from: "/titles")
            #expect(days.body.visibleText.contains("特权有效天数“-1”必须是 0 到 3650 的整数。"))
        }
    }

    @Test func aManagerNominatesAndTheLeaderDecides() async throws {
        try await withTestApp { app in
            let best = try #require(try await Title.query(on: app.db).filter(\.$rule == "manual").first())
            var manager = try await Visitor.signedIn(app, "manager")
            let sent = try await manager.post("/titles/nominate", ["title": "\(best.id!)", "member": "m22", "reason": "本月新人带教最多"], from: "/titles")
            #expect(sent.status == .seeOther)
            // Outside the manager's team, and without a reason: refused, named.
            let outside = try await manager.post("/titles/nominate", ["title": "\(best.id!)", "member": "m13", "reason": "x"], from: "/titles")
            #expect(outside.status == .unprocessableEntity && outside.body.visibleText.contains("成员 m13 不在您可以设定目标的范围内。"))
            let bare = try await manager.post("/titles/nominate", ["title": "\(best.id!)", "member": "m22", "reason": ""], from: "/titles")
            #expect(bare.status == .unprocessableEntity)
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post("/titles/nominate", ["title": "\(best.id!)", "member": "m10", "reason": "x"], from: "/titles").status == .forbidden)
            // The leader sees it and gives the title, with the nomination's reason; once.
            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.get("/titles").body.visibleText
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            #expect(page.contains("\(m3.name) 提名 ") && page.contains("(m22) 获得 ★ 最佳团队成员") && page.contains("本月新人带教最多"))
            let n = try #require(try await TitleNomination.query(on: app.db).filter(\.$status == .pending).first())
            #expect(try await leader.post("/titles/nominations/\(n.id!)/confirm", [:], from: "/titles").status == .seeOther)
            let m22 = try #require(try await Member.query(on: app.db).filter(\.$code == "m22").first())
            let honors = try await Honor.query(on: app.db).filter(\.$member.$id == m22.id!).filter(\.$title.$id == best.id!).all()
            #expect(honors.count == 1 && honors.first?.reason == "本月新人带教最多")
            let again = try await leader.post("/titles/nominations/\(n.id!)/decline", [:], from: "/titles")
            #expect(again.status == .unprocessableEntity && again.body.visibleText.contains("这个提名已经处理过了。"))
            #expect(try await manager.post("/titles/nominations/\(n.id!)/confirm", [:], from: "/titles").status == .forbidden)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "title_nomination").count() == 2)
            // Declined: nothing given.
            _ = try await manager.post("/titles/nominate", ["title": "\(best.id!)", "member": "m28", "reason": "客户满意"], from: "/titles")
            let second = try #require(try await TitleNomination.query(on: app.db).filter(\.$status == .pending).first())
            #expect(try await leader.post("/titles/nominations/\(second.id!)/decline", [:], from: "/titles").status == .seeOther)
            let m28 = try #require(try await Member.query(on: app.db).filter(\.$code == "m28").first())
            #expect(try await Honor.query(on: app.db).filter(\.$member.$id == m28.id!).filter(\.$title.$id == best.id!).count() == 0)
        }
    }
}
