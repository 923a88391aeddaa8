import Fluent
import JiliCore
import Vapor

/// Study support (`/training/claims`, 学习报销): a member claims a study expense with its receipt and
/// sees what is left of the year's limit; the member's manager, then finance, approve or refuse; the
/// leader, the operations director and finance set the yearly limits. Receipts are shown only to the
/// member and to those who decide the claim.
struct StudyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.claims, use: list)
        routes.post(SiteURL.claims, use: create)
        routes.post(SiteURL.approveClaim, use: approve)
        routes.post(SiteURL.refuseClaim, use: refuse)
        routes.post(SiteURL.withdrawClaim, use: withdraw)
        routes.get(SiteURL.receipt, use: receipt)
        routes.post(SiteURL.studyLimits, use: setLimits)
    }


    /// "所有成员（默认）", "代理", "成员 m10".
    static func scopeLabel(_ scope: String, _ req: Request) -> String {
        if scope.isEmpty { return req.t("claims_limit_everyone") }
        if scope.hasPrefix("member:") { return req.t("claims_limit_member", ["code": String(scope.dropFirst("member:".count))]) }
        return req.t("tier_\(scope)")
    }

    func service(_ req: Request) -> StudyService {
        StudyService(db: req.db, clock: req.application.jiliClock, files: req.application.jiliConfig.files)
    }

    struct ClaimRow: Encodable {
        let id: Int
        let member: String
        let code: String
        let kind: String
        let title: String
        let spentOn: String
        let amount: String
        let status: String
        let steps: String?
        let note: String?
        let canWithdraw: Bool
        /// The step the claim is at (`submitted`, `manager_approved`), carried by the approval.
        let step: String
        /// What approving does, said before it is done (for claims one decides).
        var preview: [String] = []
    }

    struct LimitRow: Encodable {
        let field: String
        let label: String
        let value: String
    }

    /// What was typed in the claim form, shown again with its error.

    struct Page: Encodable {
        let layout: Layout
        let isMember: Bool
        let year: Int
        let limit: String?
        let paid: String
        let pending: String
        let left: String
        let mine: [ClaimRow]
        let toDecide: [ClaimRow]
        let decides: Bool
        let recent: [ClaimRow]
        let events: [SelectOption]
        let limits: [LimitRow]
        let canSetLimits: Bool
        let today: String
        let error: String?
    }

    func row(_ c: StudyClaim, _ req: Request, people: People, canWithdraw: Bool = false) -> ClaimRow {
        let clock = req.application.jiliClock
        var steps: [String] = []
        if let by = c.managerBy.map({ people.name($0, req) }), let at = c.managerAt { steps.append(req.t("claim_step_manager", ["by": by, "at": clock.format(at, "yyyy-MM-dd")])) }
        if let by = c.financeBy.map({ people.name($0, req) }), let at = c.financeAt { steps.append(req.t("claim_step_finance", ["by": by, "at": clock.format(at, "yyyy-MM-dd")])) }
        if let by = c.refusedBy.map({ people.name($0, req) }), let at = c.refusedAt { steps.append(req.t("claim_step_refused", ["by": by, "at": clock.format(at, "yyyy-MM-dd")])) }
        return ClaimRow(id: c.id!, member: c.member.name, code: c.member.code, kind: req.t("claim_kind_\(c.kind)"), title: c.title, spentOn: c.spentOn,
                        amount: Money(fen: c.amountFen).display, status: req.t("claim_status_\(c.status)"),
                        steps: steps.isEmpty ? nil : steps.joined(separator: " · "), note: c.note.isEmpty ? nil : c.note, canWithdraw: canWithdraw,
                        step: c.status.rawValue)
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let clock = req.application.jiliClock
        let study = service(req)
        let year = Int(clock.format(clock.now(), "yyyy"))!
        let allowance = me == nil ? nil : try await study.allowance(me!, year: year)
        let queries = TrainingQueries(db: req.db)
        let mine = try await queries.claims(of: me, limit: 50)
        // What this account decides: the manager's step for its scope, finance's step (one rule, `mayDecide`).
        let decides = [.finance, .leader].contains(account.roleValue) || PromotionPermissions.mayDecide(account.roleValue)
        let waiting = decides ? try await queries.claimsWaiting().filter { StudyPermissions.mayDecide($0, account, me: me) } : []
        // Those who pay and set allowances see the claims decided lately (approved ones are in the ledger).
        let decided = StudyPermissions.maySetLimits(account.roleValue) ? try await queries.claimsDecided(limit: 50) : []
        let people = try await People.load((mine + waiting + decided).flatMap { [$0.managerBy, $0.financeBy, $0.refusedBy] }, on: req.db)
        var toDecide: [ClaimRow] = []
        for c in waiting {
            var r = row(c, req, people: people)
            r.preview = try await approvalPreview(c, study: study, req)
            toDecide.append(r)
        }
        let recent = decided.map { row($0, req, people: people) }
        let approvedEvents = try await queries.approvedApplications(of: me)
        let limits = try await study.limits()
        let page = Page(
            layout: Layout(req, title: req.t("claims_title")), isMember: me != nil, year: year,
            limit: allowance?.limitFen.map { Money(fen: $0).display }, paid: Money(fen: allowance?.paidFen ?? 0).display,
            pending: Money(fen: allowance?.pendingFen ?? 0).display, left: Money(fen: allowance?.leftFen ?? 0).display,
            mine: mine.map { row($0, req, people: people, canWithdraw: [.submitted, .managerApproved].contains($0.status)) },
            toDecide: toDecide, decides: decides, recent: recent,
            events: approvedEvents.map { SelectOption(value: "\($0.event.id!)", label: $0.event.name + " · " + $0.event.startsOn) },
            limits: (([""] + Tiers.ids) + limits.keys.filter { $0.hasPrefix("member:") }.sorted()).map { scope in
                LimitRow(field: "limit_" + (scope.isEmpty ? "all" : scope.replacingOccurrences(of: "member:", with: "member_")), label: Self.scopeLabel(scope, req),
                         value: limits[scope].map { FixedPoint.format($0, scale: 2, minimumDecimals: 2) } ?? "")
            },
            canSetLimits: StudyPermissions.maySetLimits(account.roleValue), today: clock.format(clock.now(), "yyyy-MM-dd"),
            error: error)
        return try await req.view.render("training/claims", page).encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    /// The lines of a claim's approval preview: who is paid back what, what the approval does at this
    /// step, and the member's year against its limit once it is approved.
    func approvalPreview(_ c: StudyClaim, study: StudyService, _ req: Request) async throws -> [String] {
        let a = try await study.allowance(c.member, year: c.year)
        let amount = Money(fen: c.amountFen).display
        var lines = [req.t(c.status == .submitted ? "claim_preview_manager" : "claim_preview_finance",
                           ["member": c.member.name, "amount": amount, "title": c.title])]
        if let limit = a.limitFen {
            // This claim already holds its part of the year (pending): what is left stays as it is.
            lines.append(req.t("claim_preview_year", ["year": "\(c.year)", "limit": Money(fen: limit).display,
                                                      "used": Money(fen: a.paidFen + a.pendingFen).display, "left": Money(fen: a.leftFen).display]))
            if a.paidFen + a.pendingFen > limit { lines.append(req.t("claim_preview_over", ["over": Money(fen: a.paidFen + a.pendingFen - limit).display])) }
        }
        if c.receipt.isEmpty { lines.append(req.t("claim_preview_no_receipt")) }
        return lines
    }

    struct ClaimForm: Content {
        var kind: String?
        var title: String?
        var spent_on: String?
        var amount: String?
        var event: String?
        var receipt: File?
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        let f = try req.content.decode(ClaimForm.self)
        // Only an event the member was approved to attend may be named.
        var event: IndustryEvent?
        if let id = Int(f.event ?? "") {
            guard let a = try await TrainingQueries(db: req.db).approvedApplication(to: id, of: me) else { throw Refusal(key: "claim_error_event") }
            event = a.event
        }
        let bytes = f.receipt.flatMap { $0.data.readableBytes > 0 ? Array($0.data.readableBytesView) : nil }
        let claim = try StudyService.ClaimForm(kind: f.kind ?? "", title: f.title ?? "", spentOn: f.spent_on ?? "", amount: f.amount ?? "")
            .parsed(today: req.application.jiliClock.today)
        let c = try await service(req).claim(by: me, claim, receipt: bytes, event: event, by: .account(account))
        return req.redirect(to: SiteURL.claims(), notice: "claim_submitted", ["amount": Money(fen: c.amountFen).display])
    }

    func claimOf(_ req: Request) async throws -> StudyClaim {
        guard let c = try await TrainingQueries(db: req.db).claim(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        return c
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let c = try await claimOf(req)
        guard StudyPermissions.maySee(c, account, me: me) else { throw Abort(.notFound) }
        guard StudyPermissions.mayDecide(c, account, me: me) else {
            return try await render(req, error: req.t(c.status == .submitted || c.status == .managerApproved ? "claim_error_not_yours" : "claim_error_status"),
                                    status: .unprocessableEntity)
        }
        // Approved from its preview, with the confirmation it asks for, at the step the preview showed.
        guard (try? req.content.get(String.self, at: "confirm")) == "yes" else {
            return try await render(req, error: req.t("claim_error_confirm"), status: .unprocessableEntity)
        }
        if (try? req.content.get(String.self, at: "step")) != c.status.rawValue {
            return try await render(req, error: req.t("claim_error_moved", ["member": c.member.name, "status": req.t("claim_status_\(c.status)")]),
                                    status: .conflict)
        }
        if c.status == .submitted { try await service(req).approveAsManager(c, by: account) } else { try await service(req).approveAsFinance(c, by: account) }
        return req.redirect(to: SiteURL.claims(), notice: "claim_approved_notice", ["member": c.member.name, "amount": Money(fen: c.amountFen).display])
    }

    @Sendable func refuse(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let c = try await claimOf(req)
        guard StudyPermissions.maySee(c, account, me: me) else { throw Abort(.notFound) }
        guard StudyPermissions.mayDecide(c, account, me: me) else { return try await render(req, error: req.t("claim_error_not_yours"), status: .unprocessableEntity) }
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        try await service(req).refuse(c, reason: reason, by: .account(account))
        return req.redirect(to: SiteURL.claims(), notice: "claim_refused_notice", ["member": c.member.name])
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let c = try await claimOf(req)
        guard c.$member.id == me?.id else { throw Abort(.notFound) }
        try await service(req).withdraw(c, by: .account(account))
        return req.redirect(to: SiteURL.claims(), notice: "claim_withdrawn_notice")
    }

    @Sendable func receipt(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let c = try await claimOf(req)
        guard StudyPermissions.maySee(c, account, me: me),
              let response = Uploads.receipts(files: req.application.jiliConfig.files).response(c.receipt) else { throw Abort(.notFound) }
        return response
    }

    @Sendable func setLimits(req: Request) async throws -> Response {
        let account = try req.account(if: StudyPermissions.maySetLimits)
        let f = try req.content.decode([String: String].self)
        var amounts: [String: String] = [:]
        for t in [""] + Tiers.ids { if let v = f["limit_" + (t.isEmpty ? "all" : t)] { amounts[t] = v } }
        // One member's own limit: those listed (blank removes), and one more by code.
        for (k, v) in f where k.hasPrefix("limit_member_") { amounts["member:" + k.dropFirst("limit_member_".count)] = v }
        let code = (f["member_code"] ?? "").trimmingCharacters(in: .whitespaces)
        if !code.isEmpty { amounts["member:" + code] = f["member_limit"] ?? "" }
        do {
            try await service(req).setLimits(try StudyService.limits(from: amounts, tiers: Tiers.ids), by: .account(account))
            return req.redirect(to: SiteURL.claims(), notice: "claims_limits_saved")
        } catch var r as Refusal {
            if let t = r.values["tier"] { r.values["tier"] = Self.scopeLabel(t == "*" ? "" : t, req) }
            throw r
        }
    }
}
