import Fluent
import Vapor

extension Account: ModelSessionAuthenticatable {}

/// Pages for signed-in people only: others are sent to the sign-in page (401 JSON under /api).
struct RequireAccount: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(Account.self) else {
            if request.url.path.hasPrefix("/api/") { throw Abort(.unauthorized) }
            return request.redirect(to: SiteURL.signIn(query: ["next": request.url.path]))
        }
        return try await next.respond(to: request)
    }
}

/// A form that changes something must carry the session's CSRF token in `_csrf`.
struct CSRFProtection: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method != .GET && request.method != .HEAD {
            // A body that came in more than one piece is still streaming when the middlewares run
            // (the route collects it later): collect it here, or the token is not found. The limit is
            // the route's: a form that uploads takes its own, every other form the default.
            if request.body.data == nil {
                let limit = SiteURL.maxBody(request.url.path) ?? request.application.routes.defaultMaxBodySize
                _ = try await request.body.collect(max: limit.value).get()
            }
            let sent = (try? request.content.get(String.self, at: "_csrf")) ?? request.headers.first(name: "X-CSRF-Token")
            guard let expected = request.session.data["csrf"], let sent, LinkToken.constantTimeEqual(sent, expected) else {
                throw Abort(.forbidden, reason: "csrf")
            }
        }
        return try await next.respond(to: request)
    }

}

extension Session {
    /// The account's ``Account/signInVersion`` when this session was signed in (0 before versions).
    var signInVersion: Int {
        get { data["sign_in_version"].flatMap(Int.init) ?? 0 }
        set { data["sign_in_version"] = "\(newValue)" }
    }
}

extension Request {
    /// Signs `account` in on a new session (a session id planted before cannot be used after), under
    /// its current sign-in version.
    func signIn(_ account: Account) {
        if let old = session.id { _ = application.sessions.driver.deleteSession(old, for: self) }
        session.id = nil
        session.data = SessionData()
        auth.login(account)
        session.signInVersion = account.signInVersion
    }

    /// The session's CSRF token, created on first use.
    func csrfToken() -> String {
        if let token = session.data["csrf"] { return token }
        let token = [UInt8].random(count: 24).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
        session.data["csrf"] = token
        return token
    }

    /// The signed-in account (only on routes behind ``RequireAccount``).
    var account: Account {
        get throws {
            guard let a = auth.get(Account.self) else { throw Abort(.unauthorized) }
            return a
        }
    }

    /// The member an account is (nil for staff who are not members).
    func member(of account: Account) async throws -> Member? {
        try await account.$member.get(on: db)
    }

    /// The signed-in account when its role may do what is asked; 403 otherwise.
    func account(if allowed: (Role) -> Bool) throws -> Account {
        let a = try account
        guard allowed(a.roleValue) else { throw Abort(.forbidden) }
        return a
    }
}
