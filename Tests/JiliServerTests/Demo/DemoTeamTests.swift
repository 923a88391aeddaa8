import Fluent
import Testing
import Vapor
@testable import JiliServer

@Suite struct DemoTeamTests {
    @Test func anEmptyDatabaseGetsALivingDemoTeam() async throws {
        try await withTestApp { app in
            let db = app.db
            #expect(try await Member.query(on: db).count() == 300)
            #expect(try await Department.query(on: db).count() == 8)
            #expect(try await Position.query(on: db).count() == 18)
            #expect(try await Product.query(on: db).count() == 20)
            #expect(try await Customer.query(on: db).count() == 200)
            #expect(try await Account.query(on: db).count() == DemoTeam.accounts.count)
            // Four tiers, several levels deep, a few inactive and left.
            let members = try await Member.query(on: db).all()
            #expect(Set(members.map(\.tier)) == ["vip", "agent", "general", "director"])
            #expect(members.map { $0.path.split(separator: "/").count }.max()! >= 6)
            #expect(members.filter { $0.status == .inactive }.count >= 5)
            #expect(members.filter { $0.status == .left }.count >= 2)
            // Every path is the sponsor's path plus the member's id.
            let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.id!, $0) })
            for m in members {
                #expect(m.path == Member.path(sponsorPath: m.$sponsor.id.map { byID[$0]!.path }, id: m.id!))
            }
            // Four months of orders up to the clock, some refunded, never more than their amount.
            let orders = try await Order.query(on: db).all()
            #expect(Set(orders.map(\.period)) == ["2026-08", "2026-09", "2026-10", "2026-11"])
            #expect(orders.allSatisfy { $0.paidAt <= testNow && $0.refundedFen <= $0.amountFen })
            let refunds = try await Refund.query(on: db).all()
            #expect(refunds.count > 50)
            let refundedByOrder = Dictionary(grouping: refunds, by: { $0.$order.id }).mapValues { $0.reduce(0) { $0 + $1.amountFen } }
            #expect(orders.allSatisfy { $0.refundedFen == (refundedByOrder[$0.id!] ?? 0) })
            // Order amounts are the sum of their lines.
            let lines = try await OrderLine.query(on: db).all()
            let byOrder = Dictionary(grouping: lines, by: { $0.$order.id })
            #expect(orders.allSatisfy { o in o.amountFen == byOrder[o.id!]!.reduce(0) { $0 + $1.priceFen * Int64($1.quantity) } })
        }
    }

    @Test func noDemoStartsEmptyAndTheFirstVisitCreatesTheLeader() async throws {
        try await withTestApp(demo: false) { app in
            #expect(try await Member.query(on: app.db).count() == 0)
            var v = Visitor(app)
            let first = try await v.get("/signin")
            #expect(first.status == .seeOther && first.location == "/setup")
            let setupPage = try await v.get("/setup")
            #expect(setupPage.body.visibleText.contains("创建团队领导人账号"))
            // Too short a password is refused and nothing is created.
            let bad = try await v.post("/setup", ["name": "王芳", "username": "wangfang", "password": "short"], from: "/setup")
            #expect(bad.status == .unprocessableEntity)
            #expect(try await Account.query(on: app.db).count() == 0)
            let created = try await v.post("/setup", ["name": "王芳", "username": "wangfang", "phone": "13800000000", "password": "long enough"], from: "/setup")
            #expect(created.status == .seeOther && created.location == "/dashboard")
            let dashboard = try await v.get("/dashboard")
            #expect(dashboard.body.visibleText.contains("你好，王芳"))
            let account = try #require(try await Account.query(on: app.db).first())
            #expect(account.roleValue == .leader)
            #expect(account.passwordHash != "long enough" && account.passwordHash.hasPrefix("$2"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "account").count() == 1)
            // The setup page is gone once someone exists.
            var other = Visitor(app)
            #expect(try await other.get("/setup").location == "/signin")
        }
    }

    /// Members imported before the first visit: the leader's account is linked to one of them
    /// (the first at the top of the tree by default), and an unknown id is refused.
    @Test func theFirstVisitAfterAnImportLinksTheLeaderToAMember() async throws {
        try await withTestApp(demo: false) { app in
            let members = try String(contentsOfFile: packageRoot + "/examples/basic/members.csv", encoding: .utf8)
            let imported = try await ImportService(db: app.db, clock: app.jiliClock, text: app.catalog.table("en"))
                .run(.members, bytes: Array(members.utf8), file: "members.csv", by: .system)
            #expect(imported.ok && imported.added == 5)
            var v = Visitor(app)
            let page = try await v.get("/setup")
            #expect(page.body.contains(#"name="member" value="A""#))
            let unknown = try await v.post("/setup", ["name": "王芳", "username": "wangfang", "password": "long enough", "member": "ZZ"], from: "/setup")
            #expect(unknown.status == .unprocessableEntity && unknown.body.visibleText.contains("没有这个成员编号。"))
            #expect(try await Account.query(on: app.db).count() == 0)
            let created = try await v.post("/setup", ["name": "王芳", "username": "wangfang", "password": "long enough", "member": "A"], from: "/setup")
            #expect(created.status == .seeOther)
            let account = try #require(try await Account.query(on: app.db).with(\.$member).first())
            #expect(account.member?.code == "A" && account.roleValue == .leader)
            #expect(try await Member.query(on: app.db).count() == 5)
        }
    }
}
