import Fluent
import JiliCore
import Vapor

/// Making a plan version: from a template or from an earlier version, in a form for the numbers
/// leaders change most, checked by the same decoder as the JSON editor, with each problem shown
/// at its field.
struct PlanEditorController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.newVersion, use: editor)
        routes.post(SiteURL.versionForm, use: save)
    }

    struct FieldRow: Encodable {
        let name: String
        let label: String
        let value: String
        let error: String?
        let numeric: Bool
    }

    struct GroupRow: Encodable {
        let title: String
        let fields: [FieldRow]
        /// Rules whose other settings (window, mode, eligible tiers…) are kept as in the JSON.
        let note: String?
    }

    struct TemplateLink: Encodable {
        let id: String
        let label: String
        let active: Bool
    }

    struct Page: Encodable {
        let layout: Layout
        let templates: [TemplateLink]
        let versionName: String
        let base: String
        let groups: [GroupRow]
        let problems: [String]
        let source: String
    }

    static func label(_ key: PlanForm.Key, _ req: Request) -> String {
        switch key {
        case .planName: return req.t("plan_field_name")
        case .cap: return req.t("plan_field_cap")
        case .maxDepth: return req.t("plan_field_max_depth")
        case .tierName(let id): return req.t("plan_field_tier_name", ["tier": id])
        case .rate: return req.t("plan_field_rate")
        case .tierRate(let tier): return req.t("plan_field_tier_rate", ["tier": req.t("tier_\(tier)")])
        case .generationRate(let g): return req.t("plan_field_generation_rate", ["generation": "\(g)"])
        case .generations: return req.t("plan_field_generations")
        case .requiresVolume: return req.t("plan_field_requires_volume")
        case .minimumVolume: return req.t("plan_field_minimum_volume")
        case .bracketFrom(let b): return req.t("plan_field_bracket_from", ["bracket": "\(b)"])
        case .bracketRate(let b): return req.t("plan_field_bracket_rate", ["bracket": "\(b)"])
        case .attainment(let t): return req.t("plan_field_attainment", ["threshold": "\(t)"])
        case .thresholdAmount(let t): return req.t("plan_field_threshold_amount", ["threshold": "\(t)"])
        case .prize(let rank): return req.t("plan_field_prize", ["rank": "\(rank)"])
        }
    }

    /// The page for a document: its fields (with the values typed, when given back), problems at
    /// their fields and the rest above.
    /// A plan problem in the reader's language (the common ones; the rarer stay in English).
    static func message(_ p: PlanProblem, _ req: Request) -> String {
        let key = "plan_problem_\(p.code)"
        guard !p.code.isEmpty, case let text = req.t(key, p.values), text != key else { return p.message }
        return text
    }

    static func describe(_ p: PlanProblem, _ req: Request) -> String { p.path.isEmpty ? message(p, req) : "\(p.path): \(message(p, req))" }

    /// `doc` is nil when the JSON typed does not parse: then only the JSON editor is shown.
    func render(_ req: Request, doc: JSONValue?, source: String? = nil, versionName: String, template: String?, values: [String: String] = [:],
                problems: [PlanProblem] = [], status: HTTPStatus = .ok) async throws -> Response {
        let groups = doc.map { PlanForm.groups($0) } ?? []
        var placed = Set<String>()
        // Problems at fields are listed at the top too, by the field's name, so the first screen says what is wrong.
        var atFields: [String] = []
        var index = 0
        let rows = groups.map { g -> GroupRow in
            let title = g.rule.map { "\($0) · \(req.t("rule_type_\(g.type ?? "")"))" } ?? req.t("plan_group_plan")
            let fields = g.fields.map { f -> FieldRow in
                defer { index += 1 }
                let errors = problems.filter { $0.path == f.path }.map { Self.message($0, req) }
                if !errors.isEmpty {
                    placed.insert(f.path)
                    atFields.append("\(title) · \(Self.label(f.key, req)): \(errors.joined(separator: "; "))")
                }
                let numeric: Bool = { if case .planName = f.key { return false }; if case .tierName = f.key { return false }; return true }()
                return FieldRow(name: "f\(index)", label: Self.label(f.key, req), value: values[f.path] ?? f.value,
                                error: errors.isEmpty ? nil : errors.joined(separator: "; "), numeric: numeric)
            }
            let kept = ["tiered", "sameLevel", "override", "goalBonus", "rankBonus"].contains(g.type ?? "")
            return GroupRow(title: title, fields: fields, note: kept ? req.t("plan_group_kept") : nil)
        }
        return try await req.view.render("pay/editor", Page(
            layout: Layout(req, title: req.t("plan_editor_title")),
            templates: PlanTemplates.ids.map { TemplateLink(id: $0, label: req.t("plan_template_\($0)"), active: $0 == template) },
            versionName: versionName, base: doc?.rendered() ?? "", groups: rows,
            problems: atFields + problems.filter { !placed.contains($0.path) }.map { Self.describe($0, req) }, source: source ?? doc?.rendered() ?? ""))
            .encodeResponse(status: status, for: req)
    }

    /// `?template=ladder`, or `?from=3` (a copy of version 3 to change), or the standard template.
    @Sendable func editor(req: Request) async throws -> Response {
        _ = try PayController().runner(req)
        if let id = req.query[Int.self, at: "from"] {
            guard let v = try await PayQueries(db: req.db).version(id) else { throw Abort(.notFound) }
            return try await render(req, doc: try JSONValue.parse(Array(v.json.utf8)), versionName: v.name, template: nil)
        }
        let template = req.query[String.self, at: "template"] ?? "standard"
        guard let json = PlanTemplates.json(template) else { throw Abort(.notFound) }
        return try await render(req, doc: try JSONValue.parse(Array(json.utf8)), versionName: req.t("plan_template_\(template)"), template: template)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let account = try PayController().runner(req)
        let form = try req.content.decode([String: String].self)
        guard let base = try? JSONValue.parse(Array((form["base"] ?? "").utf8)) else { throw Abort(.badRequest) }
        // The fields are numbered in the order the form lists them for this base document.
        var values: [String: String] = [:]
        for (i, field) in PlanForm.groups(base).flatMap(\.fields).enumerated() {
            if let v = form["f\(i)"] { values[field.path] = v }
        }
        let edited = PlanForm.apply(values, to: base)
        let json = edited.rendered()
        let name = (form["version"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            _ = try PlanDecoder.decode(Array(json.utf8))
        } catch {
            return try await render(req, doc: base, versionName: name, template: nil, values: values, problems: error.problems, status: .unprocessableEntity)
        }
        let v = try await PayService(db: req.db, clock: req.application.jiliClock).createVersion(name: name, json: json, by: .account(account))
        return req.redirect(to: SiteURL.version(v.id!))
    }
}
