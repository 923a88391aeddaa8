import Fluent
import JiliCore
import Vapor

/// The promotion ladder (`/promotion`): everyone reads the published criteria and a member their
/// progress to the next tier; managers approve or reject the month's proposals for their scope, in
/// bulk; the leader and the operations director edit the ladder and may run the evaluation now.
struct PromotionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("promotion", use: page)
        routes.get("promotion", "proposals", use: proposals)
        routes.post("promotion", "proposals", use: decide)
        routes.post("promotion", "evaluate", use: evaluate)
        routes.get("promotion", "ladder", use: ladderForm)
        routes.post("promotion", "ladder", use: saveLadder)
        routes.post("members", ":code", "cases", use: openCase)
        routes.post("members", ":code", "cases", ":id", "close", use: closeCase)
    }


    struct StepRow: Encodable {
        let tier: String
        let reach: [String]
        let keep: [String]
        let mine: Bool
    }

    struct MeasureRow: Encodable {
        let text: String
        let met: Bool
        let percent: Int
    }

    struct HistoryRow: Encodable {
        let text: String
        let at: String
    }

    struct Page: Encodable {
        let layout: Layout
        let published: Bool
        let steps: [StepRow]
        let warnings: [String]
        let tier: String?
        let next: String?
        let still: String?
        let measures: [MeasureRow]
        let keep: [MeasureRow]
        let keepWarning: String?
        let history: [HistoryRow]
        let pending: Int
        let canDecide: Bool
        let canEdit: Bool
    }

    static func rows(_ measures: [Measure], _ req: Request) -> [MeasureRow] {
        measures.map { m in
            let percent = m.criterion.kind == .clean ? (m.met ? 100 : 0)
                : m.criterion.target <= 0 ? 100 : Int(min(100, max(0, m.actual * 100 / m.criterion.target)))
            return MeasureRow(text: LadderText.measured(m, req.translate), met: m.met, percent: percent)
        }
    }

    static func history(of member: Member, _ req: Request) async throws -> [HistoryRow] {
        let clock = req.application.jiliClock
        return try await TierChange.query(on: req.db).filter(\.$member.$id == member.id!).sort(\.$id, .descending).all().map { c in
            HistoryRow(text: req.t("promotion_change_\(c.reason)", ["from": req.t("tier_\(c.fromTier)"), "to": req.t("tier_\(c.toTier)"), "by": c.by]),
                       at: clock.format(c.at, "yyyy-MM-dd"))
        }
    }

    @Sendable func page(req: Request) async throws -> View {
        let account = try req.account
        let me = try await account.$member.get(on: req.db)
        let service = PromotionService(db: req.db, clock: req.application.jiliClock)
        let current = try await service.current()
        var steps: [StepRow] = []
        if let ladder = current?.ladder {
            steps = ladder.steps.reversed().map { s in
                StepRow(tier: req.t("tier_\(s.tier)"), reach: s.reach.map { LadderText.criterion($0, req.translate) },
                        keep: s.keep.map { LadderText.criterion($0, req.translate) }, mine: s.tier == me?.tier)
            }
        }
        var progress: PromotionService.Progress?
        if let me { progress = try await service.progress(of: me) }
        let keep = progress?.keep ?? []
        let canDecide = PromotionPermissions.mayDecide(account.roleValue)
        var pending = 0
        if canDecide {
            try await service.lapse()
            // Only those the viewer may decide: a manager's count is their scope's.
            pending = try await Self.decidable(req, account, me: me, period: req.application.jiliClock.currentPeriod.previous.description).count()
        }
        return try await req.view.render("promotion/index", Page(
            layout: Layout(req, title: req.t("promotion_title")), published: current != nil, steps: steps,
            warnings: current.map { $0.ladder.check().filter { $0.severity == .warning }.map { req.t($0.code, ["tier": req.t("tier_\($0.values["tier"] ?? "")")]) } } ?? [],
            tier: me.map { req.t("tier_\($0.tier)") }, next: progress?.next.map { req.t("tier_\($0)") },
            still: progress.flatMap { p in p.next == nil ? nil : LadderText.stillNeeded(p.measures, req.translate) },
            measures: Self.rows(progress?.measures ?? [], req), keep: Self.rows(keep, req),
            keepWarning: keep.contains { !$0.met } ? LadderText.stillNeeded(keep, req.translate) : nil,
            history: me == nil ? [] : try await Self.history(of: me!, req), pending: pending, canDecide: canDecide,
            canEdit: PromotionPermissions.mayEditLadder(account.roleValue)))
    }

    // MARK: Proposals

    struct ProposalRow: Encodable {
        let id: Int
        let member: String
        let code: String
        let from: String
        let to: String
        let promote: Bool
        let measures: [String]
        let status: String
        let decided: String?
    }

    struct ProposalsPage: Encodable {
        let layout: Layout
        let period: String
        let effective: String
        let pending: [ProposalRow]
        let decided: [ProposalRow]
        /// Every pending proposal the viewer may decide, and the page of them shown.
        let total: Int
        let page: Int
        let pages: Int
        let previous: String?
        let next: String?
        let evaluated: String?
        let canEvaluate: Bool
        let error: String?
        let notice: String?
    }

    /// Proposals per page: a phone can take them.
    static let perPage = 100

    /// The month's pending proposals `account` may decide, as a query: everyone's for the leader and the
    /// operations director, a manager's scope without themselves. The scope is in the query, so that a
    /// manager deep in a large team finds theirs among tens of thousands.
    static func decidable(_ req: Request, _ account: Account, me: Member?, period: String) -> QueryBuilder<PromotionProposal> {
        var q = PromotionProposal.query(on: req.db).filter(\.$period == period).filter(\.$status == "pending")
            .join(Member.self, on: \PromotionProposal.$member.$id == \Member.$id)
        switch account.roleValue {
        case .leader, .director: break
        case .salesManager, .departmentManager:
            if let scope = Permissions.memberScope(account, member: me) { q = scope.apply(joined: q) } else { q = q.filter(\.$id == -1) }
            if let me { q = q.filter(Member.self, \.$id != me.id!) }
        default: q = q.filter(\.$id == -1)
        }
        return q
    }

    func renderProposals(_ req: Request, error: String? = nil, notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let me = try await account.$member.get(on: req.db)
        let clock = req.application.jiliClock
        let service = PromotionService(db: req.db, clock: clock)
        try await service.lapse()
        let period = clock.currentPeriod.previous.description
        let total = try await Self.decidable(req, account, me: me, period: period).count()
        let pages = max(1, (total + Self.perPage - 1) / Self.perPage)
        let pageNumber = min(max(1, req.query[Int.self, at: "page"] ?? 1), pages)
        let pending = try await Self.decidable(req, account, me: me, period: period).sort(\.$id)
            .range(((pageNumber - 1) * Self.perPage)..<(pageNumber * Self.perPage)).with(\.$member).all()
        let decided = try await PromotionProposal.query(on: req.db).filter(\.$period == period).filter(\.$status != "pending")
            .sort(\.$decidedAt, .descending).limit(500).with(\.$member).all()
            .filter { PromotionPermissions.mayDecide(account, me: me, about: $0.member) }.prefix(50)
        func row(_ p: PromotionProposal) -> ProposalRow {
            ProposalRow(id: p.id!, member: p.member.name, code: p.member.code, from: req.t("tier_\(p.fromTier)"), to: req.t("tier_\(p.toTier)"),
                        promote: p.move == "promote",
                        measures: PromotionService.decode(p.measures).compactMap(LadderText.measure).map { LadderText.measured($0, req.translate) },
                        status: req.t("promotion_status_\(p.status)"),
                        decided: p.decidedAt.map { "\(p.decidedBy ?? "") · \(clock.format($0))" + (p.note.isEmpty ? "" : " · \(p.note)") })
        }
        let evaluation = try await PromotionEvaluation.query(on: req.db).filter(\.$period == period).first()
        let page = ProposalsPage(
            layout: Layout(req, title: req.t("promotion_proposals_title")), period: period, effective: clock.currentPeriod.description,
            pending: pending.map(row), decided: decided.map(row), total: total, page: pageNumber, pages: pages,
            previous: pageNumber > 1 ? "/promotion/proposals?page=\(pageNumber - 1)" : nil,
            next: pageNumber < pages ? "/promotion/proposals?page=\(pageNumber + 1)" : nil,
            evaluated: evaluation.map { e in
                req.t(e.status == "done" ? "promotion_evaluated" : "promotion_evaluating",
                      ["period": e.period, "members": "\(e.evaluated)", "proposed": "\(e.proposed)", "at": clock.format(e.finishedAt ?? e.startedAt)])
            },
            canEvaluate: PromotionPermissions.mayEditLadder(account.roleValue) && evaluation?.status != "done", error: error, notice: notice)
        return try await req.view.render("promotion/proposals", page).encodeResponse(status: status, for: req)
    }

    @Sendable func proposals(req: Request) async throws -> Response { try await renderProposals(req) }

    @Sendable func decide(req: Request) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let me = try await account.$member.get(on: req.db)
        struct Form: Content {
            var ids: [Int]?
            var action: String
            var note: String?
            /// "all": every pending proposal the viewer may decide, on every page.
            var scope: String?
        }
        let form = try req.content.decode(Form.self)
        guard ["approve", "reject"].contains(form.action) else { throw Abort(.badRequest) }
        let ids = form.scope == "all"
            ? try await Self.decidable(req, account, me: me, period: req.application.jiliClock.currentPeriod.previous.description).all(\.$id)
            : form.ids ?? []
        guard !ids.isEmpty else { return try await renderProposals(req, error: req.t("promotion_error_none"), status: .unprocessableEntity) }
        let note = String((form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let count = try await PromotionService(db: req.db, clock: req.application.jiliClock)
            .decide(ids, approve: form.action == "approve", note: note, by: .account(account)) { PromotionPermissions.mayDecide(account, me: me, about: $0) }
        return try await renderProposals(req, notice: req.t(form.action == "approve" ? "promotion_approved" : "promotion_rejected", ["n": "\(count)"]))
    }

    @Sendable func evaluate(req: Request) async throws -> Response {
        _ = try req.account(if: PromotionPermissions.mayEditLadder)
        let clock = req.application.jiliClock
        guard let e = try await PromotionService(db: req.db, clock: clock).evaluate(period: clock.currentPeriod.previous) else {
            return try await renderProposals(req, error: req.t("promotion_no_ladder"), status: .unprocessableEntity)
        }
        return try await renderProposals(req, notice: req.t("promotion_evaluated", ["period": e.period, "members": "\(e.evaluated)", "proposed": "\(e.proposed)",
                                                                                   "at": clock.format(e.finishedAt ?? clock.now())]))
    }

    // MARK: The ladder

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
        let notice: String?
        let warnings: [String]
    }

    static let kinds = Ladder.Criterion.Kind.allCases

    func renderLadder(_ req: Request, form: [String: String]? = nil, error: String? = nil, notice: String? = nil, warnings: [String] = [],
                      status: HTTPStatus = .ok) async throws -> Response {
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
        return try await req.view.render("promotion/ladder", LadderPage(layout: Layout(req, title: req.t("ladder_title")), tiers: tiers,
                                                                         error: error, notice: notice, warnings: warnings))
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
            return try await renderLadder(req, notice: req.t("ladder_published"),
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

    // MARK: Compliance cases

    /// The member named in the path, when the viewer may keep their compliance cases (404 otherwise:
    /// a member outside one's scope does not exist for them).
    func caseMember(_ req: Request) async throws -> (Account, Member) {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let me = try await account.$member.get(on: req.db)
        guard let m = try await Member.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "")).first(),
              PromotionPermissions.mayDecide(account, me: me, about: m) else { throw Abort(.notFound) }
        return (account, m)
    }

    @Sendable func openCase(req: Request) async throws -> Response {
        let (account, member) = try await caseMember(req)
        let summary = String(((try? req.content.get(String.self, at: "summary")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        guard !summary.isEmpty else { throw Refusal(key: "case_error_summary", field: "summary") }
        let now = req.application.jiliClock.now()
        try await req.db.transaction { db in
            let c = ComplianceCase()
            c.$member.id = member.id!
            c.summary = summary
            c.openedBy = account.username
            c.openedAt = now
            c.resolution = ""
            try await c.create(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "compliance_case", id: "\(c.id!)",
                                   before: nil, after: ["member": member.code, "summary": summary])
        }
        return req.redirect(to: "/members/\(member.code)#cases")
    }

    @Sendable func closeCase(req: Request) async throws -> Response {
        let (account, member) = try await caseMember(req)
        let resolution = String(((try? req.content.get(String.self, at: "resolution")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        guard let id = req.parameters.get("id", as: Int.self),
              let c = try await ComplianceCase.query(on: req.db).filter(\.$id == id).filter(\.$member.$id == member.id!).first() else { throw Abort(.notFound) }
        guard c.closedAt == nil else { return req.redirect(to: "/members/\(member.code)#cases") }
        let now = req.application.jiliClock.now()
        try await req.db.transaction { db in
            c.closedAt = now
            c.closedBy = account.username
            c.resolution = resolution
            try await c.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "close", entity: "compliance_case", id: "\(id)",
                                   before: ["member": member.code, "summary": c.summary], after: ["member": member.code, "resolution": resolution])
        }
        return req.redirect(to: "/members/\(member.code)#cases")
    }
}
