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
        let newToken: String?
    }

    func leader(_ req: Request) throws -> Account {
        let account = try req.account
        guard AuthPermissions.mayManageTokens(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    func render(_ req: Request, newToken: String?) async throws -> View {
        let clock = req.application.jiliClock
        let tokens = try await ApiToken.query(on: req.db).with(\.$account).sort(\.$id, .descending).all()
        let me = try req.account
        let accounts = try await Account.query(on: req.db).sort(\.$username).all().map {
            SelectOption(value: "\($0.id!)", label: "\($0.username) · \(req.t("role_\($0.role)"))", selected: $0.id == me.id)
        }
        return try await req.view.render("auth/tokens", Page(layout: Layout(req, title: req.t("tokens_title")), rows: tokens.map {
            Row(id: $0.id!, name: $0.name, createdBy: $0.createdBy, actsAs: $0.account.map { "\($0.username) · \(req.t("role_\($0.role)"))" } ?? "—",
                created: clock.format($0.createdAt), revoked: $0.revokedAt != nil)
        }, accounts: accounts, newToken: newToken))
    }

    @Sendable func list(req: Request) async throws -> View {
        _ = try leader(req)
        return try await render(req, newToken: nil)
    }

    struct NewToken: Content {
        var name: String
        /// The account the token acts as (its permissions are the token's); the leader's own when absent.
        var account: Int?
    }

    @Sendable func create(req: Request) async throws -> View {
        let account = try leader(req)
        let form = try req.content.decode(NewToken.self)
        let name = form.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Abort(.unprocessableEntity) }
        guard let actsAs = try await Account.find(form.account ?? account.id, on: req.db) else { throw Abort(.unprocessableEntity) }
        let token = ApiTokens.generate()
        let now = req.application.jiliClock.now()
        try await req.db.transaction { db in
            let record = ApiToken(name: name, tokenHash: ApiTokens.hash(token), createdBy: account.username, createdAt: now)
            record.$account.id = actsAs.id
            try await record.create(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "api_token", id: "\(record.id!)",
                                   before: nil, after: ["name": name, "acts_as": actsAs.username])
        }
        return try await render(req, newToken: token)
    }

    @Sendable func revoke(req: Request) async throws -> Response {
        let account = try leader(req)
        guard let id = req.parameters.get("id", as: Int.self), let token = try await ApiToken.find(id, on: req.db) else { throw Abort(.notFound) }
        let now = req.application.jiliClock.now()
        if token.revokedAt == nil {
            token.revokedAt = now
            try await req.db.transaction { db in
                try await token.save(on: db)
                try await Audit.record(on: db, at: now, actor: .account(account), action: "revoke", entity: "api_token", id: "\(id)",
                                       before: ["revoked": "no"], after: ["revoked": "yes"])
            }
        }
        return req.redirect(to: SiteURL.tokens())
    }
}
