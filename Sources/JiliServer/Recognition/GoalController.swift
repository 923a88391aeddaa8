import Fluent
import JiliCore
import Vapor

/// Goals (目标) with their progress: everyone sees the goals of what they can see (their own, their
/// downline's, their department's, the team's); the leader and the operations director set any,
/// managers those of their scope; in bulk from a CSV or as "+N % on last month".
struct GoalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.goals, use: list)
        routes.post(SiteURL.goals, use: create)
        routes.post(SiteURL.raiseGoals, use: raise)
        routes.post(SiteURL.goalImport, use: upload)
    }

    func service(_ req: Request) -> GoalService { GoalService(db: req.db, clock: req.application.jiliClock) }

    struct Row: Encodable {
        let title: String
        let metric: String
        let period: String
        let actual: String
        let target: String
        let percent: String
        let basisPoints: Int64
        let reached: Bool
        let remaining: String
    }

    static func amount(_ value: Int64, metric: String, _ req: Request) -> String {
        metric == "volume" ? Money(fen: value).display : req.t(metric.hasPrefix("activity:") ? "goal_times" : "goal_count", ["count": "\(value)"])
    }

    /// A metric's name: the catalogue's, or a counted activity's own name (`kinds`: code → name).
    static func metricLabel(_ metric: String, kinds: [String: String], _ req: Request) -> String {
        metric.hasPrefix("activity:") ? kinds[String(metric.dropFirst(9))] ?? metric : req.t("goal_metric_\(metric)")
    }

    /// A goal with its progress, as pages show it.
    static func row(_ goal: Goal, member: Member?, department: String?, progress: GoalProgress, kinds: [String: String], _ req: Request) -> Row {
        let title: String
        switch goal.scope {
        case "member": title = member.map { "\($0.name) (\($0.code))" } ?? "?"
        case "subtree": title = req.t("goal_scope_subtree_of", ["name": member.map { "\($0.name) (\($0.code))" } ?? "?"])
        case "department": title = department ?? "?"
        default: title = req.t("goal_scope_team")
        }
        return Row(title: title, metric: metricLabel(goal.metric, kinds: kinds, req), period: goal.period,
                   actual: amount(progress.actual, metric: goal.metric, req), target: amount(goal.target, metric: goal.metric, req),
                   percent: progress.percent, basisPoints: min(progress.basisPoints, 10_000), reached: progress.reached,
                   remaining: amount(progress.remaining, metric: goal.metric, req))
    }

    /// The goals of `windows` that `account` sees, with their progress.
    /// The goals of `windows` in `selection`, with their progress.
    static func rows(_ req: Request, account: Account, me: Member?, windows: [String], selection: RecognitionQueries.GoalSelection = .visible) async throws -> [Row] {
        let queries = RecognitionQueries(db: req.db)
        let goals = try await queries.goals(windows: windows, account: account, me: me, selection: selection)
        let service = GoalService(db: req.db, clock: req.application.jiliClock)
        // Counted activities' names, when a goal is set on one.
        let kinds = goals.contains { $0.metric.hasPrefix("activity:") } ? try await queries.activityNames() : [:]
        var out: [Row] = []
        for g in goals {
            out.append(row(g, member: g.member, department: g.department?.name, progress: try await service.progress(g), kinds: kinds, req))
        }
        return out
    }

    struct Page: Encodable {
        let layout: Layout
        /// Counted activities a goal may be set on (`activity:code`).
        let activities: [SelectOption]
        let window: String
        let windows: [SelectOption]
        let rows: [Row]
        let canSet: Bool
        let departments: [SelectOption]
        let error: String?
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let current = req.application.jiliClock.currentPeriod
        let choices = [GoalWindow(kind: .month, lastMonth: current), GoalWindow(kind: .month, lastMonth: current.next),
                       GoalWindow.holding(current, kind: .quarter), GoalWindow.holding(current, kind: .year),
                       GoalWindow(kind: .month, lastMonth: current.previous)].map(\.description)
        let window = req.query[String.self, at: "period"].flatMap { GoalWindow(parsing: $0)?.description } ?? current.description
        return try await req.view.render("recognition/goals", Page(
            layout: Layout(req, title: req.t("goals_title")),
            activities: try await RecognitionQueries(db: req.db).activityKinds().map { SelectOption(value: "activity:\($0.code)", label: $0.name) },
            window: window,
            windows: choices.map { SelectOption(value: $0, label: $0, selected: $0 == window) },
            rows: try await Self.rows(req, account: account, me: me, windows: [window]),
            canSet: GoalPermissions.maySetAny(account.roleValue),
            departments: try await TeamQueries(db: req.db).departmentsByName().map { SelectOption(value: "\($0.id!)", label: $0.name) },
            error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    struct GoalForm: Content {
        var scope: String
        var member: String?
        /// A department id; empty when the goal is not a department's (the form always sends it).
        var department: String?
        var period: String
        var metric: String
        var target: String
    }

    /// The subject a form names, or a refusal naming what is wrong.
    func subject(_ req: Request, scope: String, member: String?, department: Int?) async throws -> GoalService.Subject {
        guard let s = GoalService.Scope(rawValue: scope) else { throw Refusal(key: "goal_error_scope") }
        switch s {
        case .member, .subtree:
            let code = (member ?? "").trimmingCharacters(in: .whitespaces)
            guard let m = try await TeamQueries(db: req.db).member(code: code) else {
                throw Refusal(key: "goal_error_member", values: ["value": code])
            }
            return .init(scope: s, member: m)
        case .department:
            guard let d = try await TeamQueries(db: req.db).department(department) else { throw Refusal(key: "goal_error_department") }
            return .init(scope: s, department: d)
        case .team:
            return .init(scope: s)
        }
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account(if: GoalPermissions.maySetAny)
        let me = try await req.member(of: account)
        let form = try req.content.decode(GoalForm.self)
        let subject = try await subject(req, scope: form.scope, member: form.member, department: form.department.flatMap { Int($0) })
        guard GoalPermissions.maySet(account, me: me, subject) else { throw Abort(.forbidden) }
        guard let metric = GoalService.Metric(rawValue: form.metric) else { throw Refusal(key: "goal_error_metric") }
        guard let target = GoalService.target(form.target, metric: metric) else {
            throw Refusal(key: metric == .volume ? "goal_error_target" : "goal_error_count", values: ["value": form.target])
        }
        guard let window = GoalWindow(parsing: form.period) else { throw Refusal(key: "goal_error_period", values: ["value": form.period], field: "period") }
        try await service(req).set(subject, window: window, metric: metric, target: target, by: .account(account))
        return req.redirect(to: SiteURL.goals(query: ["period": window.description]))
    }

    struct RaiseForm: Content {
        /// A department id, or a member id whose subtree is the group.
        var group: String
        var period: String
        var metric: String
        var percent: String
        var minimum: String
    }

    /// "+N % on last month" for a group: a department (`department:3`) or a member's team (`subtree:m3`).
    @Sendable func raise(req: Request) async throws -> Response {
        let account = try req.account(if: GoalPermissions.maySetAny)
        let me = try await req.member(of: account)
        let form = try req.content.decode(RaiseForm.self)
        let parts = form.group.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw Refusal(key: "goal_error_scope") }
        let subject = try await subject(req, scope: parts[0], member: parts[1], department: Int(parts[1]))
        guard subject.scope == .department || subject.scope == .subtree, GoalPermissions.maySet(account, me: me, subject) else { throw Abort(.forbidden) }
        guard let window = GoalWindow(parsing: form.period) else { throw Refusal(key: "goal_error_period", values: ["value": form.period]) }
        guard let metric = GoalService.Metric(rawValue: form.metric) else { throw Refusal(key: "goal_error_metric") }
        guard let percent = Int64(form.percent.trimmingCharacters(in: .whitespaces)) else {
            throw Refusal(key: "goal_error_percent", values: ["value": form.percent])
        }
        guard let minimum = GoalService.target(form.minimum, metric: metric) else {
            throw Refusal(key: metric == .volume ? "goal_error_target" : "goal_error_count", values: ["value": form.minimum])
        }
        let members = try await RecognitionQueries(db: req.db).activeMembers(department: subject.department, under: subject.member)
        let count = try await service(req).raise(members: members, window: window, metric: metric, percent: percent,
                                                 minimum: minimum, by: .account(account))
        return req.redirect(to: SiteURL.goals(query: ["period": window.description]), notice: "goals_raised", ["count": "\(count)"])
    }

    struct GoalUpload: Content { var file: File }

    /// A CSV of member goals (`member_id,period,target` and an optional `metric`): all or nothing.
    @Sendable func upload(req: Request) async throws -> Response {
        let account = try req.account(if: GoalPermissions.maySetAny)
        let me = try await req.member(of: account)
        let file = try req.content.decode(GoalUpload.self).file
        let name = file.filename.isEmpty ? "goals.csv" : file.filename
        let importer = ImportService(db: req.db, clock: req.application.jiliClock, text: req.application.catalog.table(req.language))
        let outcome = try await importer.goals(Array(file.data.readableBytesView), file: name, service: service(req), by: .account(account)) { subject in
            GoalPermissions.maySet(account, me: me, subject)
        }
        if !outcome.ok {
            return try await render(req, error: outcome.problems.map(\.description).joined(separator: "\n"), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.goals(), notice: "goals_imported", ["count": "\(outcome.added)"])
    }
}
