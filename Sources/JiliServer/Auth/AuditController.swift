import Fluent
import Vapor

/// The audit log for the leader, the operations director and finance: who changed what and when,
/// with the values before and after; filtered by kind of thing.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.audit, use: list)
    }

    struct Row: Encodable {
        let at: String
        let actor: String
        let action: String
        let entity: String
        let id: String
        let before: String?
        let after: String?
    }

    struct Page: Encodable {
        let layout: Layout
        let entities: [String]
        let entity: String
        let rows: [Row]
    }

    @Sendable func list(req: Request) async throws -> View {
        let account = try req.account
        guard AuthPermissions.mayReadAudit(account.roleValue) else { throw Abort(.forbidden) }
        let entity = req.query[String.self, at: "entity"] ?? ""
        let entries = try await AuthQueries(db: req.db).audit(entity: entity.isEmpty ? nil : entity, limit: 200)
        let clock = req.application.jiliClock
        let kinds = ["member", "order", "product", "department", "position", "plan_version", "pay_run", "api_token", "account", "invitation", "members", "orders", "refunds"]
        return try await req.view.render("auth/audit", Page(layout: Layout(req, title: req.t("audit_title")), entities: kinds, entity: entity,
            rows: entries.map { Row(at: clock.format($0.at, "yyyy-MM-dd HH:mm:ss"), actor: $0.actor, action: $0.action, entity: $0.entity, id: $0.entityID,
                                    before: $0.before, after: $0.after) }))
    }
}
