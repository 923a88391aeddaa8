import Fluent
import Vapor

/// API tokens: the leader creates them (the token is shown once) and revokes them.
struct TokenController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.tokens, use: list)
        routes.post(SiteURL.tokens, use: create)
        routes.post(SiteURL.revokeToken, use: revoke)
    }

    struct Row: Encodable {
        let id: Int
        let name: String
        let createdBy: String
        let actsAs: String
        let created: String
        let revoked: Bool
    }

    struct Page: Encodable {
        let layout: Layout
        let rows: [Row]
        let accounts: [SelectOption]
        /// A token just made, shown this once.
        let newToken: String?
    }

    func leader(_ req: Request) throws -> Account {
        let account = try req.account
        guard AuthPermissions.mayManageTokens(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    func render(_ req: Request, newToken: String? = nil) async throws -> View {
        let clock = req.application.jiliClock
        let queries = AuthQueries(db: req.db)
        let tokens = try await queries.tokens()
        let me = try req.account
        let accounts = try await queries.accounts().map {
            SelectOption(value: "\($0.id!)", label: "\($0.name) · \(req.t("role_\($0.role)"))", selected: $0.id == me.id)
        }
        let people = try await People.load(tokens.map(\.createdBy), on: req.db)
        return try await req.view.render("auth/tokens", Page(layout: Layout(req, title: req.t("tokens_title")), rows: tokens.map {
            Row(id: $0.id!, name: $0.name, createdBy: people.name($0.createdBy, req), actsAs: $0.account.map { "\($0.name) · \(req.t("role_\($0.role)"))" } ?? "—",
                created: clock.format($0.createdAt), revoked: $0.revokedAt != nil)
        }, accounts: accounts, newToken: newToken))
    }

    @Sendable func list(req: Request) async throws -> View {
        _ = try leader(req)
        return try await render(req)
    }

    struct NewToken: Content {
        var name: String
        /// The account the token acts as (its permissions are the token's); the leader's own when absent.
        var account: Int?
    }

    func service(_ req: Request) -> AccountService { AccountService(db: req.db, clock: req.application.jiliClock) }

    /// A new token, shown once: in the answer to the form that made it, and kept nowhere (not even in
    /// the session, which is stored), so this form answers with the page rather than a redirect.
    @Sendable func create(req: Request) async throws -> View {
        let account = try leader(req)
        let form = try req.content.decode(NewToken.self)
        guard let actsAs = try await AuthQueries(db: req.db).account(form.account ?? account.id) else { throw Refusal(key: "tokens_error_account", field: "account") }
        let token = try await service(req).createToken(name: form.name, actsAs: actsAs, by: account)
        return try await render(req, newToken: token)
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let account = try leader(req)
        guard let token = try await AuthQueries(db: req.db).token(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        try await service(req).revoke(token, by: account)
        return req.redirect(to: SiteURL.tokens())
    }
}
