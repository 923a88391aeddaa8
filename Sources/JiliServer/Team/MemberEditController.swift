import Fluent
import Vapor

/// Adding a member and changing sponsor, tier, status, department and position (leader and
/// operations director). Every change is in the audit log.
struct MemberEditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.newMember, use: newForm)
        routes.post(SiteURL.members, use: create)
        routes.get(SiteURL.editMember, use: editForm)
        routes.post(SiteURL.member, use: update)
    }

    struct FormPage: Encodable {
        let layout: Layout
        let action: String
        let isNew: Bool
        let code: String
        let name: String
        let phone: String
        let sponsor: String
        let tiers: [SelectOption]
        let statuses: [SelectOption]
        let positions: [SelectOption]
        let error: String?
    }

    struct MemberForm: Content {
        var code: String?
        var name: String
        var phone: String?
        var sponsor: String?
        var tier: String
        var status: String
        var position: String?

        /// The form's changes, the status parsed (refused, naming the field, when it is not one).
        var changes: MemberService.Changes {
            get throws {
                guard let status = MemberStatus(rawValue: status) else { throw Refusal(key: "member_error_status", field: "status") }
                return .init(name: name, phone: phone, sponsorCode: sponsor, tier: tier, status: status, departmentID: nil,
                             positionID: position.flatMap { Int($0) })
            }
        }
    }

    func editor(_ req: Request) throws -> Account {
        let account = try req.account
        guard TeamPermissions.mayEditMembers(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    func page(_ req: Request, action: String, isNew: Bool, form: MemberForm, error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let positions = try await TeamQueries(db: req.db).positionsWithDepartments()
        return try await req.view.render("team/edit", FormPage(
            layout: Layout(req, title: req.t(isNew ? "member_new_title" : "member_edit_title")), action: action, isNew: isNew,
            code: form.code ?? "", name: form.name, phone: form.phone ?? "", sponsor: form.sponsor ?? "",
            tiers: Tiers.ids.map { SelectOption(value: $0, label: req.t("tier_\($0)"), selected: $0 == form.tier) },
            statuses: MemberStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.t("status_\($0.rawValue)"), selected: $0.rawValue == form.status) },
            positions: positions.map { SelectOption(value: "\($0.id!)", label: "\($0.department.name) · \($0.name)", selected: "\($0.id!)" == form.position) },
            error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func newForm(req: Request) async throws -> Response {
        _ = try editor(req)
        let sponsor = req.query[String.self, at: "sponsor"] ?? ""
        return try await page(req, action: SiteURL.members(), isNew: true,
                              form: MemberForm(code: "", name: "", phone: "", sponsor: sponsor, tier: "vip", status: "active", position: ""), error: nil)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try editor(req)
        let form = try req.content.decode(MemberForm.self)
        do {
            let m = try await MemberService(db: req.db, clock: req.application.jiliClock).add(code: form.code, try form.changes, by: .account(account))
            return req.redirect(to: SiteURL.member(m.code))
        } catch let refusal as Refusal {
            return try await page(req, action: SiteURL.members(), isNew: true, form: form, error: req.t(refusal.key, refusal.values), status: .unprocessableEntity)
        }
    }

    @Sendable func editForm(req: Request) async throws -> Response {
        _ = try editor(req)
        guard let m = try await TeamQueries(db: req.db).member(code: req.parameters.get("code") ?? "") else { throw Abort(.notFound) }
        return try await page(req, action: SiteURL.member(m.code), isNew: false, form: MemberForm(
            code: m.code, name: m.name, phone: m.phone, sponsor: m.sponsor?.code ?? "", tier: m.tier, status: m.status.rawValue,
            position: m.$position.id.map(String.init) ?? ""), error: nil)
    }

    @Sendable func update(req: Request) async throws -> Response {
        let account = try editor(req)
        guard let m = try await TeamQueries(db: req.db).member(code: req.parameters.get("code") ?? "") else { throw Abort(.notFound) }
        var form = try req.content.decode(MemberForm.self)
        form.code = m.code
        do {
            try await MemberService(db: req.db, clock: req.application.jiliClock).update(m, try form.changes, by: .account(account))
            return req.redirect(to: SiteURL.member(m.code))
        } catch let refusal as Refusal {
            return try await page(req, action: SiteURL.member(m.code), isNew: false, form: form, error: req.t(refusal.key, refusal.values), status: .unprocessableEntity)
        }
    }
}
