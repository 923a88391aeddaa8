import Fluent
import JiliCore
import Vapor

/// JSON under /api/v1 for API clients with a bearer token (created and revoked by the leader).
/// Lists are paged (`page`, `per` ≤ 200); creating an order or a refund with an existing id
/// returns the existing one (200) instead of creating another (201).
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1")
        api.get("openapi.json", use: openAPI)
        let secured = api.grouped(ApiTokenAuthenticator(), RequireApiClient())
        secured.get("members", use: members)
        secured.get("members", ":code", use: member)
        secured.post("members", use: createMember)
        secured.get("products", use: products)
        secured.get("products", ":code", use: product)
        secured.post("products", use: createProduct)
        secured.get("orders", use: orders)
        secured.get("orders", ":code", use: order)
        secured.post("orders", use: createOrder)
        secured.get("refunds", use: refunds)
        secured.get("refunds", ":code", use: refund)
        secured.post("refunds", use: createRefund)
    }

    @Sendable func openAPI(req: Request) async throws -> Response {
        let path = req.application.jiliConfig.home + "/Resources/openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.notFound) }
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = .json
        return response
    }

    /// `page` ≥ 1 and 1 ≤ `per` ≤ 200, as documented; anything else is a 400 that says so. Pages
    /// beyond the millionth are read as the millionth (empty), so no offset can overflow.
    func paging(_ req: Request) throws -> (page: Int, per: Int) {
        let page = try req.query.get(Int?.self, at: "page") ?? 1
        let per = try req.query.get(Int?.self, at: "per") ?? 50
        guard page >= 1 else { throw Abort(.badRequest, reason: "page: must be at least 1") }
        guard (1...200).contains(per) else { throw Abort(.badRequest, reason: "per: must be from 1 to 200") }
        return (min(page, 1_000_000), per)
    }

    func actor(_ req: Request) throws -> Actor {
        guard let client = req.auth.get(ApiClient.self) else { throw Abort(.unauthorized) }
        return .api(client)
    }

    /// The token's account, when its role may do what is asked (else 403): a token has the
    /// permissions of the account it acts as. The lists of the whole team are for the roles that
    /// see the whole team on the pages; writes are for the roles that may import the same data.
    static func account(_ req: Request, _ allowed: (Account) -> Bool) throws -> Account {
        guard let client = req.auth.get(ApiClient.self) else { throw Abort(.unauthorized) }
        guard allowed(client.account) else { throw Abort(.forbidden, reason: "the token's account (\(client.account.role)) may not do this") }
        return client.account
    }

    static func seesAllMembers(_ a: Account) -> Bool { if case .all? = Permissions.memberScope(a, member: nil) { return true }; return false }
    static func seesAllOrders(_ a: Account) -> Bool { if case .all? = Permissions.orderScope(a, member: nil) { return true }; return false }

    /// The English catalogue as a function of a key and its values: the API's messages.
    static func english(_ app: Application) -> (String, [String: String]) -> String {
        let table = app.catalog.table("en")
        return { key, values in values.reduce(table[key] ?? key) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) } }
    }

    func refused(_ r: Refusal, _ req: Request) -> Abort {
        Abort(.unprocessableEntity, reason: r.english(req.application))
    }

    // MARK: Members

    func dto(_ m: Member, codes: [Int: String]) -> MemberDTO {
        MemberDTO(id: m.code, name: m.name, sponsor_id: m.$sponsor.id.flatMap { codes[$0] }, tier: m.tier, status: m.status.rawValue,
                  joined_at: m.joinedAt, department_id: m.$department.id, position_id: m.$position.id)
    }

    @Sendable func members(req: Request) async throws -> Page<MemberDTO> {
        _ = try Self.account(req, Self.seesAllMembers)
        let (page, per) = try paging(req)
        var filter = TeamQueries.MemberFilter()
        if let tier = req.query[String.self, at: "tier"] {
            guard Tiers.ids.contains(tier) else { throw Abort(.badRequest, reason: "tier: one of \(Tiers.ids.joined(separator: ", "))") }
            filter.tier = tier
        }
        if let status = req.query[String.self, at: "status"] {
            guard let status = MemberStatus(rawValue: status) else { throw Abort(.badRequest, reason: "status: one of active, inactive, left") }
            filter.status = status
        }
        let queries = TeamQueries(db: req.db)
        let (total, items) = try await queries.members(in: .all, filter, page: page, perPage: per)
        let codes = try await queries.codes(items.compactMap { $0.$sponsor.id })
        return Page(items: items.map { dto($0, codes: codes) }, page: page, per: per, total: total)
    }

    @Sendable func member(req: Request) async throws -> MemberDTO {
        _ = try Self.account(req, Self.seesAllMembers)
        guard let m = try await TeamQueries(db: req.db).member(code: req.parameters.get("code") ?? "") else {
            throw Abort(.notFound, reason: "no member \(req.parameters.get("code") ?? "")")
        }
        return dto(m, codes: m.sponsor.map { [$0.id!: $0.code] } ?? [:])
    }

    @Sendable func createMember(req: Request) async throws -> Response {
        _ = try Self.account(req, { ImportExportPermissions.mayImport($0.roleValue, .members) })
        let input = try req.content.decode(NewMemberDTO.self)
        do {
            guard let status = MemberStatus(rawValue: input.status ?? "active") else { throw Refusal(key: "member_error_status", field: "status") }
            let m = try await MemberService(db: req.db, clock: req.application.jiliClock).add(code: input.id, .init(
                name: input.name, phone: input.phone, sponsorCode: input.sponsor_id, tier: input.tier, status: status,
                departmentID: nil, positionID: nil), by: try actor(req))
            return try await dto(m, codes: m.$sponsor.id.map { [$0: input.sponsor_id ?? ""] } ?? [:]).encodeResponse(status: .created, for: req)
        } catch let r as Refusal {
            throw refused(r, req)
        }
    }

    // MARK: Products

    @Sendable func products(req: Request) async throws -> Page<ProductDTO> {
        let (page, per) = try paging(req)
        let (total, items) = try await CommerceQueries(db: req.db).products(page: page, perPage: per)
        return Page(items: items.map(ProductDTO.init), page: page, per: per, total: total)
    }

    @Sendable func product(req: Request) async throws -> ProductDTO {
        guard let p = try await CommerceQueries(db: req.db).product(code: req.parameters.get("code") ?? "") else {
            throw Abort(.notFound, reason: "no product \(req.parameters.get("code") ?? "")")
        }
        return ProductDTO(p)
    }

    @Sendable func createProduct(req: Request) async throws -> Response {
        _ = try Self.account(req, { CommercePermissions.mayEditCatalogue($0.roleValue) })
        let input = try req.content.decode(NewProductDTO.self)
        guard !input.id.isEmpty, !input.name.isEmpty, ProductService.categories.contains(input.category),
              let status = Product.Status(rawValue: input.status ?? "active") else {
            throw Abort(.unprocessableEntity, reason: "id and name are needed; category is one of \(ProductService.categories.joined(separator: ", ")); status active or inactive")
        }
        guard case .success(let price) = FixedPoint.parse(input.price, scale: 2), price >= 0, price <= OrderService.maximumFen else { throw Abort(.unprocessableEntity, reason: "price \"\(input.price)\" is not an amount") }
        guard case .success(let cost) = FixedPoint.parse(input.cost, scale: 2), cost >= 0, cost <= OrderService.maximumFen else { throw Abort(.unprocessableEntity, reason: "cost \"\(input.cost)\" is not an amount") }
        do {
            let p = try await ProductService(db: req.db, clock: req.application.jiliClock)
                .create(code: input.id, .init(name: input.name, category: input.category, priceFen: price, costFen: cost, status: status), by: try actor(req))
            return try await ProductDTO(p).encodeResponse(status: .created, for: req)
        } catch let r as Refusal where r.key == "product_error_code" {
            throw Abort(.conflict, reason: "product \(input.id) exists")
        }
    }

    // MARK: Orders

    func dto(_ o: Order, seller: String) -> OrderDTO {
        OrderDTO(id: o.code, member_id: seller, paid_at: o.paidAt, amount: Money(fen: o.amountFen).description, cost: Money(fen: o.costFen).description,
                 refunded: Money(fen: o.refundedFen).description, category: o.category,
                 lines: o.$lines.value.map { $0.map { OrderLineDTO(product_id: $0.product.code, quantity: $0.quantity, price: Money(fen: $0.priceFen).description) } } ?? [])
    }

    @Sendable func orders(req: Request) async throws -> Page<OrderDTO> {
        _ = try Self.account(req, Self.seesAllOrders)
        let (page, per) = try paging(req)
        let month = req.query[String.self, at: "month"]
        if let month, Period(parsing: month) == nil { throw Abort(.badRequest, reason: "month \"\(month)\" is not YYYY-MM") }
        let (total, items) = try await CommerceQueries(db: req.db).orders(month: month, seller: req.query[String.self, at: "member"], page: page, perPage: per)
        return Page(items: try items.map { dto($0, seller: try $0.joined(Member.self).code) }, page: page, per: per, total: total)
    }

    @Sendable func order(req: Request) async throws -> OrderDTO {
        _ = try Self.account(req, Self.seesAllOrders)
        guard let o = try await CommerceQueries(db: req.db).order(code: req.parameters.get("code") ?? "") else { throw Abort(.notFound, reason: "no order \(req.parameters.get("code") ?? "")") }
        return dto(o, seller: o.member.code)
    }

    @Sendable func createOrder(req: Request) async throws -> Response {
        _ = try Self.account(req, { ImportExportPermissions.mayImport($0.roleValue, .orders) || $0.roleValue == .customerService })
        let input = try req.content.decode(NewOrderDTO.self)
        let queries = CommerceQueries(db: req.db)
        guard let seller = try await TeamQueries(db: req.db).member(code: input.member_id) else {
            throw Abort(.unprocessableEntity, reason: "member_id: no member \(input.member_id)")
        }
        guard (1...OrderService.maximumLines).contains(input.lines.count) else {
            throw Abort(.unprocessableEntity, reason: "lines: from 1 to \(OrderService.maximumLines) lines")
        }
        var lines: [OrderService.LineInput] = []
        for (i, line) in input.lines.enumerated() {
            guard let p = try await queries.product(code: line.product_id) else {
                throw Abort(.unprocessableEntity, reason: "lines[\(i)].product_id: no product \(line.product_id)")
            }
            guard (1...10_000).contains(line.quantity) else { throw Abort(.unprocessableEntity, reason: "lines[\(i)].quantity: from 1 to 10000") }
            lines.append(.init(productID: p.id!, quantity: line.quantity))
        }
        do {
            let (order, created) = try await OrderService(db: req.db, clock: req.application.jiliClock)
                .create(code: input.id, seller: seller, customerID: nil, lines: lines, paidAt: input.paid_at, by: try actor(req))
            try await queries.loadLines(of: order)
            let owner = order.$member.id == seller.id ? seller.code : (try await TeamQueries(db: req.db).member(order.$member.id))?.code ?? ""
            return try await dto(order, seller: owner).encodeResponse(status: created ? .created : .ok, for: req)
        } catch let r as Refusal {
            throw refused(r, req)
        }
    }

    // MARK: Refunds

    func dto(_ r: Refund, order: String) -> RefundDTO {
        RefundDTO(id: r.code, order_id: order, refunded_at: r.refundedAt, amount: Money(fen: r.amountFen).description)
    }

    @Sendable func refunds(req: Request) async throws -> Page<RefundDTO> {
        _ = try Self.account(req, Self.seesAllOrders)
        let (page, per) = try paging(req)
        let (total, items) = try await CommerceQueries(db: req.db).refunds(order: req.query[String.self, at: "order"], page: page, perPage: per)
        return Page(items: try items.map { dto($0, order: try $0.joined(Order.self).code) }, page: page, per: per, total: total)
    }

    @Sendable func refund(req: Request) async throws -> RefundDTO {
        _ = try Self.account(req, Self.seesAllOrders)
        guard let r = try await CommerceQueries(db: req.db).refund(code: req.parameters.get("code") ?? "") else {
            throw Abort(.notFound, reason: "no refund \(req.parameters.get("code") ?? "")")
        }
        return dto(r, order: r.order.code)
    }

    @Sendable func createRefund(req: Request) async throws -> Response {
        _ = try Self.account(req, { CommercePermissions.mayRefund($0.roleValue) })
        let input = try req.content.decode(NewRefundDTO.self)
        let queries = CommerceQueries(db: req.db)
        guard let order = try await queries.order(code: input.order_id) else {
            throw Abort(.unprocessableEntity, reason: "order_id: no order \(input.order_id)")
        }
        guard case .success(let fen) = FixedPoint.parse(input.amount, scale: 2) else {
            throw Abort(.unprocessableEntity, reason: "amount: \"\(input.amount)\" is not an amount (yuan, at most 2 decimals)")
        }
        let existed = try await input.id.asyncMap { try await queries.refund(code: $0) } ?? nil
        do {
            let r = try await OrderService(db: req.db, clock: req.application.jiliClock)
                .refund(order: order, amountFen: fen, at: input.refunded_at, code: input.id, by: try actor(req))
            return try await dto(r, order: order.code).encodeResponse(status: existed == nil ? .created : .ok, for: req)
        } catch let r as Refusal {
            throw refused(r, req)
        }
    }
}

extension Optional {
    func asyncMap<T>(_ body: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await body(value)
    }
}
