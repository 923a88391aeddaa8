import Fluent
import Vapor

/// Sign in with a username or phone number and a password; sign out; on an empty database, the
/// first visit creates the leader's account.
struct SignInController: RouteCollection {
    /// Failed attempts allowed per account and per address in `window`.
    static let perAccount = 5
    static let perAddress = 20
    static let window: TimeInterval = 15 * 60

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.signIn, use: form)
        routes.post(SiteURL.signIn, use: signIn)
        routes.post(SiteURL.signOut, use: signOut)
        routes.get(SiteURL.setup, use: setupForm)
        routes.post(SiteURL.setup, use: setup)
    }

    struct SignInPage: Encodable {
        let layout: Layout
        let login: String
        let next: String
        let error: String?
        /// 微信登录 is offered inside WeChat when it is configured.
        let wechat: Bool
        /// A WeChat waits to be bound by this sign-in.
        let binding: Bool

        init(_ req: Request, login: String, next: String, error: String?) {
            layout = Layout(req, title: req.t("signin_title"))
            self.login = login
            self.next = next
            self.error = error
            wechat = req.wechat != nil && req.isInsideWeChat
            binding = req.session.data[WeChatSignInController.pendingKey] != nil
        }
    }

    struct SignInForm: Content {
        var login: String
        var password: String
        var next: String?
    }

    @Sendable func form(req: Request) async throws -> Response {
        if !(try await AuthQueries(db: req.db).hasAccounts()) { return req.redirect(to: SiteURL.setup()) }
        if req.auth.has(Account.self) { return req.redirect(to: SiteURL.dashboard()) }
        let next = Self.safeNext(req.query[String.self, at: "next"])
        return try await req.view.render("auth/signin", SignInPage(req, login: "", next: next, error: nil))
            .encodeResponse(for: req)
    }

    @Sendable func signIn(req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        let login = form.login.trimmingCharacters(in: .whitespaces)
        let next = Self.safeNext(form.next)
        let now = req.application.jiliClock.now()
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let since = now.addingTimeInterval(-Self.window)
        let queries = AuthQueries(db: req.db)
        func failures(_ key: String) async throws -> Int { try await queries.failures(key, since: since) }
        func page(_ error: String, _ status: HTTPResponseStatus) async throws -> Response {
            try await req.view.render("auth/signin", SignInPage(req, login: login, next: next, error: error))
                .encodeResponse(status: status, for: req)
        }
        // Counted per account whatever name was typed (its username or its phone number), so that
        // each name does not get guesses of its own; a login that names no account is counted as typed.
        let account = try await queries.account(login: login)
        let accountKey = account.map { "account:\($0.id!)" } ?? "login:\(login.lowercased())"
        let accountFailures = try await failures(accountKey)
        let addressFailures = try await failures("address:\(address)")
        if accountFailures >= Self.perAccount || addressFailures >= Self.perAddress {
            return try await page(req.t("signin_too_many", ["minutes": "\(Int(Self.window / 60))"]), .tooManyRequests)
        }
        let ok: Bool
        if let account, !account.passwordHash.isEmpty {
            ok = try await req.password.async.verify(form.password, created: account.passwordHash)
        } else {
            // Spend the same time as a real check, so that timing does not tell which logins exist.
            _ = try? await req.password.async.hash(form.password)
            ok = false
        }
        try await AccountService(db: req.db, clock: req.application.jiliClock).record(attempt: ok, keys: [accountKey, "address:\(address)"])
        guard ok, let account else { return try await page(req.t("signin_failed"), .unauthorized) }
        // Said only to whoever knows the password: the account exists but may no longer sign in.
        guard account.isEnabled else { return try await page(req.t(account.disabledReason == .left ? "signin_left" : "signin_disabled"), .forbidden) }
        // A WeChat that came without an account is bound to this one (the session is new after signing in).
        let pending = req.session.data[WeChatSignInController.pendingKey], pendingUnion = req.session.data[WeChatSignInController.pendingUnionKey]
        req.signIn(account)
        if let pending {
            do {
                try await AccountService(db: req.db, clock: req.application.jiliClock).bindWeChat(account, openID: pending, unionID: pendingUnion)
                return req.redirect(to: next, notice: "wechat_bound")
            } catch let refusal as Refusal {
                return req.redirect(to: next, notice: refusal.key)
            }
        }
        return req.redirect(to: next)
    }

    @Sendable func signOut(req: Request) async throws -> Response {
        req.auth.logout(Account.self)
        req.session.destroy()
        return req.redirect(to: SiteURL.signIn())
    }

    struct SetupPage: Encodable {
        let layout: Layout
        let error: String?
        /// When members were imported before the first visit: the leader is one of them (the
        /// first member at the top of the tree, unless another id is given).
        let existingMember: String?
    }

    struct SetupForm: Content {
        var name: String
        var username: String
        var phone: String?
        var password: String
        /// The leader's member id, when the team was imported before.
        var member: String?
    }

    @Sendable func setupForm(req: Request) async throws -> Response {
        if try await AuthQueries(db: req.db).hasAccounts() { return req.redirect(to: SiteURL.signIn()) }
        return try await req.view.render("auth/setup", SetupPage(layout: Layout(req, title: req.t("setup_title")), error: nil,
                                                            existingMember: try await TeamQueries(db: req.db).top()?.code)).encodeResponse(for: req)
    }

    /// Creates the leader (a member at the root and an account) in one transaction.
    @Sendable func setup(req: Request) async throws -> Response {
        if try await AuthQueries(db: req.db).hasAccounts() { return req.redirect(to: SiteURL.signIn()) }
        let form = try req.content.decode(SetupForm.self)
        let name = form.name.trimmingCharacters(in: .whitespaces)
        let username = form.username.trimmingCharacters(in: .whitespaces)
        let team = TeamQueries(db: req.db)
        let root = try await team.top()
        func refuse(_ key: String) async throws -> Response {
            try await req.view.render("auth/setup", SetupPage(layout: Layout(req, title: req.t("setup_title")), error: req.t(key), existingMember: root?.code))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        guard !name.isEmpty, !username.isEmpty, form.password.count >= 8 else { return try await refuse("setup_invalid") }
        // With members imported already, the leader is one of them; otherwise a new member m1.
        var found: Member?
        if let root {
            let code = (form.member ?? "").trimmingCharacters(in: .whitespaces)
            guard let m = try await team.member(code: code.isEmpty ? root.code : code) else {
                return try await refuse("setup_unknown_member")
            }
            found = m
        }
        let hash = try await req.password.async.hash(form.password)
        let account = try await AccountService(db: req.db, clock: req.application.jiliClock)
            .createLeader(name: name, username: username, phone: form.phone, passwordHash: hash, member: found)
        req.signIn(account)
        return req.redirect(to: SiteURL.dashboard())
    }

    /// Only paths on this site: never an absolute URL (no open redirect), and nothing a header
    /// could be split with. A path of printable ASCII (no space, tab, CR or LF — a browser drops a
    /// tab, so `/\t/host` would become `//host`), that starts with one `/`, has no `\`, and stays so
    /// once its percent-escapes are decoded; anything else goes to the dashboard.
    static func safeNext(_ next: String?) -> String {
        let fallback = SiteURL.dashboard()
        guard let next, !next.isEmpty, next.utf8.count <= 2_048,
              next.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return fallback }
        let decoded = next.removingPercentEncoding ?? ""
        for form in [next, decoded] {
            guard form.hasPrefix("/"), !form.hasPrefix("//"), !form.contains("\\"),
                  form.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else { return fallback }
        }
        guard let parts = URLComponents(string: next), parts.scheme == nil, parts.host == nil, parts.path.hasPrefix("/") else { return fallback }
        return next
    }
}