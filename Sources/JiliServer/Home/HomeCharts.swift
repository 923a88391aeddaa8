import JiliCore
import Vapor

/// The home page's charts: a member's income over the last twelve approved months and their sales
/// against their goals; a manager's team's sales over twelve months.
enum HomeCharts {
    /// `11月` in Chinese, `Nov` in English.
    static func monthLabel(_ p: Period, _ req: Request) -> String {
        req.language == "en" ? ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][Int(p.month) - 1] : "\(p.month)月"
    }

    /// The `count` months up to and including `last`, oldest first.
    static func months(_ count: Int, until last: Period) -> [Period] {
        (0..<count).reversed().map { Period(index: last.index - Int32($0)) }
    }

    static func change(_ now: Int64, _ before: Int64?, _ req: Request) -> String {
        guard let before else { return "" }
        return req.t("chart_change", ["change": (now >= before ? "+" : "") + Money(fen: now - before).display])
    }

    /// A member's income over the approved months (``PayQueries/income(of:months:)``), nil before the first.
    static func income(_ rows: [(period: String, fen: Int64)], _ req: Request) -> Chart? {
        guard let last = rows.last, let lastPeriod = Period(parsing: last.period) else { return nil }
        let points = rows.compactMap { r in Period(parsing: r.period).map { Chart.Point(label: monthLabel($0, req), name: r.period, value: r.fen, shown: Money(fen: r.fen).display) } }
        let summary = req.t("chart_income_summary", ["period": lastPeriod.description, "amount": Money(fen: last.fen).display])
            + change(last.fen, rows.dropLast().last?.fen, req)
        return Chart(id: "income", title: req.t("chart_income_title", ["count": "\(points.count)"]), summary: summary, points: points,
                     valueHeader: req.t("chart_income"))
    }

    /// The six months up to `period` whose sales ``salesAgainstGoals(of:period:sales:_:)`` shows.
    static func salesMonths(until period: Period) -> [Period] { months(6, until: period) }

    /// `sales`: the member's net sales of ``salesMonths(until:)``, by month.
    static func salesAgainstGoals(of me: Member, period: Period, sales: [String: Int64], _ req: Request) async throws -> Chart {
        let months = salesMonths(until: period)
        let names = months.map(\.description)
        let goals = try await RecognitionQueries(db: req.db).monthGoals(of: me, periods: names)
        let points = months.map { p -> Chart.Point in
            let v = sales[p.description] ?? 0
            return Chart.Point(label: monthLabel(p, req), name: p.description, value: v, shown: Money(fen: v).display,
                               mark: goals[p.description], markShown: goals[p.description].map { Money(fen: $0).display })
        }
        let now = sales[period.description] ?? 0
        var summary = req.t("chart_sales_summary", ["period": period.description, "amount": Money(fen: now).display])
        if let goal = goals[period.description], goal > 0 {
            summary += req.t("chart_goal_part", ["goal": Money(fen: goal).display, "percent": "\(now * 100 / goal)"])
        }
        return Chart(id: "sales", title: req.t("chart_sales_title"), summary: summary, points: points, valueHeader: req.t("chart_sales"),
                     markHeader: goals.isEmpty ? nil : req.t("chart_goal"))
    }

    static func team(in scope: MemberScope, period: Period, _ req: Request) async throws -> Chart {
        let months = months(12, until: period)
        let sales = try await TeamFigures(db: req.db, clock: req.application.jiliClock).sales(scope, periods: months.map(\.description))
        let points = months.map { p in
            Chart.Point(label: monthLabel(p, req), name: p.description, value: sales[p.description] ?? 0, shown: Money(fen: sales[p.description] ?? 0).display)
        }
        let now = sales[period.description] ?? 0
        let summary = req.t("chart_team_summary", ["period": period.description, "amount": Money(fen: now).display])
            + change(now, sales[period.previous.description], req)
        return Chart(id: "team", title: req.t("chart_team_title"), summary: summary, points: points, valueHeader: req.t("chart_sales"))
    }
}
