import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Charts drawn on the server: an agent's income and sales against goal, a manager's team trend, the
/// run review's cost ratio; each an SVG with its title and summary, and its numbers as a table.
@Suite struct ChartTests {
    /// The rows of a chart's table: month and value (and mark), as shown.
    static func rows(_ body: String, chart id: String) -> [[String]] {
        guard let start = body.range(of: "<figure class=\"chart\" aria-labelledby=\"\(id)-c\""),
              let end = body[start.upperBound...].range(of: "</figure>") else { return [] }
        let html = String(body[start.upperBound..<end.lowerBound])
        let row = try! NSRegularExpression(pattern: #"<tr><th scope="row">([^<]+)</th>((?:<td>[^<]*</td>)+)</tr>"#)
        let cell = try! NSRegularExpression(pattern: #"<td>([^<]*)</td>"#)
        return row.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
            let cells = String(html[Range(m.range(at: 2), in: html)!])
            return [String(html[Range(m.range(at: 1), in: html)!])] + cell.matches(in: cells, range: NSRange(cells.startIndex..., in: cells)).map {
                String(cells[Range($0.range(at: 1), in: cells)!])
            }
        }
    }

    @Test func anAgentSeesTheirIncomeAndTheirSalesAgainstGoal() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let home = try await agent.get("/dashboard").body
            // Income: each approved month's total of the agent's statement.
            let runs = try await PayRun.query(on: app.db).filter(\.$status == .approved).sort(\.$period).all()
            var expected: [[String]] = []
            for run in runs {
                let total = try await PayQueries(db: app.db).lineTotal(of: run, member: "m10")
                expected.append([run.period, Money(fen: total ?? 0).display])
            }
            #expect(Self.rows(home, chart: "income") == expected)
            #expect(home.contains(#"<svg class="chart" viewBox="0 0 340 150" role="img" aria-labelledby="income-t income-d""#))
            #expect(home.contains(#"<title id="income-t">近 3 个月收入</title><desc id="income-d">2026-10 收入 \#(expected.last![1])，比上月"#))
            #expect(home.components(separatedBy: "<rect class=\"bar").count - 1 >= 3 + 6)
            // Sales against goal: six months of the agent's own net sales, with their month goals.
            let m10 = try #require(try await TeamQueries(db: app.db).member(code: "m10"))
            let months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
            let sales = try await TeamQueries(db: app.db).salesByMonth(months, member: m10)
            let goals = try await RecognitionQueries(db: app.db).monthGoals(of: m10, periods: months)
            #expect(!goals.isEmpty)
            #expect(Self.rows(home, chart: "sales") == months.map { [$0, Money(fen: sales[$0] ?? 0).display, goals[$0].map { Money(fen: $0).display } ?? "—"] })
            for p in months {
                let volume = try await Order.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$period == p).all().reduce(Int64(0)) { $0 + $1.amountFen - $1.refundedFen }
                #expect((sales[p] ?? 0) == volume, "\(p)")
            }
            #expect(home.contains("class=\"mark\"") && home.contains("▬</span> 目标"))
            // The agent has no team chart; the manager has one for their subtree.
            #expect(!home.contains("aria-labelledby=\"team-c\""))
            var manager = try await Visitor.signedIn(app, "manager")
            let managerHome = try await manager.get("/dashboard").body
            let m3 = try #require(try await TeamQueries(db: app.db).member(code: "m3"))
            let team = try await TeamQueries(db: app.db).monthVolumes(period: "2026-11", scope: .subtree(path: m3.path))
            #expect(Self.rows(managerHome, chart: "team").last == ["2026-11", Money(fen: team.values.reduce(0, +)).display])
            #expect(Self.rows(managerHome, chart: "team").count == 12)
        }
    }

    @Test func theRunReviewShowsTheCostRatioOverMonths() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            let page = try await finance.get("/pay/runs/2026-10").body
            let runs = try await PayRun.query(on: app.db).filter(\.$period <= "2026-10").sort(\.$period).all()
            #expect(Self.rows(page, chart: "ratio") == runs.map { [$0.period, PayController.ratio($0.totalFen, $0.salesFen)] })
            #expect(page.contains("<title id=\"ratio-t\">各月激励成本率（收入 ÷ 销售）</title>"))
        }
    }
}
