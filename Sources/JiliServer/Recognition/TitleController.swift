import Fluent
import JiliCore
import Vapor

/// Honor titles (荣誉称号): everyone sees them and who holds them; the leader defines them and gives them
/// by hand with a reason; the rule titles are given by `jili jobs`.
struct TitleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.titles, use: list)
        routes.post(SiteURL.titles, use: define)
        routes.post(SiteURL.grantTitle, use: grant)
        routes.post(SiteURL.nominate, use: nominate)
        routes.post(SiteURL.confirmNomination, use: confirm)
        routes.post(SiteURL.declineNomination, use: decline)
    }

    func service(_ req: Request) -> TitleService { TitleService(db: req.db, clock: req.application.jiliClock) }

    struct Holder: Encodable {
        let code: String
        let name: String
        let when: String
        /// nil when empty: Leaf's `#if` is true for an empty string.
        let reason: String?
        /// Whether the viewer may open the holder's page.
        let link: Bool
    }

    struct Row: Encodable {
        let id: Int
        let icon: String
        let name: String
        let rule: String
        let privilege: String?
        let holders: [Holder]
    }

    struct Nomination: Encodable {
        let id: Int
        let text: String
        let reason: String
    }

    struct Page: Encodable {
        let layout: Layout
        let rows: [Row]
        let canEdit: Bool
        let canNominate: Bool
        /// Waiting for the leader (shown to the leader).
        let nominations: [Nomination]
        let titles: [SelectOption]
        let error: String?
    }

    static func ruleText(_ t: Title, _ req: Request) -> String {
        req.t("title_rule_\(t.rule)", ["amount": Money(fen: t.threshold).display])
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let scope = Permissions.memberScope(account, member: try await req.member(of: account))
        let queries = RecognitionQueries(db: req.db)
        let titles = try await queries.titles()
        let honors = try await queries.titlesGiven()
        let clock = req.application.jiliClock
        let rows = titles.map { t in
            Row(id: t.id!, icon: t.icon, name: t.name, rule: Self.ruleText(t, req),
                privilege: t.privilege.isEmpty ? nil : req.t("title_privilege", ["privilege": t.privilege, "days": "\(t.privilegeDays)"]),
                holders: honors.filter { $0.$title.id == t.id }.prefix(20).map {
                    Holder(code: $0.member.code, name: $0.member.name, when: clock.format($0.awardedAt, "yyyy-MM-dd"), reason: $0.reason.isEmpty ? nil : $0.reason,
                           link: scope?.contains($0.member) ?? false)
                })
        }
        let pending = account.roleValue == .leader
            ? try await queries.pendingNominations() : []
        let people = try await People.load(pending.map(\.nominatedBy), on: req.db)
        return try await req.view.render("recognition/titles", Page(layout: Layout(req, title: req.t("titles_title")), rows: rows,
                                                        canEdit: account.roleValue == .leader, canNominate: TitlePermissions.mayNominate(account.roleValue),
                                                        nominations: pending.map {
                                                            Nomination(id: $0.id!, text: req.t("titles_nomination", ["title": "\($0.title.icon) \($0.title.name)",
                                                                "member": "\($0.member.name) (\($0.member.code))", "by": people.name($0.nominatedBy, req)]), reason: $0.reason)
                                                        },
                                                        titles: titles.filter { $0.rule == "manual" }.map { SelectOption(value: "\($0.id!)", label: "\($0.icon) \($0.name)") },
                                                        error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    @Sendable func define(req: Request) async throws -> Response {
        let account = try req.account(if: { $0 == .leader })
        let f = try req.content.decode([String: String].self)
        let manual = (f["rule"] ?? "") == "manual"
        let threshold = manual ? 0 : try FormValue.fen(f["threshold"], field: "threshold", refusal: "title_error_threshold")
        guard manual || threshold > 0 else { throw Refusal(key: "title_error_threshold", values: ["value": f["threshold"] ?? ""], field: "threshold") }
        _ = try await service(req).define(name: f["name"] ?? "", icon: f["icon"] ?? "", rule: f["rule"] ?? "",
                                          thresholdFen: threshold,
                                          privilege: f["privilege"] ?? "",
                                          days: try FormValue.int(f["days"], field: "days", refusal: "title_error_days", empty: 0),
                                          trainingPriority: f["training_priority"] != nil, by: .account(account))
        return req.redirect(to: SiteURL.titles())
    }

    /// The title and the member a form names, or a refusal naming what is wrong.
    func titleAndMember(_ f: [String: String], _ req: Request) async throws -> (Title, Member) {
        guard let title = try await RecognitionQueries(db: req.db).title(Int(f["title"] ?? "")) else { throw Refusal(key: "title_error_title") }
        let code = (f["member"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let member = try await TeamQueries(db: req.db).member(code: code) else {
            throw Refusal(key: "goal_error_member", values: ["value": code])
        }
        return (title, member)
    }

    @Sendable func grant(req: Request) async throws -> Response {
        let account = try req.account(if: { $0 == .leader })
        let f = try req.content.decode([String: String].self)
        let (title, member) = try await titleAndMember(f, req)
        try await service(req).grant(title, to: member, reason: f["reason"] ?? "", by: .account(account))
        return req.redirect(to: SiteURL.titles())
    }

    @Sendable func nominate(req: Request) async throws -> Response {
        let account = try req.account(if: TitlePermissions.mayNominate)
        let me = try await req.member(of: account)
        let f = try req.content.decode([String: String].self)
        let (title, member) = try await titleAndMember(f, req)
        guard Permissions.memberScope(account, member: me)?.contains(member) ?? false else {
            throw Refusal(key: "goal_error_not_yours", values: ["member": member.code])
        }
        _ = try await service(req).nominate(title, member: member, reason: f["reason"] ?? "", by: .account(account))
        return req.redirect(to: SiteURL.titles())
    }

    func decide(_ req: Request, confirm: Bool) async throws -> Response {
        let account = try req.account(if: { $0 == .leader })
        guard let n = try await RecognitionQueries(db: req.db).nomination(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        try await service(req).decide(n, confirm: confirm, by: .account(account))
        return req.redirect(to: SiteURL.titles())
    }

    @Sendable func confirm(req: Request) async throws -> Response { try await decide(req, confirm: true) }
    @Sendable func decline(req: Request) async throws -> Response { try await decide(req, confirm: false) }
}
