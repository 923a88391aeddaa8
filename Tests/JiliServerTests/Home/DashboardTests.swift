import Fluent
import SQLKit
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The team on the dashboard is the viewer's scope: a department manager's department (it was
/// their own subtree), a sales manager's subtree, everyone for the leader.
@Suite struct DashboardTests {
    func headcount(_ page: Visitor.Page) -> Int? {
        guard let r = page.body.visibleText.range(of: "团队人数 ") else { return nil }
        return Int(page.body.visibleText[r.upperBound...].prefix { $0.isNumber })
    }

    @Test func theTeamIsTheViewersScope() async throws {
        try await withTestApp { app in
            let support = try #require(try await Account.query(on: app.db).filter(\.$username == "support").first())
            let department = try #require(support.$department.id)
            let inDepartment = try await Member.query(on: app.db).filter(\.$department.$id == department).count()
            let m12 = try #require(try await Member.query(on: app.db).filter(\.$code == "m12").first())
            let subtree = try await Member.query(on: app.db).filter(\.$path =~ m12.path).count()
            #expect(inDepartment != subtree, "the demo tells the two apart")
            var visitor = try await Visitor.signedIn(app, "support")
            #expect(headcount(try await visitor.get("/dashboard")) == inDepartment)

            let manager = try #require(try await Account.query(on: app.db).filter(\.$username == "manager").with(\.$member).first())
            let managersTeam = try await Member.query(on: app.db).filter(\.$path =~ manager.member!.path).count()
            var sales = try await Visitor.signedIn(app, "manager")
            #expect(headcount(try await sales.get("/dashboard")) == managersTeam)

            var leader = try await Visitor.signedIn(app, "leader")
            #expect(headcount(try await leader.get("/dashboard")) == (try await Member.query(on: app.db).count()))
        }
    }

    /// A manager's best sellers of the month are their direct downline ranked by net sales (most
    /// first, then by id), and their own sales of this month and last are their orders' net amounts.
    @Test func theBestSellersAndOnesOwnSalesComeFromTheOrders() async throws {
        try await withTestApp { app in
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "manager").with(\.$member).first())
            let me = try #require(account.member)
            let period = app.jiliClock.currentPeriod
            func net(_ member: Int, _ p: Period) async throws -> Int64 {
                try await Order.query(on: app.db).filter(\.$member.$id == member).filter(\.$period == p.description).all()
                    .reduce(0) { $0 + $1.amountFen - $1.refundedFen }
            }
            var ranked: [(name: String, id: Int, fen: Int64)] = []
            for d in try await Member.query(on: app.db).filter(\.$sponsor.$id == me.id!).all() { ranked.append((d.name, d.id!, try await net(d.id!, period))) }
            ranked.sort { ($0.fen, -$0.id) > ($1.fen, -$1.id) }
            #expect(ranked.count >= 2 && ranked.first!.fen > 0, "the demo manager has direct downline who sold this month")

            var visitor = try await Visitor.signedIn(app, "manager")
            let html = try await visitor.get("/dashboard").body
            let list = try #require(html.range(of: #"<ol class="ranking">"#).map { html[$0.upperBound...] }.map { String($0[..<$0.range(of: "</ol>")!.lowerBound]) })
            let shown = list.components(separatedBy: "<li>").dropFirst().map { item -> (String, String) in
                let name = item.components(separatedBy: "\">")[1].components(separatedBy: "</a>")[0]
                let value = item.components(separatedBy: #"<span class="value">"#)[1].components(separatedBy: "</span>")[0]
                return (name, value)
            }
            #expect(shown.map(\.0) == ranked.prefix(5).map(\.name))
            #expect(shown.map(\.1) == ranked.prefix(5).map { Money(fen: $0.fen).display })
            let text = html.visibleText
            #expect(text.contains("本月销售额 \(Money(fen: try await net(me.id!, period)).display)"))
            #expect(text.contains("上月销售额 \(Money(fen: try await net(me.id!, period.previous)).display)"))
        }
    }

    /// Before the team's figures were ever computed (a first start), the home page says they are
    /// being computed — on PostgreSQL too, where an empty `IN ()` is refused.
    @Test func beforeTheFiguresAreComputedTheHomePageSaysSo() async throws {
        try await withTestApp { app in
            try await app.db.sql.delete(from: TeamFigures.runs).run()
            for login in ["leader", "manager", "agent"] {
                var visitor = try await Visitor.signedIn(app, login)
                let page = try await visitor.get("/dashboard")
                #expect(page.status == .ok)
                #expect(page.body.visibleText.contains("团队数据正在统计，稍后刷新即可看到。"), "\(login)")
            }
        }
    }
}
