import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct GoalTests {
    func service(_ app: Application) -> GoalService { GoalService(db: app.db, clock: JiliClock(now: { testNow })) }

    @Test func progressIsMeasuredFromTheOrders() async throws {
        try await withTestApp { app in
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            let queries = TeamQueries(db: app.db)
            let goals = service(app)
            // A member's month: their own net sales.
            let own = try await goals.set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .volume, target: 1_000_000, by: .system)
            let volume = try await queries.volume(of: m10, period: "2026-11")
            #expect(try await goals.progress(own) == GoalProgress(actual: volume, target: 1_000_000))
            // A team's quarter: the subtree's months added up.
            let team = try await goals.set(.init(scope: .subtree, member: m3), window: GoalWindow(parsing: "2026-Q4")!, metric: .volume, target: 5_000_000, by: .system)
            var quarter: Int64 = 0
            for month in ["2026-10", "2026-11", "2026-12"] { quarter += try await queries.monthVolumes(period: month, scope: .subtree(path: m3.path)).values.reduce(0, +) }
            #expect(try await goals.progress(team).actual == quarter && quarter > volume)
            // Orders counted; a customer's first order makes them new, for its seller.
            let orders = try await goals.set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .orders, target: 10, by: .system)
            let count = try await Order.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$period == "2026-11").count()
            #expect(try await goals.progress(orders).actual == Int64(count))
            let fresh = try await goals.set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .new_customers, target: 2, by: .system)
            #expect(try await goals.progress(fresh).actual == 0)
            let customer = Customer(name: "新客户", phone: nil, memberID: m10.id)
            try await customer.create(on: app.db)
            let p1 = try #require(try await Product.query(on: app.db).filter(\.$code == "p1").first())
            for _ in 0..<2 {
                _ = try await OrderService(db: app.db, clock: JiliClock(now: { testNow }))
                    .create(code: nil, seller: m10, customerID: customer.id, lines: [.init(productID: p1.id!, quantity: 1)], paidAt: nil, by: .system)
            }
            #expect(try await goals.progress(fresh).actual == 1)
            // Setting the same goal again changes its target: still one goal, audited twice.
            try await goals.set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .volume, target: 2_000_000, by: .system)
            #expect(try await Goal.query(on: app.db).filter(\.$key == own.key).count() == 1)
            #expect(try await Goal.query(on: app.db).filter(\.$key == own.key).first()?.target == 2_000_000)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "goal").filter(\.$entityID == own.key).count() == 2)
        }
    }

    @Test func managersSetGoalsForTheirScopeAndBadInputIsRefused() async throws {
        try await withTestApp { app in
            var manager = try await Visitor.signedIn(app, "manager")
            // As the browser sends it: every field of the form, the department empty.
            let set = try await manager.post("/goals", ["scope": "member", "member": "m10", "department": "", "period": "2026-12", "metric": "volume", "target": "8000"], from: "/goals")
            #expect(set.status == .seeOther)
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            #expect(try await Goal.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$period == "2026-12").first()?.target == 800_000)
            // Outside their subtree: refused.
            #expect(try await manager.post("/goals", ["scope": "member", "member": "m13", "period": "2026-12", "metric": "volume", "target": "1"], from: "/goals").status == .forbidden)
            // Bad input: each with a clear message, nothing written.
            let before = try await Goal.query(on: app.db).count()
            for (form, message) in [
                (["target": "-5"], "目标“-5”必须是大于 0 的金额（元，最多两位小数）。"),
                (["period": "2026-13"], "周期“2026-13”不是月份、季度或年份（如 2026-11、2026-Q4、2026）。"),
                (["member": "m99999"], "没有编号为“m99999”的成员。"),
                (["metric": "orders", "target": "1.5"], "目标“1.5”必须是大于 0 的整数。"),
            ] {
                let base = ["scope": "member", "member": "m10", "period": "2026-12", "metric": "volume", "target": "100"]
                let page = try await manager.post("/goals", base.merging(form) { $1 }, from: "/goals")
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(form)")
            }
            #expect(try await Goal.query(on: app.db).count() == before)
            // An agent sets none.
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post("/goals", ["scope": "member", "member": "m10", "period": "2026-12", "metric": "volume", "target": "1"], from: "/goals").status == .forbidden)
        }
    }

    @Test func everyoneSeesTheirOwnAndTheirTeamsGoalsButNotOthers() async throws {
        try await withTestApp { app in
            let m13 = try #require(try await Member.query(on: app.db).filter(\.$code == "m13").first())
            try await service(app).set(.init(scope: .member, member: m13), window: GoalWindow(parsing: "2026-11")!, metric: .orders, target: 77, by: .system)
            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/goals").body.visibleText
            #expect(page.contains("汤强 (m10)") && page.contains("全团队"))
            #expect(!page.contains("(m13)"))
            let dashboard = try await agent.get("/dashboard").body.visibleText
            #expect(dashboard.contains("我的目标与团队目标") && dashboard.contains("汤强 (m10) 销售额 · 2026-11"))
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.get("/goals").body.visibleText.contains("(m13) 订单数 · 2026-11"))
        }
    }

    /// With more goals in a window than a list holds, one's own still shows: the choice is in the query.
    @Test func oneOwnGoalAmongSixHundredOthers() async throws {
        try await withTestApp { app in
            let others = try await Member.query(on: app.db).filter(\.$code != "m10").limit(300).all()
            var rows: [Goal] = []
            for (i, m) in others.enumerated() {
                for metric in ["orders", "new_customers"] {
                    let g = Goal()
                    g.scope = "member"; g.$member.id = m.id; g.period = "2026-11"; g.metric = metric; g.target = Int64(i + 1)
                    g.key = "member:\(m.id!):2026-11:\(metric)"; g.createdBy = "test"; g.createdAt = testNow
                    rows.append(g)
                }
            }
            try await BatchInsert.insert(rows, on: app.db)
            // m10's own goal is set last, so that it comes after the six hundred in any order by id.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            try await Goal.query(on: app.db).filter(\.$member.$id == m10.id!).delete()
            try await service(app).set(.init(scope: .member, member: m10), window: GoalWindow(parsing: "2026-11")!, metric: .volume, target: 500_000, by: .system)
            #expect(try await Goal.query(on: app.db).filter(\.$period == "2026-11").count() > 600)
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/dashboard").body.visibleText.contains("汤强 (m10) 销售额 · 2026-11"))
            #expect(try await agent.get("/goals").body.visibleText.contains("汤强 (m10) 销售额 · 2026-11"))
        }
    }

    @Test func tenPercentOnLastMonthForADepartment() async throws {
        try await withTestApp { app in
            let department = try #require(try await Department.query(on: app.db).filter(\.$name == "销售部").first())
            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.submit("/goals/raise", ["group": "department:\(department.id!)", "period": "2026-12", "metric": "volume",
                                                               "percent": "10", "minimum": "1000"], from: "/goals")
            #expect(page.status == .ok)
            let members = try await Member.query(on: app.db).filter(\.$department.$id == department.id!).filter(\.$status == .active).all()
            #expect(page.body.visibleText.contains("已为 \(members.count) 位成员设定目标。"))
            let queries = TeamQueries(db: app.db)
            for m in members {
                let last = try await queries.volume(of: m, period: "2026-11")
                // Last month × 1.1, rounded up to the yuan, at least ¥1,000.
                let expected = max(100_000, ((last * 110 + 99) / 100 + 99) / 100 * 100)
                #expect(try await Goal.query(on: app.db).filter(\.$member.$id == m.id!).filter(\.$period == "2026-12").first()?.target == expected, "\(m.code)")
            }
            let bad = try await leader.post("/goals/raise", ["group": "department:\(department.id!)", "period": "2026-12", "metric": "volume",
                                                              "percent": "5000", "minimum": "1000"], from: "/goals")
            #expect(bad.status == .unprocessableEntity && bad.body.visibleText.contains("增长百分比“5000”必须是 -100 到 1000 之间的整数。"))
        }
    }

    @Test func goalsFromACSVAllOrNothing() async throws {
        try await withTestApp { app in
            let importer = ImportService(db: app.db, clock: JiliClock(now: { testNow }), text: app.catalog.table("zh-CN"))
            let bad = """
                member_id,period,target,metric
                m10,2026-12,5000,
                m99999,2026-12,5000,
                m10,2026-13,5000,
                m11,2026-12,-1,
                m10,2026-12,6000,volume
                m11,2026-12,3,visits
                """
            let refused = try await importer.goals(Array(bad.utf8), file: "goals.csv", service: service(app), by: .system) { _ in true }
            #expect(refused.problems.map(\.description) == [
                "goals.csv:3: 成员“m99999”不存在",
                "goals.csv:4: 周期“2026-13”不是月份、季度或年份（如 2026-11、2026-Q4、2026）。",
                "goals.csv:5: 目标“-1”必须是大于 0 的金额（元，最多两位小数）。",
                "goals.csv:6: 成员 m10 在 2026-12 有第二个相同指标的目标（第一个在第 2 行）。",
                "goals.csv:7: 指标必须是 volume、orders 或 new_customers。",
            ])
            let before = try await Goal.query(on: app.db).count()
            #expect(try await Goal.query(on: app.db).count() == before)
            let good = "member_id,period,target\nm10,2026-12,5000\nm11,2026-Q4,12000.50\n"
            let taken = try await importer.goals(Array(good.utf8), file: "goals.csv", service: service(app), by: .system) { _ in true }
            #expect(taken.ok && taken.added == 2)
            #expect(try await Goal.query(on: app.db).count() == before + 2)
            // A manager's file naming someone outside their team is refused for that line.
            let outside = try await importer.goals(Array("member_id,period,target\nm13,2026-12,1\n".utf8), file: "g.csv", service: service(app), by: .system) { _ in false }
            #expect(outside.problems.map(\.description) == ["g.csv:2: 成员 m13 不在您可以设定目标的范围内。"])
        }
    }
}
