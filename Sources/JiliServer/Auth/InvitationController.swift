import Fluent
import Vapor

/// Opening a link: an invitation shows whom it is for and asks for a username and a password; a
/// reset link asks for a new password. Either signs the person in on their own dashboard. A used,
/// expired or revoked link says so in plain words and does nothing; an unknown one is not found.
/// Changing one's own password (the current one required) ends every other session.
struct InvitationController: RouteCollection {
    static let minPassword = 8
    static let maxPassword = 128

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.invitation, use: invitation)
        routes.post(SiteURL.invitation, use: accept)
        routes.get(SiteURL.resetPassword, use: reset)
        routes.post(SiteURL.resetPassword, use: acceptReset)
    }

    struct Page: Encodable {
        let layout: Layout
        let purpose: String
        /// `open`, `used`, `expired` or `revoked`.
        let state: String
        let stateText: String?
        let intro: String
        let rules: String
        let username: String
        let action: String
        let minPassword: Int
        /// Inside WeChat, when it is configured: the address that activates with WeChat instead of a password.
        let wechat: String?
    }

    func service(_ req: Request) -> InvitationService { InvitationService(db: req.db, clock: req.application.jiliClock) }

    func found(_ req: Request, _ purpose: Invitation.Purpose) async throws -> Invitation {
        guard let i = try await AuthQueries(db: req.db).invitation(token: req.parameters.get("token") ?? ""), i.purpose == purpose else { throw Abort(.notFound) }
        return i
    }

    func render(_ req: Request, _ i: Invitation) async throws -> Response {
        let state = i.state(at: req.application.jiliClock.now())
        let token = req.parameters.get("token") ?? ""
        let who = i.member.map { "\($0.name) (\($0.code))" } ?? i.label
        let page = Page(layout: Layout(req, title: req.t(i.purpose == .invite ? "activate_title" : "reset_title")), purpose: i.purpose.rawValue,
                        state: state.rawValue, stateText: state == .open ? nil : req.t("invite_error_\(state)"),
                        intro: i.purpose == .invite ? req.t("activate_for", ["who": who, "role": req.t(i.roleValue.messageKey)]) : req.t("reset_for", ["who": who]),
                        rules: req.t("password_rules", ["min": "\(Self.minPassword)"]), username: i.account?.username ?? i.member?.phone ?? i.member?.code ?? "",
                        action: i.purpose == .invite ? SiteURL.invitation(token) : SiteURL.resetPassword(token), minPassword: Self.minPassword,
                        wechat: i.purpose == .invite && state == .open && req.wechat != nil && req.isInsideWeChat ? SiteURL.wechatSignIn(query: ["invite": token]) : nil)
        let response = try await req.view.render("auth/activate", page).encodeResponse(status: state == .open ? .ok : .gone, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    @Sendable func invitation(req: Request) async throws -> Response { try await render(req, try await found(req, .invite)) }
    @Sendable func reset(req: Request) async throws -> Response { try await render(req, try await found(req, .reset)) }

    /// Field names hold "password", so that a refused form never keeps them (``Flash``).
    struct PasswordForm: Content {
        var username: String?
        var password: String
        var confirm: String
        enum CodingKeys: String, CodingKey { case username, password, confirm = "password_confirm" }
    }

    /// The new password: long enough, typed twice the same.
    static func check(_ form: PasswordForm) throws {
        guard (minPassword...maxPassword).contains(form.password.count) else {
            throw Refusal(key: "password_error_length", values: ["min": "\(minPassword)", "max": "\(maxPassword)"], field: "password")
        }
        guard form.password == form.confirm else { throw Refusal(key: "password_error_confirm", field: "password_confirm") }
    }

    @Sendable func accept(req: Request) async throws -> Response {
        let i = try await found(req, .invite)
        let form = try req.content.decode(PasswordForm.self)
        try InvitationService.check(username: (form.username ?? "").trimmingCharacters(in: .whitespaces))
        try Self.check(form)
        let hash = try await req.password.async.hash(form.password)
        let account = try await service(req).accept(i, username: form.username ?? "", passwordHash: hash)
        req.signIn(account)
        return req.redirect(to: SiteURL.dashboard(), notice: "activate_done", ["name": i.member?.name ?? i.label])
    }

    @Sendable func acceptReset(req: Request) async throws -> Response {
        let i = try await found(req, .reset)
        let form = try req.content.decode(PasswordForm.self)
        try Self.check(form)
        let hash = try await req.password.async.hash(form.password)
        let account = try await service(req).accept(reset: i, passwordHash: hash)
        req.signIn(account)
        return req.redirect(to: SiteURL.dashboard(), notice: "reset_done")
    }
}

/// One's own password: the current one, then the new one twice. Every other session ends.
struct PasswordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.password, use: page)
        routes.post(SiteURL.password, use: change)
    }

    struct Page: Encodable {
        let layout: Layout
        let hasPassword: Bool
        let minPassword: Int
        let rules: String
    }

    @Sendable func page(req: Request) async throws -> View {
        let account = try req.account
        return try await req.view.render("auth/password", Page(layout: Layout(req, title: req.t("password_title")), hasPassword: !account.passwordHash.isEmpty,
                                                               minPassword: InvitationController.minPassword,
                                                               rules: req.t("password_rules", ["min": "\(InvitationController.minPassword)"])))
    }

    struct Form: Content {
        var current: String?
        var password: String
        var confirm: String
        enum CodingKeys: String, CodingKey { case current = "current_password", password, confirm = "password_confirm" }
    }

    @Sendable func change(req: Request) async throws -> Response {
        let account = try req.account
        let form = try req.content.decode(Form.self)
        if !account.passwordHash.isEmpty {
            guard try await req.password.async.verify(form.current ?? "", created: account.passwordHash) else {
                throw Refusal(key: "password_error_current", field: "current_password")
            }
        }
        try InvitationController.check(.init(username: nil, password: form.password, confirm: form.confirm))
        let hash = try await req.password.async.hash(form.password)
        let fresh = try await AccountService(db: req.db, clock: req.application.jiliClock).changePassword(account, to: hash)
        req.signIn(fresh)
        return req.redirect(to: SiteURL.dashboard(), notice: "password_changed")
    }
}
