import Fluent
import JiliCore
import Vapor

/// The rewards catalogue (`/rewards`, 积分兑换): members redeem and follow their redemptions; the leader
/// and the operations director add items; `/rewards/redemptions` is the queue of those who approve
/// (the leader, the director, managers for their scope) and hand over (the warehouse products and
/// prizes, finance cash, the leader and the director anything).
struct RewardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.rewards, use: catalogue)
        routes.post(SiteURL.rewards, use: create)
        routes.post(SiteURL.redeem, use: redeem)
        routes.get(SiteURL.redemptions, use: queue)
        routes.post(SiteURL.approveRedemption, use: approve)
        routes.post(SiteURL.declineRedemption, use: decline)
        routes.post(SiteURL.handOver, use: handOver)
        routes.post(SiteURL.cancelRedemption, use: cancel)
    }

    func service(_ req: Request) -> RewardService { RewardService(db: req.db, clock: req.application.jiliClock) }

    struct ItemRow: Encodable {
        let id: Int
        let name: String
        let kind: String
        /// nil when empty: Leaf's `#if` is true for an empty string.
        let text: String?
        let price: Int64
        let left: String?
        let soldOut: Bool
        let affordable: Bool
        let approval: Bool
    }

    struct RedemptionRow: Encodable {
        let id: Int
        let item: String
        let member: String
        let points: Int64
        let status: String
        let at: String
        let canCancel: Bool
        let canApprove: Bool
        let canHandOver: Bool
    }

    struct Page: Encodable {
        let layout: Layout
        let balance: Int64?
        let items: [ItemRow]
        let mine: [RedemptionRow]
        let canEdit: Bool
        let canQueue: Bool
        let error: String?
    }

    func row(_ r: Redemption, account: Account, me: Member?, _ req: Request) -> RedemptionRow {
        let clock = req.application.jiliClock
        let open = [.requested, .approved].contains(r.status)
        let inScope = Permissions.memberScope(account, member: me)?.contains(r.member) ?? false
        return RedemptionRow(id: r.id!, item: r.item.name, member: "\(r.member.name) (\(r.member.code))", points: r.points,
                             status: req.t("reward_status_\(r.status)"), at: clock.format(r.createdAt),
                             canCancel: open && r.$member.id == me?.id,
                             canApprove: r.status == .requested && RewardPermissions.mayApproveAny(account.roleValue) && inScope,
                             canHandOver: r.status == .approved && RewardPermissions.mayHandOver(account.roleValue, kind: r.item.kind))
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        var balance: Int64?
        if let me {
            var points = try await PointsLedger(db: req.db, clock: req.application.jiliClock).account(me.id!)
            points.expire(upTo: PointsLedger.instant(req.application.jiliClock.now()))
            balance = points.balance
        }
        let queries = PointsQueries(db: req.db)
        var items = try await queries.catalogue()
        // Ordered by what motivates the member most (then by price), when they have said.
        if let me, let profile = try await RecognitionQueries(db: req.db).motivation(of: me) {
            items = items.enumerated().sorted { (profile.score(ofRewardKind: $1.element.kind), $0.offset) < (profile.score(ofRewardKind: $0.element.kind), $1.offset) }.map(\.element)
        }
        let mine = me == nil ? [] : try await queries.redemptions(of: me!, limit: 50)
        return try await req.view.render("points/catalogue", Page(
            layout: Layout(req, title: req.t("rewards_title")), balance: balance,
            items: items.map { i in
                ItemRow(id: i.id!, name: i.name, kind: req.t("reward_kind_\(i.kind)"), text: i.text.isEmpty ? nil : i.text, price: i.price,
                        left: i.available.map { req.t("rewards_left", ["count": "\($0)"]) }, soldOut: (i.available ?? 1) <= 0,
                        affordable: (balance ?? 0) >= i.price, approval: i.needsApproval)
            },
            mine: mine.map { row($0, account: account, me: me, req) }, canEdit: RewardPermissions.mayEdit(account.roleValue),
            canQueue: RewardPermissions.maySeeQueue(account.roleValue), error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func catalogue(req: Request) async throws -> Response { try await render(req) }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account(if: RewardPermissions.mayEdit)
        let f = try req.content.decode([String: String].self)
        let form = RewardService.ItemForm(name: f["name"] ?? "", kind: f["kind"] ?? "", text: f["text"] ?? "", price: f["price"] ?? "",
                                          stock: f["stock"] ?? "", needsApproval: f["approval"] != nil, productCode: f["product"] ?? "",
                                          cash: f["cash"] ?? "", days: f["days"] ?? "", trainingPriority: f["training_priority"] != nil)
        let item = try await service(req).create(try form.parsed(), by: .account(account))
        return req.redirect(to: SiteURL.rewards(), notice: "rewards_added", ["name": item.name])
    }

    @Sendable func redeem(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        guard let item = try await PointsQueries(db: req.db).item(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let r = try await service(req).redeem(item, for: me, by: .account(account))
        return req.redirect(to: SiteURL.rewards(), notice: r.status == .requested ? "rewards_requested" : "rewards_redeemed", ["name": item.name])
    }

    // MARK: The queue

    struct QueuePage: Encodable {
        let layout: Layout
        let rows: [RedemptionRow]
        let error: String?
    }

    func renderQueue(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account(if: RewardPermissions.maySeeQueue)
        let me = try await req.member(of: account)
        let scope = [.salesManager, .departmentManager].contains(account.roleValue) ? Permissions.memberScope(account, member: me) : nil
        let rows = try await PointsQueries(db: req.db).redemptionsWaiting(in: scope).map { row($0, account: account, me: me, req) }
        return try await req.view.render("points/redemptions", QueuePage(layout: Layout(req, title: req.t("rewards_queue_title")), rows: rows, error: error))
            .encodeResponse(status: status, for: req)
    }

    @Sendable func queue(req: Request) async throws -> Response { try await renderQueue(req) }

    func redemption(_ req: Request) async throws -> Redemption {
        guard let r = try await PointsQueries(db: req.db).redemption(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        return r
    }

    /// Runs a step of the queue and shows the queue again, or the refusal.
    func step(_ req: Request, _ change: () async throws -> Void) async throws -> Response {
        try await change()
        return req.redirect(to: SiteURL.redemptions())
    }

    func mayApprove(_ req: Request, _ r: Redemption) async throws -> Account {
        let account = try req.account(if: RewardPermissions.mayApproveAny)
        let me = try await req.member(of: account)
        guard Permissions.memberScope(account, member: me)?.contains(r.member) ?? false else { throw Abort(.notFound) }
        return account
    }

    @Sendable func approve(req: Request) async throws -> Response {
        let r = try await redemption(req)
        let account = try await mayApprove(req, r)
        return try await step(req) { try await service(req).approve(r, by: .account(account)) }
    }

    @Sendable func decline(req: Request) async throws -> Response {
        let r = try await redemption(req)
        let account = try await mayApprove(req, r)
        return try await step(req) { try await service(req).undo(r, to: .declined, by: .account(account)) }
    }

    @Sendable func handOver(req: Request) async throws -> Response {
        let r = try await redemption(req)
        let account = try req.account { RewardPermissions.mayHandOver($0, kind: r.item.kind) }
        return try await step(req) { try await service(req).handOver(r, by: .account(account)) }
    }

    /// The member cancels their own redemption before it is handed over.
    @Sendable func cancel(req: Request) async throws -> Response {
        let account = try req.account
        let r = try await redemption(req)
        guard let me = try await req.member(of: account), r.$member.id == me.id else { throw Abort(.notFound) }
        do {
            try await service(req).undo(r, to: .cancelled, by: .account(account))
            return req.redirect(to: SiteURL.rewards(), notice: "rewards_cancelled", ["name": r.item.name])
        } catch let refusal as Refusal {
            return try await render(req, error: req.t(refusal.key, refusal.values), status: .unprocessableEntity)
        }
    }
}
