import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// Counted activities: kinds, records, their permissions and bad input, imports, and goals on them.
@Suite struct ActivityTests {
    func count(_ app: Application, _ code: String, _ kind: String, months: [String] = ["2026-11"]) async throws -> Int {
        let member = try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
        return try await Activity.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$kind == kind).filter(\.$period ~~ months).all()
            .reduce(0) { $0 + $1.count }
    }

    @Test func recordsAreCheckedAndOnlyForThoseOneMayRecordFor() async throws {
        try await withTestApp { app in
            var manager = try await Visitor.signedIn(app, "manager")
            let records = try await Activity.query(on: app.db).count()
            for (form, message) in [
                (["member": "m1", "kind": "customer_visit", "day": "2026-11-28", "count": "1"], "您不能为成员“m1”记录这项活动。"),
                (["member": "m10", "kind": "customer_visit", "day": "2026-11-30", "count": "1"], "日期 2026-11-30 还没到。"),
                (["member": "m10", "kind": "customer_visit", "day": "2026-11-31", "count": "1"], "“2026-11-31”不是日期（如 2026-11-30）。"),
                (["member": "m10", "kind": "customer_visit", "day": "2026-11-28", "count": "-1"], "次数“-1”必须是 0 到 10000 的整数。"),
                (["member": "m10", "kind": "customer_visit", "day": "2026-11-28", "count": "两次"], "次数“两次”必须是 0 到 10000 的整数。"),
                (["member": "m10", "kind": "dancing", "day": "2026-11-28", "count": "1"], "没有代码为“dancing”的活动种类。"),
                (["member": "m99999", "kind": "training", "day": "2026-11-28", "count": "1"], "没有编号为“m99999”的成员。"),
            ] {
                let page = try await manager.post("/activities", form, from: "/activities")
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(form)")
            }
            #expect(try await Activity.query(on: app.db).count() == records)
            // In the manager's team: recorded, then changed (one record per member, kind and day).
            let before = try await count(app, "m10", "customer_visit")
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let existing = try await Activity.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$kind == "customer_visit").filter(\.$day == "2026-11-28").first()?.count ?? 0
            #expect(try await manager.submit("/activities", ["member": "m10", "kind": "customer_visit", "day": "2026-11-28", "count": "5", "note": "电话回访"],
                                           from: "/activities").body.visibleText.contains("已记录"))
            #expect(try await count(app, "m10", "customer_visit") == before - existing + 5)
            let entry = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "activity").filter(\.$entityID == "m10:customer_visit:2026-11-28").sort(\.$id, .descending).first())
            #expect(entry.actor == "manager" && entry.after == #"{"count":"5"}"#)
            // A trainer records training for anyone, and nothing else.
            var trainer = try await Visitor.signedIn(app, "trainer")
            #expect(try await trainer.submit("/activities", ["member": "m1", "kind": "training", "day": "2026-11-27", "count": "1"], from: "/activities").status == .ok)
            #expect(try await trainer.post("/activities", ["member": "m1", "kind": "live_stream", "day": "2026-11-27", "count": "1"], from: "/activities").status == .unprocessableEntity)
        }
    }

    @Test func anAgentSeesTheirOwnRecordsAndAManagerTheirTeams() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let mine = try await agent.get("/activities").body.visibleText
            #expect(mine.contains("(m10) · 客户回访") && !mine.contains("(m11)") && !mine.contains("(m3)"))
            #expect(!mine.contains("记录活动"))
            var leader = try await Visitor.signedIn(app, "leader")
            let all = try await leader.get("/activities").body.visibleText
            #expect(all.contains("(m11) · 客户回访") && all.contains("(m3) · 直播"))
        }
    }

    @Test func theLeaderAddsKinds() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.post("/activities/kinds", ["code": "Moments", "name": "朋友圈"], from: "/activities").body.visibleText.contains("活动代码“Moments”无效"))
            #expect(try await leader.post("/activities/kinds", ["code": "training", "name": "培训"], from: "/activities").body.visibleText.contains("活动代码“training”已存在。"))
            #expect(try await leader.submit("/activities/kinds", ["code": "moments", "name": "朋友圈"], from: "/activities").status == .ok)
            #expect(try await ActivityKind.query(on: app.db).filter(\.$code == "moments").first()?.name == "朋友圈")
            // Goals may now be set on it.
            #expect(try await leader.get("/goals").body.contains(#"<option value="activity:moments">朋友圈</option>"#))
        }
    }

    @Test func aGoalOnAnActivityShowsItsProgressAndIsToldWhenReached() async throws {
        try await withTestApp { app in
            // The demo agent's goal: 20 customer visits this month.
            let done = try await count(app, "m10", "customer_visit")
            var agent = try await Visitor.signedIn(app, "agent")
            let dashboard = try await agent.get("/dashboard").body.visibleText
            #expect(dashboard.contains("客户回访") && dashboard.contains("\(done) 次") && dashboard.contains("20 次"), "\(done): \(dashboard)")
            // Through the goals form, on training, for the manager's agent; unknown kinds are refused.
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.post("/goals", ["scope": "member", "member": "m10", "period": "2026-11", "metric": "activity:dancing", "target": "3"],
                                           from: "/goals").status == .unprocessableEntity)
            #expect(try await manager.post("/goals", ["scope": "member", "member": "m10", "period": "2026-11", "metric": "activity:training", "target": "3"],
                                           from: "/goals").status == .seeOther)
            let goal = try #require(try await Goal.query(on: app.db).filter(\.$metric == "activity:training").first())
            let service = GoalService(db: app.db, clock: app.jiliClock)
            #expect(try await service.progress(goal).actual == Int64(try await count(app, "m10", "training")))
            // Reached: the agent is told, with the activity's name.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            try await ActivityService(db: app.db, clock: app.jiliClock).record(m10, kind: "training", day: Dates.day("2026-11-29")!, count: 3, note: "", by: .system)
            #expect(try await service.progress(goal).reached)
            _ = try await service.tellReached()
            #expect(try await agent.get("/notices").body.visibleText.contains("您已达成 2026-11 的培训完成目标 3！"))
        }
    }

    @Test func importsAreAllOrNothingAndUnchangedWhenRepeated() async throws {
        try await withTestApp { app in
            var manager = try await Visitor.signedIn(app, "manager")
            func upload(_ csv: String) async throws -> Visitor.Page {
                try await manager.following(try await manager.upload("/activities/import", [:], file: ("file", "visits.csv", "text/csv", Array(csv.utf8)), from: "/activities"))
            }
            let records = try await Activity.query(on: app.db).count()
            let bad = try await upload("member_id,day,kind,count\nm10,2026-11-02,live_stream,1\nm1,2026-11-02,live_stream,1\nm10,2026-11-02,live_stream,2\nm10,2026-12-01,live_stream,1\n")
            #expect(bad.status == .unprocessableEntity)
            let text = bad.body.visibleText
            #expect(text.contains("visits.csv:3: 您不能为成员“m1”记录这项活动。"))
            #expect(text.contains("visits.csv:4: 成员“m10”在 2026-11-02 的“live_stream”重复出现（第一次在第 2 行）。"))
            #expect(text.contains("visits.csv:5: 日期 2026-12-01 还没到。"))
            #expect(try await Activity.query(on: app.db).count() == records)
            let good = "member_id,day,kind,count,note\nm10,2026-11-02,live_stream,1,首场直播\nm3,2026-11-03,live_stream,2,\n"
            #expect(try await upload(good).body.visibleText.contains("已导入 2 条活动记录。"))
            #expect(try await Activity.query(on: app.db).count() == records + 2)
            #expect(try await upload(good).status == .ok)
            #expect(try await Activity.query(on: app.db).count() == records + 2)
            let changed = try await upload("member_id,day,kind,count\nm10,2026-11-02,live_stream,4\n")
            #expect(changed.body.visibleText.contains("visits.csv:2: 成员“m10”在 2026-11-02 的“live_stream”已记录为 1 次，请在页面上修改。"))
        }
    }
}
