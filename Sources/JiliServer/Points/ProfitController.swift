import Fluent
import JiliCore
import Vapor

/// Profit sharing (`/profit`, 分红): the leader, the operations director and finance create pools and
/// read them; a member reads what they have accrued, what has vested and what was forfeited.
struct ProfitController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.profit, use: page)
        routes.post(SiteURL.profit, use: create)
    }


    struct PoolRow: Encodable {
        let name: String
        let window: String
        let total: String
        let basis: String
        let members: Int
    }

    struct PartRow: Encodable {
        let pool: String
        let due: String
        let amount: String
        let status: String
    }

    struct Page: Encodable {
        let layout: Layout
        let pools: [PoolRow]
        let canCreate: Bool
        let tiers: [SelectOption]
        let accrued: String?
        let vested: String?
        let parts: [PartRow]
        let error: String?
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let canCreate = ProfitPermissions.mayCreate(account.roleValue)
        var pools: [PoolRow] = []
        if canCreate {
            for (p, count) in try await PointsQueries(db: req.db).pools() {
                let basis = p.basis == .fixed ? req.t("profit_basis_fixed")
                    : req.t("profit_basis_rate", ["rate": FixedPoint.format(p.rateBasisPoints, scale: 2, minimumDecimals: 0), "profit": Money(fen: max(0, p.salesFen - p.costFen - p.payFen)).display])
                pools.append(PoolRow(name: p.name, window: p.window, total: Money(fen: p.totalFen).display, basis: basis + " · " + req.t("profit_weight_\(p.weight)"), members: count))
            }
        }
        var parts: [ProfitInstallment] = []
        if let me { parts = try await PointsQueries(db: req.db).installments(of: me) }
        let accrued = parts.reduce(Int64(0)) { $0 + $1.amountFen }, vested = parts.filter { $0.status == .paid }.reduce(Int64(0)) { $0 + $1.amountFen }
        return try await req.view.render("points/profit", Page(
            layout: Layout(req, title: req.t("profit_title")), pools: pools, canCreate: canCreate,
            tiers: Tiers.ids.map { SelectOption(value: $0, label: req.t("tier_\($0)")) },
            accrued: me == nil ? nil : Money(fen: accrued).display, vested: me == nil ? nil : Money(fen: vested).display,
            parts: parts.map { PartRow(pool: "\($0.share.pool.name) (\($0.share.pool.window))", due: $0.due, amount: Money(fen: $0.amountFen).display,
                                       status: req.t("profit_status_\($0.status)")) },
            error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func page(req: Request) async throws -> Response { try await render(req) }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account(if: ProfitPermissions.mayCreate)
        let f = try req.content.decode([String: String].self)
        let input = try ProfitService.Form(
            name: f["name"] ?? "", window: f["window"] ?? "", basis: f["basis"] ?? "", rate: f["rate"] ?? "", fixed: f["fixed"] ?? "",
            weight: f["weight"] ?? "", tiers: Tiers.ids.filter { f["tier_\($0)"] != nil }, months: f["months"] ?? "").parsed()
        let pool = try await ProfitService(db: req.db, clock: req.application.jiliClock).create(input, by: .account(account))
        return req.redirect(to: SiteURL.profit(), notice: "profit_created", ["name": pool.name, "total": Money(fen: pool.totalFen).display])
    }
}
