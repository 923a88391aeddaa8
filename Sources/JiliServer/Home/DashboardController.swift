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

        if let me {
            let this = try await queries.volume(of: me, period: period.description)
            let last = try await queries.volume(of: me, period: period.previous.description)
            mine = [
                Figure(label: req.t("dashboard_my_sales_this_month"), value: Money(fen: this).display),
                Figure(label: req.t("dashboard_my_sales_last_month"), value: Money(fen: last).display),
                Figure(label: req.t("dashboard_my_tier"), value: req.t("tier_\(me.tier)")),
            ]
            // This month so far, marked as an estimate: the open month settled by the background job.
            if try await PayQueries(db: req.db).approvedRun(period.description) == nil,
               let estimate = try await Estimates(db: req.db, clock: req.application.jiliClock).total(of: me.id!, period: period.description) {
                mine.append(Figure(label: req.t("dashboard_estimate", ["time": req.application.jiliClock.format(estimate.computedAt, "MM-dd HH:mm")]),
                                   value: Money(fen: estimate.fen).display))
            }
        }
        // The team: the viewer's scope — their subtree, their department, or everyone — as last computed.
        var teamComputed: String?
        if let scope {
            let figures = TeamFigures(db: req.db, clock: req.application.jiliClock)
            if let (now, at) = try await figures.figure(scope, period: period.description) {
                let last = try await figures.figure(scope, period: period.previous.description)?.figure ?? .init()
                teamComputed = req.t("dashboard_team_computed", ["time": req.application.jiliClock.format(at, "MM-dd HH:mm")])
                team = [
                    Figure(label: req.t("dashboard_team_headcount"), value: "\(now.members)"),
                    Figure(label: req.t("dashboard_team_active"), value: "\(now.active)"),
                    Figure(label: req.t("dashboard_team_sales_this_month"), value: Money(fen: now.sales).display),
                    Figure(label: req.t("dashboard_team_sales_last_month"), value: Money(fen: last.sales).display),
                ]
                // The best sellers of the month among the direct downline (a subtree) or the whole scope.
                var ranked: [(member: Member, volume: Int64)] = []
                switch scope {
                case .subtree, .selfAndDownlineSummary:
                    if let me {
                        let direct = try await queries.directMembers(of: me)
                        let volumes = try await queries.volumes(of: direct.compactMap(\.id), period: period.description)
                        ranked = direct.map { ($0, volumes[$0.id!] ?? 0) }
                    }
                case .all, .department:
                    let byID = Dictionary(uniqueKeysWithValues: try await queries.members(now.top.map(\.id)).map { ($0.id!, $0) })
                    ranked = now.top.compactMap { t in byID[t.id].map { ($0, t.fen) } }
                }
                ranked.sort { a, b in a.volume != b.volume ? a.volume > b.volume : a.member.id! < b.member.id! }
                top = ranked.prefix(5).map { entry in
                    TopMember(code: entry.member.code, name: entry.member.name, tier: req.t("tier_\(entry.member.tier)"),
                              volume: Money(fen: entry.volume).display)
                }
            } else {
                teamComputed = req.t("dashboard_team_pending")
            }
        }
        var charts: [Chart] = []
        if let me {
            if let income = try await HomeCharts.income(of: me, req) { charts.append(income) }
            charts.append(try await HomeCharts.salesAgainstGoals(of: me, period: period, req))
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
