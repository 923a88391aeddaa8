import Fluent
import JiliCore
import Vapor

/// Points and rewards under /api/v1 with the pages' permissions (a token acts as its account): a
/// member's points (their own, or those whose pay the account may read), the catalogue, one's
/// redemptions, redeeming and cancelling.
struct RewardAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(ApiTokenAuthenticator(), RequireApiClient())
        api.get("points", use: points)
        api.get("rewards", use: rewards)
        api.get("redemptions", use: redemptions)
        api.post("redemptions", use: redeem)
        api.post("redemptions", ":id", "cancel", use: cancel)
    }

    struct PointsLineDTO: Content {
        let at: Date
        let kind: String
        let points: Int64
        let reference: String
        let reason: String
    }

    struct ExpiryDTO: Content {
        let at: Date
        let points: Int64
    }

    struct PointsDTO: Content {
        let member: String
        let balance: Int64
        let debt: Int64
        let expiring: [ExpiryDTO]
        let history: [PointsLineDTO]
    }

    struct RewardItemDTO: Content {
        let id: Int
        let name: String
        let kind: String
        let description: String
        let price: Int64
        /// Units that can still be redeemed; null when no stock is kept.
        let available: Int?
        let needs_approval: Bool

        /// `available` is written as null when no stock is kept (the document requires the field).
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(kind, forKey: .kind)
            try c.encode(description, forKey: .description)
            try c.encode(price, forKey: .price)
            try c.encode(available, forKey: .available)
            try c.encode(needs_approval, forKey: .needs_approval)
        }
    }

    struct RedemptionDTO: Content {
        let id: Int
        let member: String
        let item: Int
        let points: Int64
        let status: String
        let created_at: Date
    }

    struct NewRedemptionDTO: Content {
        let item: Int
    }

    func account(_ req: Request) throws -> Account { try APIController.account(req) { _ in true } }


    @Sendable func points(req: Request) async throws -> PointsDTO {
        let member = try await Permissions.payMember(req, account: try account(req)).member
        let clock = req.application.jiliClock
        var account = try await PointsLedger(db: req.db, clock: clock).account(member.id!)
        let now = PointsLedger.instant(clock.now())
        account.expire(upTo: now)
        let t = APIController.english(req.application)
        let lines = try await PointsQueries(db: req.db).movements(of: member, oldestFirst: true)
        return PointsDTO(member: member.code, balance: account.balance, debt: account.debt,
                         expiring: account.nextExpiries(after: now, limit: 12).map { ExpiryDTO(at: PointsLedger.date($0.at), points: $0.points) },
                         history: lines.map { PointsLineDTO(at: $0.at, kind: $0.kind, points: $0.points, reference: $0.reference, reason: PointsController.text($0, t)) })
    }

    @Sendable func rewards(req: Request) async throws -> [RewardItemDTO] {
        _ = try account(req)
        return try await PointsQueries(db: req.db).catalogue().map {
            RewardItemDTO(id: $0.id!, name: $0.name, kind: $0.kind, description: $0.text, price: $0.price, available: $0.available.map { max(0, $0) },
                          needs_approval: $0.needsApproval)
        }
    }

    func dto(_ r: Redemption) -> RedemptionDTO {
        RedemptionDTO(id: r.id!, member: r.member.code, item: r.$item.id, points: r.points, status: r.status.rawValue, created_at: r.createdAt)
    }

    /// One's own redemptions.
    @Sendable func redemptions(req: Request) async throws -> [RedemptionDTO] {
        guard let me = try await req.member(of: try account(req)) else { return [] }
        return try await PointsQueries(db: req.db).redemptions(of: me, oldestFirst: true).map(dto)
    }

    @Sendable func redeem(req: Request) async throws -> Response {
        let account = try account(req)
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden, reason: "the token's account is not a member") }
        let input = try req.content.decode(NewRedemptionDTO.self)
        guard let item = try await PointsQueries(db: req.db).item(input.item) else { throw Abort(.unprocessableEntity, reason: "item: there is no reward \(input.item)") }
        do {
            let r = try await RewardService(db: req.db, clock: req.application.jiliClock).redeem(item, for: me, by: try APIController().actor(req))
            r.$member.value = me
            return try await dto(r).encodeResponse(status: .created, for: req)
        } catch let r as Refusal {
            throw APIController().refused(r, req)
        }
    }

    @Sendable func cancel(req: Request) async throws -> RedemptionDTO {
        let account = try account(req)
        guard let me = try await req.member(of: account),
              let r = try await PointsQueries(db: req.db).redemption(req.parameters.get("id", as: Int.self)),
              r.$member.id == me.id else { throw Abort(.notFound) }
        do {
            try await RewardService(db: req.db, clock: req.application.jiliClock).undo(r, to: .cancelled, by: try APIController().actor(req))
            return dto(r)
        } catch let refusal as Refusal {
            throw APIController().refused(refusal, req)
        }
    }
}
