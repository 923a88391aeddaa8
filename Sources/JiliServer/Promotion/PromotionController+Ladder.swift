import Fluent
import JiliCore
import Vapor

/// The ladder's form: each tier's criteria to reach and keep it, checked and published.
extension PromotionController {
    struct Field: Encodable {
        let name: String
        let label: String
        let value: String
        let months: String
        let min: String
        let windowed: Bool
        let directs: Bool
        let check: Bool
        let checked: Bool
    }

    struct PartForm: Encodable {
        let legend: String
        let fields: [Field]
    }

    struct TierForm: Encodable {
        let tier: String
        let parts: [PartForm]
    }

    struct LadderPage: Encodable {
        let layout: Layout
        let tiers: [TierForm]
        let error: String?
    }

    static let kinds = Ladder.Criterion.Kind.allCases

    func renderLadder(_ req: Request, form: [String: String]? = nil, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        _ = try req.account(if: PromotionPermissions.mayEditLadder)
        let ladder = try await PromotionService(db: req.db, clock: req.application.jiliClock).current()?.ladder
        let values = form ?? Self.fields(of: ladder)
        let tiers = Tiers.ids.map { tier in
            TierForm(tier: req.t("tier_\(tier)"), parts: ["reach", "keep"].map { part in
                PartForm(legend: req.t("ladder_\(part)"), fields: Self.kinds.map { kind in
                    let name = "\(tier)_\(part)_\(kind.rawValue)"
                    let windowed = [.personalVolume, .teamVolume, .activeDirects].contains(kind)
                    return Field(name: name, label: req.t("ladder_field_\(kind.rawValue)"), value: values[name] ?? "",
                                 months: values[name + "_months"] ?? "3", min: values[name + "_min"] ?? "",
                                 windowed: windowed, directs: kind == .activeDirects, check: kind == .clean,
                                 checked: kind == .clean && !(values[name] ?? "").isEmpty)
                })
            })
        }
        return try await req.view.render("promotion/ladder", LadderPage(layout: Layout(req, title: req.t("ladder_title")), tiers: tiers, error: error))
            .encodeResponse(status: status, for: req)
    }

    /// The form's fields of a ladder: `agent_reach_teamVolume` = "20000", `…_months` = "3", `…_min` = "500".
    static func fields(of ladder: Ladder?) -> [String: String] {
        var out: [String: String] = [:]
        for step in ladder?.steps ?? [] {
            for (part, list) in [("reach", step.reach), ("keep", step.keep)] {
                for c in list {
                    let name = "\(step.tier)_\(part)_\(c.kind.rawValue)"
                    switch c.kind {
                    case .personalVolume, .teamVolume: out[name] = FixedPoint.format(c.target, scale: 2, minimumDecimals: 0)
                    case .clean: out[name] = "on"
                    default: out[name] = "\(c.target)"
                    }
                    out[name + "_months"] = "\(c.months)"
                    if c.kind == .activeDirects { out[name + "_min"] = FixedPoint.format(c.minSalesFen, scale: 2, minimumDecimals: 0) }
                }
            }
        }
        return out
    }

    struct FieldError: Error {
        let key: String
        let values: [String: String]
    }

    /// The ladder a form describes; a field that is not a number is named in the error.
    static func ladder(from f: [String: String], _ req: Request) throws -> Ladder {
        func money(_ text: String, _ values: [String: String]) throws -> Int64 {
            guard case .success(let fen) = FixedPoint.parse(text, scale: 2), fen >= 0 else { throw FieldError(key: "ladder_error_amount", values: values) }
            return fen
        }
        return Ladder(steps: try Tiers.ids.map { tier in
            var parts: [String: [Ladder.Criterion]] = [:]
            for part in ["reach", "keep"] {
                parts[part] = try kinds.compactMap { kind in
                    let name = "\(tier)_\(part)_\(kind.rawValue)"
                    let text = (f[name] ?? "").trimmingCharacters(in: .whitespaces)
                    guard !text.isEmpty else { return nil }
                    let values = ["tier": req.t("tier_\(tier)"), "part": req.t("ladder_\(part)"), "field": req.t("ladder_field_\(kind.rawValue)"), "value": text]
                    if kind == .clean { return Ladder.Criterion(.clean, target: 0) }
                    let months = Int((f[name + "_months"] ?? "1").trimmingCharacters(in: .whitespaces)) ?? 0
                    switch kind {
                    case .personalVolume, .teamVolume:
                        return Ladder.Criterion(kind, target: try money(text, values), months: months)
                    case .activeDirects:
                        guard let n = Int64(text) else { throw FieldError(key: "ladder_error_count", values: values) }
                        let min = (f[name + "_min"] ?? "").trimmingCharacters(in: .whitespaces)
                        return Ladder.Criterion(kind, target: n, months: months, minSalesFen: min.isEmpty ? 1 : try money(min, values.merging(["value": min]) { $1 }))
                    default:
                        guard let n = Int64(text) else { throw FieldError(key: "ladder_error_count", values: values) }
                        return Ladder.Criterion(kind, target: n)
                    }
                }
            }
            return Ladder.Step(tier: tier, reach: parts["reach"]!, keep: parts["keep"]!)
        })
    }

    @Sendable func ladderForm(req: Request) async throws -> Response { try await renderLadder(req) }

    @Sendable func saveLadder(req: Request) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayEditLadder)
        let f = try req.content.decode([String: String].self)
        do {
            let ladder = try Self.ladder(from: f, req)
            let warnings = try await PromotionService(db: req.db, clock: req.application.jiliClock).publish(ladder, by: .account(account))
            return req.redirect(to: SiteURL.ladder(), notice: "ladder_published",
                                warnings: warnings.map { req.t($0.code, ["tier": req.t("tier_\($0.values["tier"] ?? "")")]) })
        } catch let e as FieldError {
            return try await renderLadder(req, form: f, error: req.t(e.key, e.values), status: .unprocessableEntity)
        } catch let r as Refusal {
            var values = r.values
            if let tier = values["tier"] { values["tier"] = req.t("tier_\(tier)") }
            if let kind = values["kind"] { values["field"] = req.t("ladder_field_\(kind)") }
            return try await renderLadder(req, form: f, error: req.t(r.key, values), status: .unprocessableEntity)
        }
    }
}
