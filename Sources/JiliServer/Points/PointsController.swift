import Fluent
import JiliCore
import Vapor

/// Points (积分): a member's balance, what expires next and the history of why each point came and
/// went (`/points`; others' for those who may read their pay); the leader's earning rules
/// (`/points/rules`).
struct PointsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.points, use: page)
        routes.get(SiteURL.pointsRules, use: rules)
        routes.post(SiteURL.pointsRules, use: setRule)
    }

    struct Row: Encodable {
        let at: String
        let text: String
        let change: String
        let negative: Bool
    }

    struct Expiry: Encodable {
        let at: String
        let points: Int64
    }

    struct Page: Encodable {
        let layout: Layout
        let name: String
        let code: String
        let balance: Int64
        let debt: Int64
        let expiries: [Expiry]
        let rows: [Row]
    }

    /// A history line in the reader's language.
    static func text(_ m: PointsMovementRow, _ req: Request) -> String { text(m, req.t) }

    /// A history line through `t` (a catalogue lookup: the page's language, or English for the API).
    static func text(_ m: PointsMovementRow, _ t: (String, [String: String]) -> String) -> String {
        var values = (try? JSONSerialization.jsonObject(with: Data(m.values.utf8))) as? [String: String] ?? [:]
        if let why = values["why_key"] { values["why"] = t(why, values) }
        if let amount = values["amount"], case .success(let fen) = FixedPoint.parse(amount, scale: 2) { values["amount"] = Money(fen: fen).display }
        return t(m.reason, values)
    }

    @Sendable func page(req: Request) async throws -> View {
        let member = try await Permissions.payMember(req, account: try req.account).member
        let clock = req.application.jiliClock
        var points = try await PointsLedger(db: req.db, clock: clock).account(member.id!)
        let now = PointsLedger.instant(clock.now())
        // As of now: what is due to expire is shown expired (the job writes it tonight).
        points.expire(upTo: now)
        let moves = try await PointsQueries(db: req.db).movements(of: member, limit: 200)
        return try await req.view.render("points/history", Page(
            layout: Layout(req, title: req.t("points_title")), name: member.name, code: member.code, balance: points.balance, debt: points.debt,
            expiries: points.nextExpiries(after: now).map { Expiry(at: clock.format(PointsLedger.date($0.at), "yyyy-MM-dd"), points: $0.points) },
            rows: moves.map { Row(at: clock.format($0.at), text: Self.text($0, req), change: ($0.points > 0 ? "+" : "") + "\($0.points)", negative: $0.points < 0) }))
    }

    // MARK: Rules

    struct RuleRow: Encodable {
        let trigger: String
        let label: String
        let points: String
        let unit: String
        let cap: String
        let days: String
        let active: Bool
        let isSales: Bool
    }

    struct RulesPage: Encodable {
        let layout: Layout
        let rows: [RuleRow]
        let canEdit: Bool
        let error: String?
    }

    /// Every trigger that can have a rule: the fixed ones and one per counted activity.
    func triggers(_ req: Request) async throws -> [(String, String)] {
        let fixed = PointsEarning.triggers.map { ($0, req.t("points_trigger_\($0)")) }
        let activities = try await RecognitionQueries(db: req.db).activityKinds().map { ("activity:\($0.code)", $0.name) }
        return fixed + activities
    }

    func renderRules(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let existing = Dictionary(try await PointsQueries(db: req.db).rules().map { ($0.trigger, $0) }, uniquingKeysWith: { a, _ in a })
        let rows = try await triggers(req).map { trigger, label in
            let r = existing[trigger]
            return RuleRow(trigger: trigger, label: label, points: r.map { "\($0.points)" } ?? "",
                           unit: r.map { FixedPoint.format($0.unitFen, scale: 2, minimumDecimals: 0) } ?? "", cap: r?.monthlyCap.map { "\($0)" } ?? "",
                           days: r?.validDays.map { "\($0)" } ?? "", active: r?.active ?? false, isSales: trigger == "sales")
        }
        return try await req.view.render("points/rules", RulesPage(layout: Layout(req, title: req.t("points_rules_title")), rows: rows,
                                                                   canEdit: PointsPermissions.mayEditRules(account.roleValue), error: error))
            .encodeResponse(status: status, for: req)
    }

    @Sendable func rules(req: Request) async throws -> Response { try await renderRules(req) }

    @Sendable func setRule(req: Request) async throws -> Response {
        let account = try req.account(if: PointsPermissions.mayEditRules)
        let form = try req.content.decode([String: String].self)
        let trigger = form["trigger"] ?? ""
        guard try await triggers(req).contains(where: { $0.0 == trigger }) else { throw Refusal(key: "points_error_trigger", values: ["value": trigger]) }
        let rule = try PointsRules.Form(points: form["points"] ?? "", unitYuan: form["unit"] ?? "", cap: form["cap"] ?? "", days: form["days"] ?? "",
                                        active: form["active"] != nil).parsed(trigger: trigger)
        try await PointsRules(db: req.db, clock: req.application.jiliClock).set(trigger: trigger, rule, by: .account(account))
        return req.redirect(to: SiteURL.pointsRules())
    }
}
