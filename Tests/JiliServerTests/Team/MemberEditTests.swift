import Fluent
import Testing
import Vapor
@testable import JiliServer

@Suite struct MemberEditTests {
    @Test func theLeaderAddsAMemberUnderASponsor() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let position = try #require(try await Position.query(on: app.db).filter(\.$name == "普通销售代表").first())
            let created = try await leader.post("/members", ["code": "", "name": "林小雨", "phone": "13900000001", "sponsor": "m10",
                                                            "tier": "vip", "status": "active", "position": "\(position.id!)"], from: "/members/new")
            #expect(created.status == .seeOther && created.location == "/members/m301")
            let m = try #require(try await Member.query(on: app.db).filter(\.$code == "m301").with(\.$sponsor).first())
            #expect(m.sponsor?.code == "m10")
            #expect(m.path == m.sponsor!.path + "\(m.id!)/")
            #expect(m.$department.id == position.$department.id)
            let audit = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "member").filter(\.$entityID == "m301").first())
            #expect(audit.action == "create" && audit.actor == "leader" && audit.after?.contains("\"sponsor\":\"m10\"") == true)
            // The agent's team now counts them.
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/members/m301").status == .ok)
            // Bad input is refused with the reason and writes nothing.
            let count = try await Member.query(on: app.db).count()
            let unknown = try await leader.post("/members", ["name": "某人", "sponsor": "m9999", "tier": "vip", "status": "active"], from: "/members/new")
            #expect(unknown.status == .unprocessableEntity)
            #expect(unknown.body.visibleText.contains("推荐人 m9999 不存在。"))
            let taken = try await leader.post("/members", ["code": "m10", "name": "某人", "tier": "vip", "status": "active"], from: "/members/new")
            #expect(taken.body.visibleText.contains("成员编号 m10 已存在。"))
            #expect(try await Member.query(on: app.db).count() == count)
        }
    }

    @Test func changingTheSponsorMovesTheWholeSubtreeAndCyclesAreRefused() async throws {
        try await withTestApp { app in
            var director = try await Visitor.signedIn(app, "director")
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let below = try await Member.query(on: app.db).filter(\.$path =~ m10.path).all()
            let child = try #require(below.first { $0.$sponsor.id == m10.id })
            // A member below m10 cannot become its sponsor; nor can m10 itself.
            for code in [child.code, "m10"] {
                let cycle = try await director.post("/members/m10", ["name": m10.name, "sponsor": code, "tier": m10.tier, "status": m10.status.rawValue], from: "/members/m10/edit")
                #expect(cycle.status == .unprocessableEntity)
                #expect(cycle.body.visibleText.contains("不能作为推荐人（会形成循环）"))
            }
            // Move m10 (and everyone below) under m4.
            let m4 = try #require(try await Member.query(on: app.db).filter(\.$code == "m4").first())
            let moved = try await director.post("/members/m10", ["name": m10.name, "sponsor": "m4", "tier": "general", "status": "active"], from: "/members/m10/edit")
            #expect(moved.status == .seeOther)
            let after = try await Member.query(on: app.db).all()
            let byID = Dictionary(uniqueKeysWithValues: after.map { ($0.id!, $0) })
            for m in after { #expect(m.path == Member.path(sponsorPath: m.$sponsor.id.map { byID[$0]!.path }, id: m.id!), "path of \(m.code)") }
            #expect(after.filter { $0.path.hasPrefix(m4.path) && $0.path != m4.path }.count >= below.count)
            #expect(byID[m10.id!]!.tier == "general")
            let audit = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "member").filter(\.$entityID == "m10").first())
            #expect(audit.before?.contains("\"sponsor\":\"m3\"") == true && audit.after?.contains("\"sponsor\":\"m4\"") == true)
            #expect(audit.before?.contains("\"tier\":\"agent\"") == true && audit.after?.contains("\"tier\":\"general\"") == true)
            // The sales manager m3 no longer sees m10; m4's team grew.
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.get("/members/m10").status == .notFound)
        }
    }

    @Test func onlyTheLeaderAndTheDirectorChangeMembers() async throws {
        try await withTestApp { app in
            for role in ["manager", "agent", "finance", "service", "trainer", "warehouse"] {
                var v = try await Visitor.signedIn(app, role)
                #expect(try await v.get("/members/new").status == .forbidden, "\(role)")
                #expect(try await v.post("/members/m10", ["name": "x", "tier": "vip", "status": "active"]).status == .forbidden, "\(role)")
            }
        }
    }
}

@Suite struct AuditPageTests {
    @Test func theAuditLogShowsWhoChangedWhatBeforeAndAfter() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            _ = try await leader.post("/products/p1", ["name": "玻尿酸补水面膜", "category": "skincare", "price": "99.00", "cost": "42.00", "active": "on"], from: "/products/p1")
            let page = try await leader.get("/audit?entity=product").body.visibleText
            // In words, by the person's name, with what changed as a table of before and after (not JSON).
            let m1 = try #require(try await Member.query(on: app.db).filter(\.$code == "m1").first())
            #expect(page.contains("\(m1.name) 修改了 商品 p1 改了什么 项目 之前 之后 价格 128.00 99.00"), "\(page)")
            #expect(!page.contains("{") && !page.contains("\"price\""))
            // Approvals of the demo months are there too, by Jili itself.
            let runs = try await leader.get("/audit?entity=pay_run").body.visibleText
            #expect(runs.contains("系统 审批了 2026-10 的结算 改了什么 项目 之前 之后 状态 草稿 已审批 合计 — 72246.01"), "\(runs)")
            var english = Visitor(app)
            english.language = "en"
            _ = try await english.signIn("leader")
            #expect(try await english.get("/audit?entity=pay_run").body.visibleText.contains("Jili approved the settlement of 2026-10"))
        }
    }
}
