import Fluent
import JiliCore
import Vapor

/// Plan versions and monthly runs for the leader, the operations director and finance.
struct PayController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.pay, use: overview)
        routes.post(SiteURL.versions, use: createVersion)
        routes.get(SiteURL.version, use: version)
        routes.post(SiteURL.activateVersion, use: activate)
        routes.get(SiteURL.whatIf, use: whatIf)
        routes.post(SiteURL.runs, use: compute)
        routes.get(SiteURL.run, use: run)
        routes.post(SiteURL.approveRun, use: approve)
    }


    func runner(_ req: Request) throws -> Account { try req.account(if: PayPermissions.mayRun) }

    func service(_ req: Request) -> PayService { PayService(db: req.db, clock: req.application.jiliClock) }

    struct VersionRow: Encodable {
        let id: Int
        let name: String
        let status: String
        let effectiveFrom: String?
    }

    struct RunRow: Encodable {
        let period: String
        let approved: Bool
        let total: String
        let ratio: String
    }

    struct Overview: Encodable {
        let layout: Layout
        let versions: [VersionRow]
        let runs: [RunRow]
        let templates: [PlanEditorController.TemplateLink]
        let month: String
        let error: String?
    }

    static func ratio(_ pay: Int64, _ sales: Int64) -> String {
        guard sales > 0 else { return "—" }
        return FixedPoint.format(pay * 10_000 / sales, scale: 2, minimumDecimals: 2) + "%"
    }

    func renderOverview(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let queries = PayQueries(db: req.db)
        let versions = try await queries.versions()
        let runs = try await queries.runs(newestFirst: true)
        return try await req.view.render("pay/overview", Overview(
            layout: Layout(req, title: req.t("pay_title")),
            versions: versions.map { VersionRow(id: $0.id!, name: $0.name, status: req.t("pay_status_\($0.status)"), effectiveFrom: $0.effectiveFrom) },
            runs: runs.map { RunRow(period: $0.period, approved: $0.status == .approved, total: Money(fen: $0.totalFen).display,
                                    ratio: Self.ratio($0.totalFen, $0.salesFen)) },
            // The first month after the last approved one (the open month), else last month.
            templates: PlanTemplates.ids.map { PlanEditorController.TemplateLink(id: $0, label: req.t("plan_template_\($0)"), active: false) },
            month: runs.first { $0.status == .approved }.flatMap { Period(parsing: $0.period)?.next.description }
                ?? req.application.jiliClock.currentPeriod.previous.description,
            error: error))
            .encodeResponse(status: status, for: req)
    }

    @Sendable func overview(req: Request) async throws -> Response {
        _ = try runner(req)
        return try await renderOverview(req)
    }

    struct NewVersion: Content {
        var name: String
        var json: String
    }

    /// A version from the JSON editor; a plan that does not decode comes back in the editor with
    /// every problem.
    @Sendable func createVersion(req: Request) async throws -> Response {
        let account = try runner(req)
        let form = try req.content.decode(NewVersion.self)
        do {
            _ = try PlanDecoder.decode(Array(form.json.utf8))
        } catch {
            return try await PlanEditorController().render(req, doc: try? JSONValue.parse(Array(form.json.utf8)), source: form.json,
                                                           versionName: form.name, template: nil, problems: error.problems, status: .unprocessableEntity)
        }
        let v = try await service(req).createVersion(name: form.name, json: form.json, by: .account(account))
        return req.redirect(to: SiteURL.version(v.id!))
    }

    struct VersionPage: Encodable {
        let layout: Layout
        let id: Int
        let name: String
        let status: String
        let isDraft: Bool
        let effectiveFrom: String?
        let json: String
        /// The rules by their names, each with its kind and id (what the JSON calls it).
        let rules: [String]
        let findings: [String]
        let refused: Bool
        let month: String
        let error: String?
    }

    func renderVersion(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        _ = try runner(req)
        guard let v = try await PayQueries(db: req.db).version(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let plan = try PlanDecoder.decode(Array(v.json.utf8))
        let report = ComplianceReport(plan: plan)
        return try await req.view.render("pay/version", VersionPage(
            layout: Layout(req, title: v.name), id: v.id!, name: v.name, status: req.t("pay_status_\(v.status)"), isDraft: v.status == .draft,
            effectiveFrom: v.effectiveFrom, json: v.json,
            rules: { let names = RuleNames(plan, req); return plan.rules.map { "\(names($0.id)) · \(req.t("rule_type_\($0.kind.typeName)")) (\($0.id))" } }(),
            findings: report.findings.map { Self.finding($0, req) }, refused: report.refused,
            month: req.application.jiliClock.currentPeriod.description, error: error)).encodeResponse(status: status, for: req)
    }

    /// A compliance finding in the reader's language.
    static func finding(_ f: ComplianceReport.Finding, _ req: Request) -> String {
        var values = f.values
        if let type = values["type"] { values["type"] = req.t("rule_type_\(type)") }
        if let category = values["category"] { values["category"] = category.isEmpty ? "" : req.t("compliance_on_category", ["category": category]) }
        let message = f.code.isEmpty ? f.message : req.t("compliance_\(f.code)", values)
        return req.t(f.severity == .refusal ? "compliance_refusal" : "compliance_warning", ["message": message])
    }

    @Sendable func version(req: Request) async throws -> Response { try await renderVersion(req) }

    struct MonthForm: Content { var month: String }

    @Sendable func activate(req: Request) async throws -> Response {
        let account = try runner(req)
        guard let v = try await PayQueries(db: req.db).version(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        guard let month = Period(parsing: try req.content.decode(MonthForm.self).month) else { throw Abort(.badRequest) }
        try await service(req).activate(v, from: month, by: .account(account))
        return req.redirect(to: SiteURL.version(v.id!))
    }

    @Sendable func compute(req: Request) async throws -> Response {
        let account = try runner(req)
        guard let month = Period(parsing: try req.content.decode(MonthForm.self).month) else { throw Abort(.badRequest) }
        _ = try await service(req).draft(month, by: .account(account))
        return req.redirect(to: SiteURL.run(month))
    }

    struct Total: Encodable {
        let label: String
        let amount: String
        let before: String?
        let change: String?
    }

    struct GroupRow: Encodable {
        let label: String
        let amount: String
        let members: Int
    }

    struct AdjustmentRow: Encodable {
        let at: String
        let text: String
        let member: String
        let amount: String
    }

    struct Earner: Encodable {
        let code: String
        let name: String
        let total: String
    }

    struct RunPage: Encodable {
        let layout: Layout
        let period: String
        let approved: Bool
        let approvedBy: String?
        let total: String
        let sales: String
        let ratio: String
        let members: Int
        let previous: String?
        let previousTotal: String?
        let change: String?
        let rules: [Total]
        let departments: [GroupRow]
        let teams: [GroupRow]
        let adjustments: [AdjustmentRow]
        let adjustmentsTotal: String
        let totalWithAdjustments: String
        let earners: [Earner]
        /// The month has not ended: the draft is an estimate and cannot be approved yet.
        let estimate: Bool
        /// What approving does, said before it is done: how many people, how much, what is unusual.
        let preview: [String]
        /// The draft the preview is of, carried by the confirmation.
        let fingerprint: String
        /// The cost ratio of each month up to this one.
        let charts: [Chart]
    }

    /// `dispute:7` → "争议 #7 调整", `contest:3` → "竞赛 #3 奖金".
    static func describe(source: String, _ req: Request) -> String {
        let parts = source.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return source }
        switch parts[0] {
        case "dispute": return req.t("balance_kind_adjustment", ["subject": parts[1]])
        case "contest": return req.t("balance_kind_prize", ["subject": parts[1]])
        default: return source
        }
    }

    static func signed(_ fen: Int64) -> String { (fen > 0 ? "+" : "") + Money(fen: fen).display }

    @Sendable func run(req: Request) async throws -> View {
        _ = try runner(req)
        guard let run = try await PayQueries(db: req.db).run(req.parameters.get("period") ?? "") else { throw Abort(.notFound) }
        let review = try await RunReview.load(run, on: req.db, adjustedLabel: " (" + req.t("pay_adjustment") + ")", noDepartment: req.t("pay_no_department"))
        let hasPrevious = review.previousPeriod != nil
        let earners = review.top
        let clock = req.application.jiliClock
        let people = try await People.load([run.approvedBy], on: req.db)
        let names = try await RuleNames.of(run, req)
        let earnerNames = try await TeamQueries(db: req.db).members(codes: earners.map(\.code))
        func groups(_ g: [RunReview.Group]) -> [GroupRow] { g.map { GroupRow(label: $0.label, amount: Money(fen: $0.amount).display, members: $0.members) } }
        return try await req.view.render("pay/run", RunPage(
            layout: Layout(req, title: "\(req.t("pay_run_title")) \(run.period)"), period: run.period, approved: run.status == .approved,
            approvedBy: run.approvedBy.map { people.name($0, req) }, total: Money(fen: run.totalFen).display, sales: Money(fen: run.salesFen).display,
            ratio: Self.ratio(run.totalFen, run.salesFen), members: review.members,
            previous: review.previousPeriod, previousTotal: review.previousTotal.map { Money(fen: $0).display },
            change: review.previousTotal.map { Self.signed(run.totalFen - $0) },
            rules: review.byRule.map { Total(label: names($0.label), amount: Money(fen: $0.after).display,
                                             before: hasPrevious ? Money(fen: $0.before).display : nil,
                                             change: hasPrevious ? Self.signed($0.after - $0.before) : nil) },
            departments: groups(review.byDepartment), teams: groups(review.byTeam),
            adjustments: review.adjustments.map {
                AdjustmentRow(at: clock.format($0.at), text: Self.describe(source: $0.source, req),
                              member: $0.member, amount: Money(fen: $0.amount).display)
            },
            adjustmentsTotal: Money(fen: review.adjustmentsTotal).display, totalWithAdjustments: Money(fen: run.totalFen + review.adjustmentsTotal).display,
            earners: earners.map { Earner(code: $0.code, name: earnerNames[$0.code]?.name ?? $0.code, total: Money(fen: $0.total).display) },
            estimate: run.isEstimate(clock),
            preview: run.status == .draft ? try await approvalPreview(run, review: review, req) : [],
            fingerprint: run.fingerprint, charts: [try await ratioChart(upTo: run.period, req)]))
    }

    /// The cost ratio (pay ÷ net sales) of the last twelve months up to `period`, in basis points.
    func ratioChart(upTo period: String, _ req: Request) async throws -> Chart {
        let runs = try await PayQueries(db: req.db).costs().filter { $0.period <= period }.suffix(12)
        let points = runs.compactMap { r in
            Period(parsing: r.period).map {
                Chart.Point(label: HomeCharts.monthLabel($0, req), name: r.period, value: r.salesFen > 0 ? r.totalFen * 10_000 / r.salesFen : 0,
                            shown: Self.ratio(r.totalFen, r.salesFen))
            }
        }
        return Chart(id: "ratio", title: req.t("chart_ratio_title"),
                     summary: req.t("chart_ratio_summary", ["period": period, "ratio": points.last?.shown ?? "—"]), points: points, valueHeader: req.t("chart_ratio"))
    }

    /// The lines of the approval's preview: the people paid and the amount, the change from the month
    /// before, the cost ratio, and anything unusual (questions still open, a large change).
    func approvalPreview(_ run: PayRun, review: RunReview, _ req: Request) async throws -> [String] {
        let paid = review.paid
        var lines = [req.t("pay_preview_people", ["period": run.period, "people": "\(paid)", "total": Money(fen: run.totalFen).display]),
                     req.t("pay_preview_ratio", ["ratio": Self.ratio(run.totalFen, run.salesFen), "sales": Money(fen: run.salesFen).display])]
        if let before = review.previousTotal, let period = review.previousPeriod {
            lines.append(req.t("pay_preview_change", ["period": period, "change": Self.signed(run.totalFen - before)]))
            if before > 0, abs(run.totalFen - before) * 5 > before { lines.append(req.t("pay_preview_large_change", ["percent": "\(abs(run.totalFen - before) * 100 / before)"])) }
        }
        let open = try await PayQueries(db: req.db).openDisputes()
        if open > 0 { lines.append(req.t("pay_preview_open_disputes", ["count": "\(open)"])) }
        lines.append(req.t("pay_preview_final"))
        return lines
    }

    struct ConfirmForm: Content {
        var confirm: String?
        /// The draft the preview showed (``PayRun/fingerprint``).
        var fingerprint: String?
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let account = try runner(req)
        guard let period = Period(parsing: req.parameters.get("period") ?? "") else { throw Abort(.notFound) }
        // Approving is done from its preview, with the confirmation it asks for.
        guard let form = try? req.content.decode(ConfirmForm.self), form.confirm == "yes", let fingerprint = form.fingerprint else {
            throw Refusal(key: "pay_error_confirm")
        }
        do {
            try await service(req).approve(period, by: .account(account), fingerprint: fingerprint)
        } catch var r as Refusal {
            // A month approved already, or with a newer plan: the state forbids it.
            r.status = .conflict
            throw r
        }
        return req.redirect(to: SiteURL.run(period.description), notice: "pay_approved_notice", ["period": period.description])
    }

    struct ChangeRow: Encodable {
        let code: String
        let before: String
        let after: String
        let difference: String
        let gains: Bool
    }

    struct WhatIfPage: Encodable {
        let layout: Layout
        let id: Int
        let name: String
        let period: String
        let before: String
        let after: String
        let difference: String
        let ratioBefore: String
        let ratioAfter: String
        let changed: Int
        let rows: [ChangeRow]
    }

    /// What this version would have paid in a past month, member by member, against what was paid.
    @Sendable func whatIf(req: Request) async throws -> Response {
        _ = try runner(req)
        guard let v = try await PayQueries(db: req.db).version(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        guard let month = Period(parsing: req.query[String.self, at: "month"] ?? "") else { throw Abort(.badRequest) }
        let w: WhatIf
        w = try await service(req).whatIf(v, period: month)
        let signed = Self.signed
        return try await req.view.render("pay/whatif", WhatIfPage(
            layout: Layout(req, title: "\(req.t("pay_whatif")) · \(v.name)"), id: v.id!, name: v.name, period: month.description,
            before: Money(fen: w.before).display, after: Money(fen: w.after).display, difference: signed(w.after - w.before),
            ratioBefore: Self.ratio(w.before, w.sales), ratioAfter: Self.ratio(w.after, w.sales), changed: w.changes.count,
            rows: w.changes.prefix(50).map { ChangeRow(code: $0.member, before: Money(fen: $0.before).display, after: Money(fen: $0.after).display,
                                                       difference: signed($0.after - $0.before), gains: $0.after > $0.before) }))
            .encodeResponse(for: req)
    }
}
