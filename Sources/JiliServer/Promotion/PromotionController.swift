import Fluent
import JiliCore
import Vapor

/// The promotion ladder (`/promotion`): everyone reads the published criteria and a member their
/// progress to the next tier; managers approve or reject the month's proposals for their scope, in
/// bulk; the leader and the operations director edit the ladder and may run the evaluation now.
struct PromotionController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.promotion, use: page)
        routes.get(SiteURL.proposals, use: proposals)
        routes.post(SiteURL.proposals, use: decide)
        routes.post(SiteURL.evaluate, use: evaluate)
        routes.get(SiteURL.ladder, use: ladderForm)
        routes.post(SiteURL.ladder, use: saveLadder)
        routes.post(SiteURL.memberCases, use: openCase)
        routes.post(SiteURL.closeCase, use: closeCase)
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
        /// When the team sales in the measures were computed (``TeamFigures``).
        let teamComputed: String?
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
        return try await PromotionQueries(db: req.db).tierChanges(of: member).map { c in
            HistoryRow(text: req.t("promotion_change_\(c.reason)", ["from": req.t("tier_\(c.fromTier)"), "to": req.t("tier_\(c.toTier)"), "by": c.by]),
                       at: clock.format(c.at, "yyyy-MM-dd"))
        }
    }

    @Sendable func page(req: Request) async throws -> View {
        let account = try req.account
        let me = try await req.member(of: account)
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
            pending = try await PromotionQueries(db: req.db).decidableCount(account, me: me, period: req.application.jiliClock.currentPeriod.previous.description)
        }
        return try await req.view.render("promotion/index", Page(
            layout: Layout(req, title: req.t("promotion_title")), published: current != nil, steps: steps,
            warnings: current.map { $0.ladder.check().filter { $0.severity == .warning }.map { req.t($0.code, ["tier": req.t("tier_\($0.values["tier"] ?? "")")]) } } ?? [],
            tier: me.map { req.t("tier_\($0.tier)") }, next: progress?.next.map { req.t("tier_\($0)") },
            still: progress.flatMap { p in p.next == nil ? nil : LadderText.stillNeeded(p.measures, req.translate) },
            measures: Self.rows(progress?.measures ?? [], req),
            teamComputed: me == nil ? nil : try await TeamFigures(db: req.db, clock: req.application.jiliClock)
                .computedAt(req.application.jiliClock.currentPeriod.description)
                .map { req.t("promotion_team_computed", ["time": req.application.jiliClock.format($0, "MM-dd HH:mm")]) },
            keep: Self.rows(keep, req),
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
    }

    /// Proposals per page: a phone can take them.
    static let perPage = 100

    func renderProposals(_ req: Request) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let me = try await req.member(of: account)
        let clock = req.application.jiliClock
        let service = PromotionService(db: req.db, clock: clock)
        try await service.lapse()
        let period = clock.currentPeriod.previous.description
        let queries = PromotionQueries(db: req.db)
        let total = try await queries.decidableCount(account, me: me, period: period)
        let pages = max(1, (total + Self.perPage - 1) / Self.perPage)
        let pageNumber = min(max(1, req.query[Int.self, at: "page"] ?? 1), pages)
        let pending = try await queries.decidable(account, me: me, period: period, range: ((pageNumber - 1) * Self.perPage)..<(pageNumber * Self.perPage))
        let decided = try await queries.decided(period: period)
            .filter { PromotionPermissions.mayDecide(account, me: me, about: $0.member) }.prefix(50)
        let people = try await People.load(decided.map(\.decidedBy), on: req.db)
        func row(_ p: PromotionProposal) -> ProposalRow {
            ProposalRow(id: p.id!, member: p.member.name, code: p.member.code, from: req.t("tier_\(p.fromTier)"), to: req.t("tier_\(p.toTier)"),
                        promote: p.move == "promote",
                        measures: PromotionService.decode(p.measures).compactMap(LadderText.measure).map { LadderText.measured($0, req.translate) },
                        status: req.t("promotion_status_\(p.status)"),
                        decided: p.decidedAt.map { "\(people.name(p.decidedBy ?? "", req)) · \(clock.format($0))" + (p.note.isEmpty ? "" : " · \(p.note)") })
        }
        let evaluation = try await queries.evaluation(period: period)
        let page = ProposalsPage(
            layout: Layout(req, title: req.t("promotion_proposals_title")), period: period, effective: clock.currentPeriod.description,
            pending: pending.map(row), decided: decided.map(row), total: total, page: pageNumber, pages: pages,
            previous: pageNumber > 1 ? SiteURL.proposals(query: ["page": "\(pageNumber - 1)"]) : nil,
            next: pageNumber < pages ? SiteURL.proposals(query: ["page": "\(pageNumber + 1)"]) : nil,
            evaluated: evaluation.map { e in
                req.t(e.status == .done ? "promotion_evaluated" : "promotion_evaluating",
                      ["period": e.period, "members": "\(e.evaluated)", "proposed": "\(e.proposed)", "at": clock.format(e.finishedAt ?? e.startedAt)])
            },
            canEvaluate: PromotionPermissions.mayEditLadder(account.roleValue) && evaluation?.status != .done)
        return try await req.view.render("promotion/proposals", page).encodeResponse(for: req)
    }

    @Sendable func proposals(req: Request) async throws -> Response { try await renderProposals(req) }

    @Sendable func decide(req: Request) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let me = try await req.member(of: account)
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
            ? try await PromotionQueries(db: req.db).decidableIDs(account, me: me, period: req.application.jiliClock.currentPeriod.previous.description)
            : form.ids ?? []
        guard !ids.isEmpty else { throw Refusal(key: "promotion_error_none", field: "ids") }
        let note = String((form.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let count = try await PromotionService(db: req.db, clock: req.application.jiliClock)
            .decide(ids, approve: form.action == "approve", note: note, by: .account(account)) { PromotionPermissions.mayDecide(account, me: me, about: $0) }
        return req.redirect(back: SiteURL.proposals(), notice: form.action == "approve" ? "promotion_approved" : "promotion_rejected", ["n": "\(count)"])
    }

    @Sendable func evaluate(req: Request) async throws -> Response {
        _ = try req.account(if: PromotionPermissions.mayEditLadder)
        let clock = req.application.jiliClock
        guard let e = try await PromotionService(db: req.db, clock: clock).evaluate(period: clock.currentPeriod.previous) else {
            throw Refusal(key: "promotion_no_ladder", status: .conflict)
        }
        return req.redirect(to: SiteURL.proposals(), notice: "promotion_evaluated", ["period": e.period, "members": "\(e.evaluated)", "proposed": "\(e.proposed)",
                                                                                      "at": clock.format(e.finishedAt ?? clock.now())])
    }
}
