import Fluent
import JiliCore
import Vapor

/// Contests (团队竞赛): everyone follows the live leaderboards and the frozen results; the leader and
/// the operations director create them. A contest whose last day has passed is frozen when it is
/// next looked at (or by `jili contests freeze`).
struct ContestController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.contests, use: list)
        routes.post(SiteURL.contests, use: create)
        routes.get(SiteURL.contest, use: board)
        routes.get(SiteURL.contestScreen, use: screen)
        routes.post(SiteURL.choosePrize, use: choose)
    }

    func service(_ req: Request) -> ContestService { ContestService(db: req.db, clock: req.application.jiliClock) }

    struct Row: Encodable {
        let id: Int
        let name: String
        let window: String
        let metric: String
        let kind: String
        let frozen: Bool
        let starts: String
    }

    struct ListPage: Encodable {
        let layout: Layout
        let open: [Row]
        /// Not started yet: listed with their first day, not as live.
        let upcoming: [Row]
        let frozen: [Row]
        let canCreate: Bool
        let tiers: [SelectOption]
        /// Honor titles and catalogue items a rank may win.
        let titles: [SelectOption]
        let items: [SelectOption]
        /// The whole team, each department, or a member's downline.
        let scopes: [SelectOption]
        let today: String
        let error: String?
    }

    func row(_ c: Contest, _ req: Request) -> Row {
        Row(id: c.id!, name: c.name, window: "\(c.startsOn) – \(c.endsOn)", metric: req.t("contest_metric_\(c.metric)"),
            kind: req.t("contest_kind_\(c.kind)"), frozen: c.status == .frozen, starts: req.t("contests_starts_on", ["date": c.startsOn]))
    }

    /// Who takes part, in words: nil for the whole team.
    static func scopeLabel(_ c: Contest, _ req: Request) async throws -> String? {
        if c.scope.hasPrefix("department:"), let d = try await TeamQueries(db: req.db).department(Int(c.scope.dropFirst("department:".count))) {
            return req.t("contests_scope_department", ["name": d.name])
        }
        if c.scope.hasPrefix("subtree:"), let m = try await TeamQueries(db: req.db).member(code: String(c.scope.dropFirst("subtree:".count))) {
            return req.t("contests_scope_downline_of", ["name": "\(m.name) (\(m.code))"])
        }
        return nil
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let queries = RecognitionQueries(db: req.db)
        let contests = try await queries.contests()
        let titles = try await queries.titles().map { SelectOption(value: "\($0.id!)", label: "\($0.icon) \($0.name)") }
        let items = try await queries.prizeItems()
            .map { SelectOption(value: "\($0.id!)", label: $0.name) }
        let departments = try await TeamQueries(db: req.db).departments()
        let today = req.application.jiliClock.format(req.application.jiliClock.now(), "yyyy-MM-dd")
        return try await req.view.render("recognition/contests", ListPage(
            layout: Layout(req, title: req.t("contests_title")),
            open: contests.filter { $0.status == .open && !$0.isUpcoming(today: today) }.map { row($0, req) },
            upcoming: contests.filter { $0.isUpcoming(today: today) }.sorted { $0.startsOn < $1.startsOn }.map { row($0, req) },
            frozen: contests.filter { $0.status == .frozen }.map { row($0, req) },
            canCreate: ContestPermissions.mayCreate(account.roleValue), tiers: Tiers.ids.map { SelectOption(value: $0, label: req.t("tier_\($0)")) }, titles: titles, items: items,
            scopes: [SelectOption(value: "", label: req.t("contests_scope_team"))]
                + departments.map { SelectOption(value: "department:\($0.id!)", label: req.t("contests_scope_department", ["name": $0.name])) }
                + [SelectOption(value: "subtree", label: req.t("contests_scope_subtree"))],
            today: today, error: error))
            .encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    /// Reads the whole form, says every field that is wrong at once (each at its field; what was
    /// typed goes back to the form), and creates the contest when nothing is.
    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account(if: ContestPermissions.mayCreate)
        let form = try req.content.decode([String: String].self)
        var problems: [Refusal] = []
        var prizes: [ContestService.PrizeInput] = []
        for rank in 1...3 {
            let text = (form["prize\(rank)"] ?? "").trimmingCharacters(in: .whitespaces)
            let cashText = (form["cash\(rank)"] ?? "").trimmingCharacters(in: .whitespaces)
            let title = Int(form["title\(rank)"] ?? ""), item = Int(form["item\(rank)"] ?? "")
            let pointsText = (form["points\(rank)"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty || !cashText.isEmpty || title != nil || item != nil || !pointsText.isEmpty else { continue }
            var points: Int64 = 0
            if !pointsText.isEmpty {
                if let p = Int64(pointsText), p >= 0 { points = p } else {
                    problems.append(Refusal(key: "contest_error_prize_points", values: ["rank": "\(rank)"], field: "points\(rank)"))
                }
            }
            var cash: Int64 = 0
            if !cashText.isEmpty {
                if let fen = try? FormValue.fen(cashText, field: "", refusal: ""), fen >= 0 { cash = fen } else {
                    problems.append(Refusal(key: "contest_error_prize_cash", values: ["rank": "\(rank)"], field: "cash\(rank)"))
                }
            }
            prizes.append(.init(rank: rank, text: text, cashFen: cash, titleID: title, points: points, itemID: item, choice: form["choice\(rank)"] != nil))
        }
        func day(_ field: String) -> Int64? {
            do { return try FormValue.day(form[field], field: field, refusal: "contest_error_date") } catch let r as Refusal {
                problems.append(r)
                return nil
            } catch { return nil }
        }
        let starts = day("starts"), ends = day("ends")
        let scopeChoice = form["scope"] ?? ""
        let scope = scopeChoice == "subtree" ? "subtree:" + (form["scope_member"] ?? "").trimmingCharacters(in: .whitespaces) : scopeChoice
        let input = ContestService.Input(
            name: form["name"] ?? "", kind: ContestService.Kind(rawValue: form["kind"] ?? ""), metric: ContestService.Metric(rawValue: form["metric"] ?? ""),
            startsOn: starts, endsOn: ends, tiers: Tiers.ids.filter { form["tier_\($0)"] != nil },
            teams: (form["teams"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "，" }).map(String.init),
            scope: scope, ranksOrganisers: form["ranks_organisers"] != nil, prizes: prizes)
        // The form's own problems (what could not be read) first in the form's order, then the rest.
        let all = problems + (try await service(req).problems(input).problems)
        let order = ["name", "kind", "teams", "scope", "scope_member", "metric", "starts", "ends"] + (1...3).flatMap { ["cash\($0)", "points\($0)", "item\($0)", "title\($0)"] }
        if let refusal = Refusal.all(all.sorted { (order.firstIndex(of: $0.field ?? "") ?? 99) < (order.firstIndex(of: $1.field ?? "") ?? 99) }) {
            throw refusal
        }
        let contest = try await service(req).create(input, by: .account(account))
        return req.redirect(to: SiteURL.contest(contest.id!))
    }

    struct StandingRow: Encodable {
        let rank: Int
        let label: String
        let value: String
        let mine: Bool
        let prize: String?
    }

    struct BoardPage: Encodable {
        let layout: Layout
        let id: Int
        let name: String
        let window: String
        let metric: String
        let kind: String
        let frozen: Bool
        /// Not started: its first day, said instead of a ranking.
        let upcoming: String?
        /// Who takes part, when not the whole team.
        let scope: String?
        let ranked: Int
        /// The first places as `<li>` items, written in Swift: fifty rows through the template
        /// engine were a third of the page's time, and this page is the one a whole team reloads.
        let rowsHTML: String
        /// The visitor's (or their team's) place when it is below the rows shown.
        let mine: StandingRow?
        let prizes: [String]
        let updated: String
        /// The visitor's prizes to choose, each option best suited to them first.
        var choices: [Choice] = []
    }

    struct Choice: Encodable {
        let id: Int
        let rank: Int
        let options: [SelectOption]
    }

    static func value(_ v: Int64, metric: String, _ req: Request) -> String {
        switch metric {
        case "volume": return Money(fen: v).display
        case "growth": return (v > 0 ? "+" : "") + FixedPoint.format(v, scale: 2, minimumDecimals: 0) + "%"
        default: return req.t("goal_count", ["count": "\(v)"])
        }
    }

    /// `<li class="mine"><span class="rank">1</span><span class="entrant">label<br><span class="muted">prize</span></span><span class="value">¥1.00</span></li>`
    static func listItems(_ rows: [StandingRow]) -> String {
        var out = ""
        for r in rows {
            out += r.mine ? "<li class=\"mine\">" : "<li>"
            out += "<span class=\"rank\">\(r.rank)</span><span class=\"entrant\">" + HTML.escape(r.label)
            if let prize = r.prize { out += "<br><span class=\"muted\">" + HTML.escape(prize) + "</span>" }
            out += "</span><span class=\"value\">" + HTML.escape(r.value) + "</span></li>"
        }
        return out
    }

    /// The board's data: the first `shown` places and the visitor's own. The contest and its
    /// standings come kept from ``Leaderboards``; what is read per look is the visitor's member.
    func page(_ req: Request, shown: Int) async throws -> BoardPage {
        let account = try req.account
        guard let board = try await req.application.leaderboards.board(req.parameters.get("id", as: Int.self) ?? -1,
                                                                        reads: req.application.longReads, clock: req.application.jiliClock) else {
            throw Abort(.notFound)
        }
        let contest = board.contest, standings = board.standings
        let me = try await req.member(of: account)
        // One's own place: oneself, one's department, or the team one belongs to.
        var own: String?
        if let me {
            switch contest.kind {
            case "individual": own = me.code
            case "department": own = (account.$department.id ?? me.$department.id).map { "department:\($0)" }
            default:
                own = contest.teams.map(\.member).filter { me.path.hasPrefix($0.path) }.max { $0.path.count < $1.path.count }.map { "subtree:\($0.code)" }
            }
        }
        let prizeText = Dictionary(contest.prizes.map { ($0.rank, $0.summary(pointsWord: req.t("rewards_points"), or: req.t("contests_or"))) }, uniquingKeysWith: { a, _ in a })
        func row(_ s: ContestService.Standing) -> StandingRow {
            StandingRow(rank: s.rank, label: s.label, value: Self.value(s.value, metric: contest.metric, req), mine: s.subject == own, prize: prizeText[s.rank])
        }
        let mine = own.flatMap { board.index[$0] }.flatMap { $0 >= shown ? row(standings[$0]) : nil }
        let clock = req.application.jiliClock
        var choices: [Choice] = []
        if contest.status == .frozen, let me {
            let queries = RecognitionQueries(db: req.db)
            let profile = try await queries.motivation(of: me)
            for c in try await queries.openChoices(in: contest, of: me) {
                guard let prize = contest.prizes.first(where: { $0.id == c.$prize.id }) else { continue }
                let options = prize.options.map { option -> (SelectOption, Int) in
                    switch option {
                    case "cash": (SelectOption(value: "cash", label: Money(fen: prize.cashFen).display), profile?.score(ofRewardKind: "cash") ?? 0)
                    case "points": (SelectOption(value: "points", label: "\(prize.points) \(req.t("rewards_points"))"), profile?.score(ofRewardKind: "cash") ?? 0)
                    default: (SelectOption(value: "item", label: prize.item?.name ?? ""), profile?.score(ofRewardKind: prize.item?.kind ?? "") ?? 0)
                    }
                }
                choices.append(Choice(id: c.id!, rank: c.rank, options: options.enumerated().sorted { ($1.element.1, $0.offset) < ($0.element.1, $1.offset) }.map(\.element.0)))
            }
        }
        let today = clock.format(clock.now(), "yyyy-MM-dd")
        var result = BoardPage(layout: Layout(req, title: contest.name), id: contest.id!, name: contest.name, window: "\(contest.startsOn) – \(contest.endsOn)",
                         metric: req.t("contest_metric_\(contest.metric)"), kind: req.t("contest_kind_\(contest.kind)"), frozen: contest.status == .frozen,
                         upcoming: contest.isUpcoming(today: today) ? req.t("contest_upcoming_note", ["date": contest.startsOn]) : nil,
                         scope: try await Self.scopeLabel(contest, req).map { req.t("contest_scope_line", ["scope": $0]) },
                         ranked: standings.count, rowsHTML: Self.listItems(standings.prefix(shown).map(row)), mine: mine,
                         prizes: contest.prizes.sorted { $0.rank < $1.rank }.map { req.t("contest_prize_line", ["rank": "\($0.rank)", "prize": prizeText[$0.rank] ?? ""]) },
                         updated: clock.format(contest.frozenAt ?? clock.now(), "yyyy-MM-dd HH:mm:ss"))
        result.choices = choices
        return result
    }

    /// A winner picks one option of their choice prize.
    @Sendable func choose(req: Request) async throws -> Response {
        let account = try req.account
        let id = (try? req.content.get(Int.self, at: "choice")) ?? -1
        guard let me = try await req.member(of: account),
              let choice = try await RecognitionQueries(db: req.db).choice(id, in: req.parameters.get("id", as: Int.self), of: me) else { throw Abort(.notFound) }
        try await service(req).choose(choice, option: (try? req.content.get(String.self, at: "option")) ?? "", by: .account(account))
        await req.application.leaderboards.forget(choice.$contest.id)
        return req.redirect(to: SiteURL.contest(choice.$contest.id))
    }

    @Sendable func board(req: Request) async throws -> View {
        try await req.view.render("recognition/contest-board", page(req, shown: 50))
    }

    /// For a team meeting: the first twenty in large type (two columns on a wide screen), the viewer's
    /// own place below when lower, reloading itself every 30 seconds.
    @Sendable func screen(req: Request) async throws -> View {
        try await req.view.render("recognition/contest-screen", page(req, shown: 20))
    }
}
