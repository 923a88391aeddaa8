import Fluent
import Vapor

/// The audit log for the leader, the operations director and finance: who changed what and when,
/// with the values before and after; filtered by kind of thing.
struct AuditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.audit, use: list)
    }

    struct Change: Encodable {
        let field: String
        let before: String
        let after: String
    }

    struct Row: Encodable {
        let at: String
        /// "张伟 审批了 2026-11 的结算": who, what they did, to what.
        let sentence: String
        /// Each value before and after, by the field's name.
        let changes: [Change]
    }

    struct Page: Encodable {
        let layout: Layout
        let entities: [SelectOption]
        let rows: [Row]
    }

    @Sendable func list(req: Request) async throws -> View {
        let account = try req.account
        guard AuthPermissions.mayReadAudit(account.roleValue) else { throw Abort(.forbidden) }
        let entity = req.query[String.self, at: "entity"] ?? ""
        let entries = try await AuthQueries(db: req.db).audit(entity: entity.isEmpty ? nil : entity, limit: 200)
        let clock = req.application.jiliClock
        let people = try await People.load(entries.map(\.actor), on: req.db)
        let kinds = ["member", "order", "product", "department", "position", "plan_version", "pay_run", "api_token", "account", "invitation", "members", "orders", "refunds"]
        return try await req.view.render("auth/audit", Page(
            layout: Layout(req, title: req.t("audit_title")),
            entities: kinds.map { SelectOption(value: $0, label: Self.words(req, "audit_kind_\($0)", $0), selected: $0 == entity) },
            rows: entries.map { Row(at: clock.format($0.at, "yyyy-MM-dd HH:mm"), sentence: Self.sentence($0, people: people, req), changes: Self.changes($0, req)) }))
    }

    /// The message of `key`, or `fallback` for an action or a kind of thing without one.
    static func words(_ req: Request, _ key: String, _ fallback: String, _ values: [String: String] = [:]) -> String {
        let text = req.t(key, values)
        return text == key ? fallback : text
    }

    static func sentence(_ e: AuditEntry, people: People, _ req: Request) -> String {
        req.t("audit_sentence", ["actor": people.name(e.actor, req), "action": words(req, "audit_action_\(e.action)", e.action),
                                 "thing": words(req, "audit_entity_\(e.entity)", "\(e.entity) \(e.entityID)", ["id": e.entityID])])
    }

    /// The fields of the values before and after, each with its name; a field the same in both is left out.
    static func changes(_ e: AuditEntry, _ req: Request) -> [Change] {
        func decode(_ json: String?) -> [String: String] {
            guard let json, let data = json.data(using: .utf8) else { return [:] }
            return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
        }
        let before = decode(e.before), after = decode(e.after)
        func shown(_ v: String?) -> String {
            guard let v, !v.isEmpty else { return "—" }
            return words(req, "audit_value_\(v)", v)
        }
        return Set(before.keys).union(after.keys).sorted().compactMap { key in
            guard before[key] != after[key] else { return nil }
            return Change(field: words(req, "audit_field_\(key)", key), before: shown(before[key]), after: shown(after[key]))
        }
    }
}
