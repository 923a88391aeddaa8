import Fluent
import JiliCore
import Vapor

/// The promotion ladder under /api/v1, with the pages' permissions: everyone reads the tiers and
/// their criteria; a member's progress is read as their pay is; those who decide proposals list and
/// decide them for their scope.
struct PromotionAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(ApiTokenAuthenticator(), RequireApiClient())
        api.get("tiers", use: tiers)
        api.get("promotion", "progress", use: progress)
        api.get("promotion", "proposals", use: proposals)
        api.post("promotion", "proposals", "decide", use: decide)
    }

    struct CriterionDTO: Content {
        let kind: String
        /// Yuan (a decimal string) for the volumes, a whole number otherwise.
        let target: String
        let months: Int
        /// activeDirects: what each direct member must have sold, in yuan.
        let min_sales: String?
        let text: String
    }

    struct TierDTO: Content {
        let tier: String
        let reach: [CriterionDTO]
        let keep: [CriterionDTO]
    }

    struct LadderDTO: Content {
        let published: Bool
        let tiers: [TierDTO]
        let warnings: [String]
    }

    struct MeasureDTO: Content {
        let kind: String
        let target: String
        let months: Int
        let actual: String
        let met: Bool
        let shortfall: String
        let text: String
    }

    struct ProgressDTO: Content {
        let member: String
        let tier: String
        let next: String?
        let still_needed: String?
        let measures: [MeasureDTO]
        let keep: [MeasureDTO]
    }

    struct ProposalDTO: Content {
        let id: Int
        let period: String
        let member: String
        let from: String
        let to: String
        let move: String
        let status: String
        let measures: [MeasureDTO]
    }

    struct DecideDTO: Content {
        let ids: [Int]
        let action: String
        let note: String?
    }

    struct DecidedDTO: Content {
        let decided: Int
    }

    func value(_ c: Ladder.Criterion, _ v: Int64) -> String {
        [.personalVolume, .teamVolume].contains(c.kind) ? FixedPoint.format(v, scale: 2, minimumDecimals: 2) : "\(v)"
    }

    func dto(_ c: Ladder.Criterion, _ t: LadderText.T) -> CriterionDTO {
        CriterionDTO(kind: c.kind.rawValue, target: value(c, c.target), months: c.months,
                     min_sales: c.kind == .activeDirects ? FixedPoint.format(c.minSalesFen, scale: 2, minimumDecimals: 2) : nil,
                     text: LadderText.criterion(c, t))
    }

    func dto(_ m: Measure, _ t: LadderText.T) -> MeasureDTO {
        MeasureDTO(kind: m.criterion.kind.rawValue, target: value(m.criterion, m.criterion.target), months: m.criterion.months,
                   actual: value(m.criterion, m.actual), met: m.met, shortfall: value(m.criterion, m.shortfall), text: LadderText.measured(m, t))
    }

    @Sendable func tiers(req: Request) async throws -> LadderDTO {
        _ = try APIController.account(req) { _ in true }
        let t = APIController.english(req.application)
        guard let ladder = try await PromotionService(db: req.db, clock: req.application.jiliClock).current()?.ladder else {
            return LadderDTO(published: false, tiers: Tiers.ids.map { TierDTO(tier: $0, reach: [], keep: []) }, warnings: [])
        }
        return LadderDTO(published: true, tiers: ladder.steps.map { s in
            TierDTO(tier: s.tier, reach: s.reach.map { dto($0, t) }, keep: s.keep.map { dto($0, t) })
        }, warnings: ladder.check().filter { $0.severity == .warning }.map(\.message))
    }

    @Sendable func progress(req: Request) async throws -> ProgressDTO {
        let account = try APIController.account(req) { _ in true }
        let member = try await Permissions.payMember(req, account: account).member
        let t = APIController.english(req.application)
        let p = try await PromotionService(db: req.db, clock: req.application.jiliClock).progress(of: member)
        return ProgressDTO(member: member.code, tier: member.tier, next: p?.next, still_needed: p.flatMap { $0.next == nil ? nil : LadderText.stillNeeded($0.measures, t) },
                           measures: (p?.measures ?? []).map { dto($0, t) }, keep: (p?.keep ?? []).map { dto($0, t) })
    }

    @Sendable func proposals(req: Request) async throws -> [ProposalDTO] {
        let account = try APIController.account(req) { PromotionPermissions.mayDecide($0.roleValue) }
        let me = try await req.member(of: account)
        let clock = req.application.jiliClock
        try await PromotionService(db: req.db, clock: clock).lapse()
        let t = APIController.english(req.application)
        // The scope is in the query: a manager deep in a large team gets theirs (at most 5,000, what one decision takes).
        return try await PromotionQueries(db: req.db).decidable(account, me: me, period: clock.currentPeriod.previous.description, range: 0..<5_000)
            .map { p in
                ProposalDTO(id: p.id!, period: p.period, member: p.member.code, from: p.fromTier, to: p.toTier, move: p.move, status: p.status.rawValue,
                            measures: PromotionService.decode(p.measures).compactMap(LadderText.measure).map { dto($0, t) })
            }
    }

    @Sendable func decide(req: Request) async throws -> DecidedDTO {
        let account = try APIController.account(req) { PromotionPermissions.mayDecide($0.roleValue) }
        let me = try await req.member(of: account)
        let input = try req.content.decode(DecideDTO.self)
        guard ["approve", "reject"].contains(input.action) else { throw Abort(.unprocessableEntity, reason: "action: must be approve or reject") }
        guard !input.ids.isEmpty, input.ids.count <= 5_000 else { throw Abort(.unprocessableEntity, reason: "ids: give 1 to 5,000 proposal ids") }
        let note = String((input.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let n = try await PromotionService(db: req.db, clock: req.application.jiliClock)
            .decide(input.ids, approve: input.action == "approve", note: note, by: try APIController().actor(req)) { PromotionPermissions.mayDecide(account, me: me, about: $0) }
        return DecidedDTO(decided: n)
    }
}
