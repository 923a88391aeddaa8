import Fluent
import JiliCore
import Vapor

/// The first page after signing in: one's own numbers and one's team's.
struct DashboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.dashboard, use: dashboard)
        routes.get(SiteURL.root) { req in req.redirect(to: req.auth.has(Account.self) ? SiteURL.dashboard() : SiteURL.signIn()) }
    }

    struct Figure: Encodable {
        let label: String
        let value: String
    }

    struct TopMember: Encodable {
        let code: String
        let name: String
        let tier: String
        let volume: String
    }

    struct DashboardPage: Encodable {
        let layout: Layout
        let greeting: String
        let period: String
        let mine: [Figure]
        let team: [Figure]
        /// When the team's figures were computed (or that they are being computed).
        let teamComputed: String?
        let top: [TopMember]
        /// Progress bars: one's own goals and those of the teams one belongs to, for the windows
        /// that hold this month.
        let goals: [GoalController.Row]
        /// Unread notices (a prize, a champion's place, a goal reached).
        var notices: [NoticeController.Row] = []
        /// What waits for this person to act, area by area.
        var todo: [ToDoList.Row] = []
        /// Income over the months, sales against goals, the team's trend.
        var charts: [Chart] = []
    }

    @Sendable func dashboard(req: Request) async throws -> View {
        let account = try req.account
        let me = try await req.member(of: account)
        let period = req.application.jiliClock.currentPeriod
        let queries = TeamQueries(db: req.db)
        var mine: [Figure] = []
        var team: [Figure] = []
        var top: [TopMember] = []
        // Staff (finance, customer service, trainers, the warehouse) see their work, not the team's sales.
        let scope = account.roleValue == .agent || Permissions.decidesForTeam(account.roleValue) ? Permissions.memberScope(account, member: me) : nil

        let windows = WindowKind.allCases.map { GoalWindow.holding(period, kind: $0).description }
        let goals = me != nil || scope != nil ? try await GoalController.rows(req, account: account, me: me, windows: windows, selection: .mine) : []

        // One's own sales of six months (this one and last among them) and income of the approved months.
        var sales: [String: Int64] = [:]
        var income: [(period: String, fen: Int64)] = []
        if let me {
            sales = try await queries.salesByMonth(HomeCharts.salesMonths(until: period).map(\.description), member: me)
            income = try await PayQueries(db: req.db).income(of: me.code, months: 12)
            mine = [
                Figure(label: req.t("dashboard_my_sales_this_month"), value: Money(fen: sales[period.description] ?? 0).display),
                Figure(label: req.t("dashboard_my_sales_last_month"), value: Money(fen: sales[period.previous.description] ?? 0).display),
                Figure(label: req.t("dashboard_my_tier"), value: req.t("tier_\(me.tier)")),
            ]
            // This month so far, marked as an estimate, until it is approved: the open month settled by the background job.
            if !income.contains(where: { $0.period == period.description }),
               let estimate = try await Estimates(db: req.db, clock: req.application.jiliClock).total(of: me.id!, period: period.description) {
                mine.append(Figure(label: req.t("dashboard_estimate", ["time": req.application.jiliClock.format(estimate.computedAt, "MM-dd HH:mm")]),
                                   value: Money(fen: estimate.fen).display))
            }
        }
        // The team: the viewer's scope — their subtree, their department, or everyone — as last computed.
        var teamComputed: String?
        if let scope {
            let stored = try await TeamFigures(db: req.db, clock: req.application.jiliClock)
                .figures(scope, periods: [period.description, period.previous.description])
            if let now = stored.figures[period.description], let at = stored.computedAt[period.description] {
                let last = stored.figures[period.previous.description] ?? .init()
                teamComputed = req.t("dashboard_team_computed", ["time": req.application.jiliClock.format(at, "MM-dd HH:mm")])
                team = [
                    Figure(label: req.t("dashboard_team_headcount"), value: "\(now.members)"),
                    Figure(label: req.t("dashboard_team_active"), value: "\(now.active)"),
                    Figure(label: req.t("dashboard_team_sales_this_month"), value: Money(fen: now.sales).display),
                    Figure(label: req.t("dashboard_team_sales_last_month"), value: Money(fen: last.sales).display),
                ]
                // The best sellers of the month among the direct downline (a subtree) or the whole scope.
                var best: [TeamQueries.BestSeller] = []
                switch scope {
                case .subtree, .selfAndDownlineSummary:
                    if let me { best = try await queries.bestDirect(of: me, period: period.description, limit: 5) }
                case .all, .department:
                    let byID = Dictionary(uniqueKeysWithValues: try await queries.members(now.top.map(\.id)).map { ($0.id!, $0) })
                    best = now.top.compactMap { t in byID[t.id].map { .init(id: t.id, code: $0.code, name: $0.name, tier: $0.tier, volume: t.fen) } }
                        .sorted { a, b in a.volume != b.volume ? a.volume > b.volume : a.id < b.id }
                }
                top = best.prefix(5).map { entry in
                    TopMember(code: entry.code, name: entry.name, tier: req.t("tier_\(entry.tier)"), volume: Money(fen: entry.volume).display)
                }
            } else {
                teamComputed = req.t("dashboard_team_pending")
            }
        }
        var charts: [Chart] = []
        if let me {
            if let income = HomeCharts.income(income, req) { charts.append(income) }
            charts.append(try await HomeCharts.salesAgainstGoals(of: me, period: period, sales: sales, req))
        }
        if let scope, account.roleValue != .agent { charts.append(try await HomeCharts.team(in: scope, period: period, req)) }
        let name = me?.name ?? account.name
        var unread: [Notice] = []
        if let me { unread = try await HomeQueries(db: req.db).notices(of: me, unreadOnly: true, limit: 5) }
        return try await req.view.render("home/dashboard", DashboardPage(
            layout: Layout(req, title: req.t("dashboard_title")),
            greeting: req.t("dashboard_greeting", ["name": name]), period: period.description,
            mine: mine, team: team, teamComputed: teamComputed, top: top, goals: goals,
            notices: NoticeController.rows(unread, req), todo: try await ToDoList.rows(req, account: account, me: me), charts: charts))
    }
}
