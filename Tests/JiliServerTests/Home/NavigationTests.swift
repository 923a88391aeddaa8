import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// The phone's navigation: a bottom bar of at most five items chosen for each role, 更多 with every
/// other place, each place two taps from home, the item of the page one is on marked.
@Suite struct NavigationTests {
    struct BarItem: Equatable {
        let href: String
        let label: String
        let active: Bool
    }

    static func bar(_ page: Visitor.Page) -> [BarItem] {
        guard let start = page.body.range(of: "<nav class=\"bar\""), let end = page.body[start.upperBound...].range(of: "</nav>") else { return [] }
        let html = String(page.body[start.upperBound..<end.lowerBound])
        let pattern = try! NSRegularExpression(pattern: #"<a href="([^"]+)"( class="active")?[^>]*>.*?<span>([^<]+)</span></a>"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
            func group(_ i: Int) -> String? { Range(m.range(at: i), in: html).map { String(html[$0]) } }
            return BarItem(href: group(1)!, label: group(3)!, active: group(2) != nil)
        }
    }

    /// The site's own links of a page (not the stylesheet, the script or a form's action).
    static func links(_ page: Visitor.Page) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: ##"<a [^>]*href="(/[^"#]*)""##)
        let body = page.body
        return Set(pattern.matches(in: body, range: NSRange(body.startIndex..., in: body)).compactMap { m in
            Range(m.range(at: 1), in: body).map { String(body[$0]).replacingOccurrences(of: "&amp;", with: "&") }
        })
    }

    @Test func eachRoleHasItsOwnBarOfAtMostFive() async throws {
        try await withTestApp { app in
            let expected: [String: [String]] = [
                "agent": ["首页", "业绩", "荣誉", "成长", "我的"],
                "manager": ["首页", "团队", "业绩", "荣誉", "我的"],
                "support": ["首页", "团队", "业绩", "荣誉", "我的"],
                "leader": ["首页", "团队", "结算", "荣誉", "我的"],
                "director": ["首页", "团队", "结算", "荣誉", "我的"],
                "finance": ["首页", "结算", "付款", "异议", "更多"],
                "service": ["首页", "订单", "成员", "荣誉", "更多"],
                "trainer": ["首页", "培训", "行业会议", "荣誉", "更多"],
                "warehouse": ["首页", "兑换处理", "积分兑换", "更多"],
            ]
            for (role, labels) in expected {
                var visitor = try await Visitor.signedIn(app, role)
                let items = Self.bar(try await visitor.get("/dashboard"))
                #expect(items.map(\.label) == labels, "\(role)")
                #expect(items.first == BarItem(href: "/dashboard", label: "首页", active: true), "\(role)")
                #expect(items.last?.href == "/more" && items.filter(\.active).count == 1, "\(role)")
                #expect(items.count <= 5)
            }
        }
    }

    /// Every place a role may open is on its bar, on 更多 or on an area's list the bar opens: two taps.
    @Test func everyPlaceIsTwoTapsFromHome() async throws {
        try await withTestApp { app in
            for role in DemoTeam.accounts.map(\.username) {
                let account = try #require(try await Account.query(on: app.db).filter(\.$username == role).first())
                var visitor = try await Visitor.signedIn(app, role)
                let home = try await visitor.get("/dashboard")
                var reached = Self.links(home)
                for first in Self.bar(home).map(\.href) where first.hasPrefix("/more") {
                    let page = try await visitor.get(first)
                    #expect(page.status == .ok, "\(role) \(first)")
                    reached.formUnion(Self.links(page))
                }
                let places = Navigation.areas(for: account).flatMap(\.places).map(\.href)
                #expect(Set(places).subtracting(reached).isEmpty, "\(role) cannot reach \(Set(places).subtracting(reached).sorted()) in two taps")
                for place in places {
                    let status = try await visitor.get(place).status
                    #expect(status == .ok, "\(role) \(place): \(status.code)")
                }
                // 更多 lists areas with a line each; an area's list only its own places.
                let more = try await visitor.get("/more").body.visibleText
                #expect(more.contains("奖励、冠军和目标达成的通知") == (account.$member.id != nil) && more.contains("修改密码"), "\(role)")
            }
            var finance = try await Visitor.signedIn(app, "finance")
            let more = try await finance.get("/more").body.visibleText
            #expect(more.contains("结算与付款 每月结算、付款和异议") && more.contains("付款批次和转账记录") && !more.contains("对账单"))
            var agent = try await Visitor.signedIn(app, "agent")
            let growth = try await agent.get("/more/growth").body.visibleText
            #expect(growth.contains("晋升") && growth.contains("学习报销") && !growth.contains("对账单"))
            #expect(try await agent.get("/more/pay").status == .notFound)
        }
    }

    @Test func theBarMarksWhereOneIs() async throws {
        try await withTestApp { app in
            func active(_ role: String, _ path: String) async throws -> String? {
                var visitor = try await Visitor.signedIn(app, role)
                return Self.bar(try await visitor.get(path)).first(where: \.active)?.label
            }
            func expect(_ role: String, _ path: String, _ label: String) async throws {
                let got = try await active(role, path)
                #expect(got == label, "\(role) \(path)")
            }
            try await expect("finance", "/pay/runs/2026-10", "结算")
            try await expect("finance", "/payouts", "付款")
            try await expect("finance", "/audit", "更多")
            // A redemption's queue is 兑换处理, not the catalogue it lives under.
            try await expect("warehouse", "/rewards/redemptions", "兑换处理")
            try await expect("warehouse", "/rewards", "积分兑换")
            try await expect("agent", "/statements/2026-10", "业绩")
            try await expect("agent", "/more/sales", "业绩")
            try await expect("agent", "/titles", "荣誉")
            try await expect("agent", "/notices", "我的")
            try await expect("leader", "/pay/versions/1", "结算")
        }
    }
}
