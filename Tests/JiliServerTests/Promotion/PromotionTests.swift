import Fluent
import Foundation
import JiliCore
import SQLKit
import Testing
import Vapor
@testable import JiliServer

@Suite struct PromotionTests {
    let clock = JiliClock(now: { testNow })

    /// Own sales of every member over August–October, counted order by order.
    func ownSales(_ app: Application) async throws -> [Int: Int64] {
        var out: [Int: Int64] = [:]
        for o in try await Order.query(on: app.db).filter(\.$period ~~ ["2026-08", "2026-09", "2026-10"]).all() {
            out[o.$member.id, default: 0] += o.amountFen - o.refundedFen
        }
        return out
    }

    @Test func theEvaluationProposesWhatTheLadderSaysOnceAndResumesWhereItStopped() async throws {
        try await withTestApp { app in
            // The demo published its ladder and evaluated October: every active VIP who sold ¥10,000
            // or more over August–October is proposed for agent, and nobody else from VIP.
            let sales = try await ownSales(app)
            let members = try await Member.query(on: app.db).all()
            let expected = Set(members.filter { $0.status == .active && $0.tier == "vip" && (sales[$0.id!] ?? 0) >= 1_000_000 }.map(\.code))
            let proposals = try await PromotionProposal.query(on: app.db).with(\.$member).all()
            #expect(Set(proposals.filter { $0.fromTier == "vip" }.map(\.member.code)) == expected)
            #expect(expected.count >= 3)
            #expect(proposals.filter { $0.fromTier == "vip" }.allSatisfy { $0.toTier == "agent" && $0.move == "promote" && $0.period == "2026-10" })
            let evaluation = try #require(try await PromotionEvaluation.query(on: app.db).first())
            #expect(evaluation.status == .done && evaluation.evaluated == members.filter { $0.status == .active }.count && evaluation.proposed == proposals.count)

            // The values the evaluation reads for everyone at once are those read for one member alone.
            let service = PromotionService(db: app.db, clock: clock)
            let roster = try await service.roster(period: Period(year: 2026, month: 10), months: 3)
            for (i, id) in roster.ids.enumerated() {
                let m = try #require(members.first { $0.id == id })
                #expect(try await service.values(of: m, period: Period(year: 2026, month: 10), months: 3) == roster.values.values(of: i), "\(m.code)")
            }

            // Evaluated again from scratch in batches of 50, killed after the second: 100 members done,
            // and what they were proposed is kept.
            let before = Set(proposals.map { "\($0.member.code) \($0.fromTier)→\($0.toTier)" })
            try await PromotionProposal.query(on: app.db).delete()
            try await PromotionEvaluation.query(on: app.db).delete()
            struct Killed: Error {}
            let batches = Counter()
            await #expect(throws: Killed.self) {
                _ = try await service.evaluate(period: Period(year: 2026, month: 10), batch: 50) { if await batches.next() == 2 { throw Killed() } }
            }
            let stopped = try #require(try await PromotionEvaluation.query(on: app.db).first())
            let sortedIDs = members.map { $0.id! }.sorted()
            #expect(stopped.status == .running && stopped.cursor == sortedIDs[99])
            // Resumed: it carries on after the cursor and ends with the same proposals as at once.
            let resumed = try #require(try await service.evaluate(period: Period(year: 2026, month: 10), batch: 50))
            #expect(resumed.status == .done && resumed.evaluated == evaluation.evaluated && resumed.proposed == evaluation.proposed)
            let after = try await PromotionProposal.query(on: app.db).with(\.$member).all()
            #expect(Set(after.map { "\($0.member.code) \($0.fromTier)→\($0.toTier)" }) == before && after.count == before.count)
            // Once done, running it again writes nothing.
            _ = try await service.evaluate(period: Period(year: 2026, month: 10))
            #expect(try await PromotionProposal.query(on: app.db).count() == before.count)
            // A month that has not ended cannot be evaluated.
            await #expect(throws: Refusal.self) { _ = try await service.evaluate(period: Period(year: 2026, month: 11)) }
        }
    }

    actor Counter {
        var n = 0
        func next() -> Int { n += 1; return n }
    }

    @Test func aManagerApprovesInBulkForTheirScopeAndEachMonthIsSettledWithItsTier() async throws {
        try await withTestApp { app in
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            let pending = try await PromotionProposal.query(on: app.db).filter(\.$fromTier == "vip").with(\.$member).all()
            let mine = pending.filter { $0.member.path.hasPrefix(m3.path) && $0.member.id != m3.id }
            let others = pending.filter { !$0.member.path.hasPrefix(m3.path) }
            #expect(!mine.isEmpty && !others.isEmpty)
            // The manager sees only their subtree's proposals, and approves all of them with one form,
            // the others' ids slipped in too.
            var manager = try await Visitor.signedIn(app, "manager")
            let page = try await manager.get("/promotion/proposals").body.visibleText
            #expect(mine.allSatisfy { page.contains($0.member.code) } && others.allSatisfy { !page.contains(" \($0.member.code) ") })
            var form = ["action": "approve", "note": "继续加油"]
            for (i, p) in (mine + others).enumerated() { form["ids[\(i)]"] = "\(p.id!)" }
            let done = try await manager.submit("/promotion/proposals", form, from: "/promotion/proposals")
            #expect(done.status == .ok && done.body.visibleText.contains("已批准 \(mine.count) 条。"))
            for p in mine {
                let m = try #require(try await Member.find(p.$member.id, on: app.db))
                #expect(m.tier == "agent")
                let change = try #require(try await TierChange.query(on: app.db).filter(\.$member.$id == m.id!).first())
                #expect(change.fromTier == "vip" && change.toTier == "agent" && change.reason == "promote" && change.proposalID == p.id && change.by == "manager")
                #expect(try await WallPost.query(on: app.db).filter(\.$kind == .promotion).filter(\.$member.$id == m.id!).count() == 1)
                #expect(try await Notice.query(on: app.db).filter(\.$member.$id == m.id!).filter(\.$message == "notice_tier_changed").count() == 1)
            }
            for p in others { #expect(try await Member.find(p.$member.id, on: app.db)?.tier == "vip") }
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "promotion").count() == mine.count)
            // The same form again decides nothing more.
            let again = try await manager.submit("/promotion/proposals", form, from: "/promotion/proposals")
            #expect(again.body.visibleText.contains("已批准 0 条。"))

            // October (evaluated) is settled with the old tier; November (approved in) with the new.
            let promoted = mine[0].member.code
            let version = try #require(try await PayService(db: app.db, clock: clock).versionInForce(Period(year: 2026, month: 11)))
            let plan = try PlanDecoder.decode(Array(version.json.utf8))
            let source = SettlementSource(db: app.db)
            func tier(_ month: Int) async throws -> String {
                let input = try await source.input(for: plan, period: Period(year: 2026, month: month))
                let i = try #require(input.members.ids.find(promoted))
                return plan.tiers[Int(input.members.tier[Int(i)])].id
            }
            #expect(try await tier(10) == "vip")
            #expect(try await tier(11) == "agent")

            // The promoted member reads the change with its reason; the leader rejects the rest with a note.
            var leader = try await Visitor.signedIn(app, "leader")
            var rest = ["action": "reject", "note": "下月再评"]
            for (i, p) in others.enumerated() { rest["ids[\(i)]"] = "\(p.id!)" }
            #expect(try await leader.submit("/promotion/proposals", rest, from: "/promotion/proposals").body.visibleText.contains("已驳回 \(others.count) 条。"))
            let history = try await leader.get("/members/\(promoted)").body.visibleText
            #expect(history.contains("晋升：VIP → 代理（达到公开条件，manager 批准）"))
        }
    }

    @Test func nobodyDecidesTheirOwnAndUndecidedProposalsLapse() async throws {
        try await withTestApp { app in
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            func propose(_ m: Member, period: String) async throws -> PromotionProposal {
                let p = PromotionProposal()
                p.period = period
                p.$member.id = m.id!
                p.fromTier = m.tier
                p.toTier = "director"
                p.move = "promote"
                p.measures = "[]"
                p.status = .pending
                p.note = ""
                try await p.create(on: app.db)
                return p
            }
            try await PromotionProposal.query(on: app.db).filter(\.$member.$id == m3.id!).delete()
            let own = try await propose(m3, period: "2026-10")
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.submit("/promotion/proposals", ["action": "approve", "ids[0]": "\(own.id!)"], from: "/promotion/proposals")
                .body.visibleText.contains("已批准 0 条。"))
            #expect(try await Member.find(m3.id, on: app.db)?.tier == m3.tier)
            // September's proposal was for October, which has passed: it lapses, and cannot be approved.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let old = try await propose(m10, period: "2026-09")
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.submit("/promotion/proposals", ["action": "approve", "ids[0]": "\(old.id!)"], from: "/promotion/proposals")
                .body.visibleText.contains("已批准 0 条。"))
            #expect(try await PromotionProposal.find(old.id, on: app.db)?.status == .lapsed)
            #expect(try await Member.find(m10.id, on: app.db)?.tier == m10.tier)
            // Nothing selected: said so.
            let none = try await leader.post("/promotion/proposals", ["action": "approve"], from: "/promotion/proposals")
            #expect(none.status == .unprocessableEntity && none.body.visibleText.contains("请至少选择一条建议。"))
        }
    }

    @Test func aMemberSeesWhatIsStillNeededAndACaseOrACourseChangesIt() async throws {
        try await withTestApp { app in
            // The demo agent m10 is an agent; general asks ¥30,000 of team sales, two sellers, a course
            // and a clean record over the last three months (this one so far).
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let v = try await PromotionService(db: app.db, clock: clock).values(of: m10, period: Period(year: 2026, month: 11), months: 3)
            #expect(v.team.reduce(0, +) >= 3_000_000 && v.courses == 0 && v.openCases == 0)
            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/promotion").body.visibleText
            #expect(page.contains("我的级别： 代理") && page.contains("下一级： 总代") && page.contains("还差 1 门课程"))
            #expect(page.contains("近 3 个月团队业绩 ≥ ¥30,000.00 · 当前 \(Money(fen: v.team.reduce(0, +)).display)"))
            // The team's sales are the stored branch figures, and the page says when they were computed.
            #expect(page.contains("团队业绩按 11-29 12:00 统计的数据计算。"))
            var team: Int64 = 0
            for o in try await Order.query(on: app.db).join(Member.self, on: \Order.$member.$id == \Member.$id)
                .filter(Member.self, \.$path =~ m10.path).filter(\.$period ~~ ["2026-09", "2026-10", "2026-11"]).all() { team += o.amountFen - o.refundedFen }
            #expect(v.team.reduce(0, +) == team)
            // The manager opens a compliance case: now a case too.
            var manager = try await Visitor.signedIn(app, "manager")
            let opened = try await manager.post("/members/m10/cases", ["summary": "朋友圈夸大功效"], from: "/members/m10")
            #expect(opened.status == .seeOther)
            #expect(try await agent.get("/promotion").body.visibleText.contains("还差 1 门课程和结清 1 个合规问题"))
            // Closed, and a course passed: everything is met.
            let c = try #require(try await ComplianceCase.query(on: app.db).first())
            #expect(try await manager.post("/members/m10/cases/\(c.id!)/close", ["resolution": "已删除并道歉"], from: "/members/m10").status == .seeOther)
            let course = Course()
            course.title = "产品知识入门"
            course.category = "product"
            course.summary = ""
            course.passMark = 80
            course.createdAt = testNow
            try await course.create(on: app.db)
            let pass = CoursePass()
            pass.$course.id = course.id!
            pass.$member.id = m10.id!
            pass.score = 90
            pass.via = "quiz"
            pass.certificate = "C1"
            pass.passedAt = testNow
            try await pass.create(on: app.db)
            #expect(try await agent.get("/promotion").body.visibleText.contains("本月条件已全部达到"))
            let profile = try await manager.get("/members/m10").body.visibleText
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            #expect(profile.contains("朋友圈夸大功效") && profile.contains("结案： \(m3.name)") && profile.contains("已删除并道歉"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "compliance_case").count() == 2)
            // Cases are for those who decide about the member: not the agent, not a manager elsewhere.
            #expect(try await agent.post("/members/m10/cases", ["summary": "x"], from: "/promotion").status == .forbidden)
            var support = try await Visitor.signedIn(app, "support")
            #expect(try await support.post("/members/m10/cases", ["summary": "x"], from: "/promotion").status == .notFound)
            #expect(try await manager.post("/members/m3/cases", ["summary": "x"], from: "/promotion").status == .notFound)
        }
    }

    @Test func theLeaderPublishesALadderAndRecruitingAloneIsRefused() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let versions = try await LadderVersion.query(on: app.db).count()
            // The form holds the demo's ladder.
            let form = try await leader.get("/promotion/ladder").body
            #expect(form.contains(#"name="agent_reach_personalVolume" value="10000""#))
            // Agent by recruits alone: refused, the tier named, nothing written.
            let alone = try await leader.post("/promotion/ladder", ["agent_reach_recruits": "5"], from: "/promotion/ladder")
            #expect(alone.status == .unprocessableEntity && alone.body.visibleText.contains("代理 不能只凭招募人数晋升或保级"))
            // A bad amount names the tier, the part and the field.
            let bad = try await leader.post("/promotion/ladder", ["general_reach_teamVolume": "三万"], from: "/promotion/ladder")
            #expect(bad.status == .unprocessableEntity && bad.body.visibleText.contains("总代 · 晋升条件（全部达到） · 团队业绩（元）：“三万”不是有效金额。"))
            let window = try await leader.post("/promotion/ladder", ["general_reach_teamVolume": "30000", "general_reach_teamVolume_months": "13"], from: "/promotion/ladder")
            #expect(window.status == .unprocessableEntity && window.body.visibleText.contains("统计月数须为 1–12。"))
            #expect(try await LadderVersion.query(on: app.db).count() == versions)
            // Recruits beside sales: published, with the 拉人头 warning, audited.
            let ok = try await leader.submit("/promotion/ladder", ["agent_reach_personalVolume": "8000", "agent_reach_personalVolume_months": "2",
                                                                 "agent_reach_recruits": "2", "general_reach_clean": "on"], from: "/promotion/ladder")
            #expect(ok.status == .ok && ok.body.visibleText.contains("已发布新的晋升阶梯") && ok.body.visibleText.contains("代理 的条件含直属成员人数：有拉人头风险"))
            let ladder = try #require(try await PromotionService(db: app.db, clock: clock).current()?.ladder)
            #expect(ladder.steps[1].reach == [.init(.personalVolume, target: 800_000, months: 2), .init(.recruits, target: 2)])
            #expect(ladder.steps[2].reach == [.init(.clean, target: 0)] && ladder.steps[3].reach.isEmpty)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "ladder").count() == versions + 1)
            // Everyone reads it; only the leader and the operations director edit it.
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/promotion").body.visibleText.contains("近 2 个月个人业绩 ≥ ¥8,000.00"))
            #expect(try await agent.post("/promotion/ladder", [:], from: "/promotion").status == .forbidden)
        }
    }

    @Test func aLongListOfProposalsIsPagedAndAManagerFindsTheirsAndApprovesAllAtOnce() async throws {
        try await withTestApp { app in
            // Enough proposals for three pages: one for every active member without one (vip → agent,
            // others → vip, for the test's sake).
            let taken = Set(try await PromotionProposal.query(on: app.db).filter(\.$period == "2026-10").all().map { $0.$member.id })
            var added: [PromotionProposal] = []
            for m in try await Member.query(on: app.db).sort(\.$id).all() where !taken.contains(m.id!) && m.status == .active {
                let p = PromotionProposal()
                p.period = "2026-10"
                p.$member.id = m.id!
                p.fromTier = m.tier
                p.toTier = m.tier == "vip" ? "agent" : "vip"
                p.move = m.tier == "vip" ? "promote" : "demote"
                p.measures = "[]"
                p.status = .pending
                p.note = ""
                added.append(p)
            }
            try await BatchInsert.insert(added, on: app.db)
            let all = try await PromotionProposal.query(on: app.db).filter(\.$period == "2026-10").filter(\.$status == .pending).with(\.$member).all()
            #expect(all.count > 2 * PromotionController.perPage)
            var leader = try await Visitor.signedIn(app, "leader")
            let first = try await leader.get("/promotion/proposals").body
            #expect(first.visibleText.contains("待审批 (\(all.count))") && first.visibleText.contains("1 / 3"))
            #expect(first.components(separatedBy: "name=\"ids[]\"").count - 1 == PromotionController.perPage)
            let third = try await leader.get("/promotion/proposals?page=3").body
            #expect(third.components(separatedBy: "name=\"ids[]\"").count - 1 == all.count - 2 * PromotionController.perPage)

            // The manager (m3) sees exactly their subtree's, wherever they are in the list, and approves
            // all of them with one button; nobody else's changes.
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            let mine = all.filter { $0.member.path.hasPrefix(m3.path) && $0.member.id != m3.id }
            var manager = try await Visitor.signedIn(app, "manager")
            let page = try await manager.get("/promotion/proposals").body.visibleText
            #expect(page.contains("待审批 (\(mine.count))"))
            let done = try await manager.submit("/promotion/proposals", ["action": "approve", "scope": "all"], from: "/promotion/proposals")
            #expect(done.body.visibleText.contains("已批准 \(mine.count) 条。"))
            let left = try await PromotionProposal.query(on: app.db).filter(\.$period == "2026-10").filter(\.$status == .pending).count()
            #expect(left == all.count - mine.count)
            #expect(try await PromotionProposal.query(on: app.db).filter(\.$status == .approved).with(\.$member).all().allSatisfy { $0.member.path.hasPrefix(m3.path) })
        }
    }
}
