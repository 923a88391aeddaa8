import JiliCore
import Fluent
import Vapor

/// People's accounts, for those who invite: the leader and the operations director for everyone,
/// a manager for their team. Members without an account are invited one by one or all at once; the
/// leader invites staff and gives and takes roles, and disables accounts; reset links for those one
/// may invite. A link is shown once, in the answer to the form that made it (kept nowhere, not even
/// in the session), so those forms answer with a page rather than a redirect.
struct AccountsController: RouteCollection {
    static let perPage = 20
    /// The most one bulk invitation from the page makes (`jili accounts invite --without-account` has no limit).
    static let webBulkLimit = 2_000

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.accounts, use: page)
        routes.post(SiteURL.invite, use: invite)
        routes.post(SiteURL.inviteAll, use: inviteAll)
        routes.post(SiteURL.revokeInvitation, use: revoke)
        routes.post(SiteURL.accountReset, use: reset)
        routes.post(SiteURL.accountRole, use: setRole)
        routes.post(SiteURL.accountEnabled, use: setEnabled)
    }

    struct AccountRow: Encodable {
        let id: Int
        let username: String
        let member: String?
        let role: String
        let roleValue: String
        let department: String?
        let enabled: Bool
        let disabledWhy: String?
        let wechat: Bool
        let mayReset: Bool
        let mayManage: Bool
    }

    struct InviteRow: Encodable {
        let code: String
        let name: String
        let tier: String
    }

    struct OpenRow: Encodable {
        let id: Int
        let label: String
        let purpose: String
        let role: String
        let expires: String
    }

    struct Page: Encodable {
        let layout: Layout
        let search: String
        let accounts: [AccountRow]
        let withoutAccount: [InviteRow]
        let open: [OpenRow]
        let mayManageStaff: Bool
        let staffRoles: [SelectOption]
        let memberRoles: [SelectOption]
        let departments: [SelectOption]
        let days: Int
        let daysHelp: String
        let publicURLMissing: Bool
    }

    func inviter(_ req: Request) async throws -> (Account, Member?) {
        let account = try req.account(if: AuthPermissions.mayInvite)
        return (account, try await req.member(of: account))
    }

    /// The scope of the members one may invite: everyone for the leader and the director.
    func scope(_ account: Account, me: Member?) -> MemberScope? {
        [.leader, .director].contains(account.roleValue) ? .all : Permissions.memberScope(account, member: me)
    }

    @Sendable func page(req: Request) async throws -> Response {
        let (account, me) = try await inviter(req)
        guard let scope = scope(account, me: me) else { throw Abort(.forbidden) }
        let search = req.query[String.self, at: "q"] ?? ""
        let queries = AuthQueries(db: req.db)
        let everyone = [.leader, .director].contains(account.roleValue)
        let staff = AuthPermissions.mayManageStaff(account.roleValue)
        let accounts = try await queries.accounts(scope: everyone ? nil : scope, search: search, limit: Self.perPage)
        let without = try await queries.membersWithoutAccount(scope: scope, search: search, limit: Self.perPage)
            .filter { AuthPermissions.mayInvite(account, me: me, $0) }
        let clock = req.application.jiliClock
        let open = try await queries.openInvitations(createdBy: staff ? nil : account.username, now: clock.now(), limit: 20)
        let departments = try await TeamQueries(db: req.db).departments()
        func roleOptions(_ roles: [Role]) -> [SelectOption] { roles.map { SelectOption(value: $0.rawValue, label: req.t($0.messageKey)) } }
        return try await req.view.render("auth/accounts", Page(
            layout: Layout(req, title: req.t("accounts_title")), search: search,
            accounts: accounts.map { a in
                AccountRow(id: a.id!, username: a.username, member: a.member.map { "\($0.name) (\($0.code))" }, role: req.t(a.roleValue.messageKey),
                           roleValue: a.role, department: a.department?.name, enabled: a.isEnabled,
                           disabledWhy: a.disabledReason.map { req.t("accounts_disabled_\($0)") }, wechat: a.wechatOpenID != nil,
                           mayReset: a.isEnabled && AuthPermissions.mayReset(account, me: me, a, member: a.member),
                           mayManage: staff && a.roleValue != .leader && a.id != account.id)
            },
            withoutAccount: without.map { InviteRow(code: $0.code, name: $0.name, tier: req.t("tier_\($0.tier)")) },
            open: open.map { OpenRow(id: $0.id!, label: $0.member.map { "\($0.name) (\($0.code))" } ?? $0.label, purpose: req.t("invite_purpose_\($0.purpose)"),
                                     role: req.t($0.roleValue.messageKey), expires: clock.format($0.expiresAt, "yyyy-MM-dd HH:mm")) },
            mayManageStaff: staff,
            staffRoles: roleOptions([.director, .departmentManager, .salesManager, .finance, .customerService, .trainer, .warehouse]),
            memberRoles: roleOptions([.agent, .director, .departmentManager, .salesManager, .finance, .customerService, .trainer, .warehouse]),
            departments: departments.map { SelectOption(value: "\($0.id!)", label: $0.name) },
            days: InvitationService.defaultDays, daysHelp: req.t("invite_days_help", ["max": "\(InvitationService.maxDays)"]),
            publicURLMissing: req.application.jiliConfig.publicURL == nil)).encodeResponse(for: req)
    }

    // MARK: Links, shown once

    struct LinkPage: Encodable {
        let layout: Layout
        let heading: String
        let who: String
        let role: String
        let help: String
        let link: String
        let qr: String
    }

    func linkPage(_ req: Request, heading: String, _ made: InvitationService.Made, who: String, path: String) async throws -> Response {
        let link = req.application.jiliConfig.linkBase + path
        let page = LinkPage(layout: Layout(req, title: heading), heading: heading, who: who, role: req.t(made.invitation.roleValue.messageKey),
                            help: req.t("invite_link_help", ["expires": req.application.jiliClock.format(made.invitation.expiresAt, "yyyy-MM-dd HH:mm")]), link: link,
                            qr: QRCode.svg(link, label: req.t("invite_qr_label")))
        let response = try await req.view.render("auth/link", page).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    struct InviteForm: Content {
        /// A member's code; or, for a staff person who is not a member, their `name`.
        var member: String?
        var name: String?
        var role: String?
        var department: String?
        var days: String?
    }

    func days(_ text: String?) throws -> Int {
        try FormValue.int(text, field: "days", refusal: "invite_error_days", values: ["max": "\(InvitationService.maxDays)"], empty: InvitationService.defaultDays)
    }

    func role(_ form: InviteForm, _ req: Request, staff: Bool) async throws -> (Role, Department?) {
        let text = form.role ?? ""
        guard !text.isEmpty else { return (.agent, nil) }
        guard let role = Role(rawValue: text) else { throw Refusal(key: "accounts_error_role", values: ["value": text], field: "role") }
        if role != .agent, !staff { throw Abort(.forbidden) }
        guard let id = form.department.flatMap({ Int($0) }) else { return (role, nil) }
        return (role, try await TeamQueries(db: req.db).department(id))
    }

    @Sendable func invite(req: Request) async throws -> Response {
        let (account, me) = try await inviter(req)
        let form = try req.content.decode(InviteForm.self)
        let staff = AuthPermissions.mayManageStaff(account.roleValue)
        let days = try days(form.days)
        let (role, department) = try await role(form, req, staff: staff)
        let service = InvitationService(db: req.db, clock: req.application.jiliClock)
        let code = (form.member ?? "").trimmingCharacters(in: .whitespaces)
        if code.isEmpty {
            guard staff else { throw Refusal(key: "invite_error_member", values: ["value": code], field: "member") }
            let made = try await service.inviteStaff(name: form.name ?? "", role: role, department: department, days: days, by: .account(account))
            return try await linkPage(req, heading: req.t("invite_made"), made, who: made.invitation.label, path: SiteURL.invitation(made.token.text))
        }
        guard let member = try await TeamQueries(db: req.db).member(code: code), AuthPermissions.mayInvite(account, me: me, member) else {
            throw Refusal(key: "invite_error_member", values: ["value": code], field: "member")
        }
        let made = try await service.invite(member, role: role, department: department, days: days, by: .account(account))
        return try await linkPage(req, heading: req.t("invite_made"), made, who: "\(member.name) (\(member.code))", path: SiteURL.invitation(made.token.text))
    }

    struct PrintPage: Encodable {
        let layout: Layout
        let cards: [Card]
        let help: String
        struct Card: Encodable {
            let name: String
            let code: String
            let link: String
            let qr: String
        }
    }

    /// Everyone in one's team (under a member, when named) who has no account: a printable page of
    /// QR codes, or a CSV of member, name, phone and link to send out.
    @Sendable func inviteAll(req: Request) async throws -> Response {
        let (account, me) = try await inviter(req)
        guard let scope = scope(account, me: me) else { throw Abort(.forbidden) }
        let f = try req.content.decode([String: String].self)
        let days = try days(f["days"])
        let underCode = (f["under"] ?? "").trimmingCharacters(in: .whitespaces)
        var root: Member?
        if !underCode.isEmpty {
            guard let m = try await TeamQueries(db: req.db).member(code: underCode), scope.contains(m) else {
                throw Refusal(key: "invite_error_member", values: ["value": underCode], field: "under")
            }
            root = m
        }
        let members = try await AuthQueries(db: req.db).membersWithoutAccount(scope: scope, under: root, limit: Self.webBulkLimit + 1)
            .filter { AuthPermissions.mayInvite(account, me: me, $0) }
        guard !members.isEmpty else { throw Refusal(key: "invite_error_none") }
        // A page of QR codes a printer and a phone can take; a whole large team is the command line's.
        guard members.count <= Self.webBulkLimit else {
            throw Refusal(key: "invite_error_too_many", values: ["max": "\(Self.webBulkLimit)"], field: "under")
        }
        let made = try await InvitationService(db: req.db, clock: req.application.jiliClock).inviteAll(members, days: days, by: .account(account))
        let base = req.application.jiliConfig.linkBase
        let expires = req.application.jiliClock.format(req.application.jiliClock.now().addingTimeInterval(Double(days) * 86_400), "yyyy-MM-dd HH:mm")
        if f["format"] == "csv" {
            let csv = InvitationCSV.text(made.map { ($0.member, base + SiteURL.invitation($0.token.text)) })
            let response = Response(status: .ok, body: .init(data: Data(csv)))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
            response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"invitations.csv\"")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
        let cards = made.map { m in
            let link = base + SiteURL.invitation(m.token.text)
            return PrintPage.Card(name: m.member.name, code: m.member.code, link: link, qr: QRCode.svg(link, label: req.t("invite_qr_label")))
        }
        let response = try await req.view.render("auth/invitations-print", PrintPage(layout: Layout(req, title: req.t("invite_print_title")), cards: cards,
                                                                                      help: req.t("invite_print_help", ["expires": expires]))).encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let (account, me) = try await inviter(req)
        guard let invitation = try await AuthQueries(db: req.db).invitation(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        // The leader any link; others their own, or an agent's invitation for someone they may invite.
        let allowed = AuthPermissions.mayManageStaff(account.roleValue) || invitation.createdBy == account.username
            || (invitation.purpose == .invite && invitation.roleValue == .agent && invitation.member.map { AuthPermissions.mayInvite(account, me: me, $0) } ?? false)
        guard allowed else { throw Abort(.notFound) }
        try await InvitationService(db: req.db, clock: req.application.jiliClock).revoke(invitation, by: .account(account))
        return req.redirect(to: SiteURL.accounts(), notice: "invite_revoked", ["who": invitation.member?.name ?? invitation.label])
    }

    func target(_ req: Request) async throws -> Account {
        guard let a = try await AuthQueries(db: req.db).account(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        return a
    }

    @Sendable func reset(req: Request) async throws -> Response {
        let (account, me) = try await inviter(req)
        let target = try await target(req)
        let member = try await req.member(of: target)
        guard AuthPermissions.mayReset(account, me: me, target, member: member) else { throw Abort(.notFound) }
        let days = try days(try? req.content.get(String.self, at: "days"))
        let made = try await InvitationService(db: req.db, clock: req.application.jiliClock).reset(target, days: days, by: .account(account))
        return try await linkPage(req, heading: req.t("reset_made"), made, who: member.map { "\($0.name) (\($0.code))" } ?? target.username,
                                  path: SiteURL.resetPassword(made.token.text))
    }

    @Sendable func setRole(req: Request) async throws -> Response {
        let account = try req.account(if: AuthPermissions.mayManageStaff)
        let target = try await target(req)
        let form = try req.content.decode(InviteForm.self)
        let (role, department) = try await role(form, req, staff: true)
        try await AccountService(db: req.db, clock: req.application.jiliClock).setRole(target, to: role, department: department, by: .account(account))
        return req.redirect(to: SiteURL.accounts(), notice: "accounts_role_set", ["account": target.username, "role": req.t(role.messageKey)])
    }

    @Sendable func setEnabled(req: Request) async throws -> Response {
        let account = try req.account(if: AuthPermissions.mayManageStaff)
        let target = try await target(req)
        let enabled = (try? req.content.get(String.self, at: "enabled")) == "yes"
        try await AccountService(db: req.db, clock: req.application.jiliClock).setEnabled(target, enabled, by: .account(account))
        return req.redirect(to: SiteURL.accounts(), notice: enabled ? "accounts_enabled" : "accounts_disabled", ["account": target.username])
    }
}

/// The bulk invitation's CSV: member, name, phone and link, UTF-8 with a BOM and CRLF, as Excel opens it.
enum InvitationCSV {
    /// A value Excel will not run as a formula: one starting with = + - @ gets a leading apostrophe.
    static func inert(_ text: String) -> String { ["=", "+", "-", "@"].contains(text.first.map(String.init) ?? "") ? "'" + text : text }

    static func text(_ rows: [(Member, String)]) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out += Array("member,name,phone,link\r\n".utf8)
        for (m, link) in rows {
            out += Array([m.code, m.name, m.phone ?? "", link].map { Workbook.csvField(Self.inert($0)) }.joined(separator: ",").utf8)
            out += [0x0D, 0x0A]
        }
        return out
    }
}
