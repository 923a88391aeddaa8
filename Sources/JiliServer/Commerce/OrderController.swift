import Fluent
import JiliCore
import Vapor

/// The order list (by month, member or subtree, with totals), an order's page with its refunds,
/// entering an order, and refunding.
struct OrderController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.orders, use: list)
        routes.get(SiteURL.newOrder, use: newForm)
        routes.post(SiteURL.orders, use: create)
        routes.get(SiteURL.order, use: show)
        routes.post(SiteURL.refunds, use: refund)
    }

    static func scope(_ req: Request) async throws -> (MemberScope, Member?, Account) {
        let account = try req.account
        let me = try await req.member(of: account)
        guard let scope = Permissions.orderScope(account, member: me) else { throw Abort(.forbidden) }
        return (scope, me, account)
    }

    struct Row: Encodable {
        let code: String
        let paid: String
        let seller: String
        let sellerCode: String
        /// Whether the viewer may open the seller's page (the warehouse sees every order, no member).
        let sellerLink: Bool
        let amount: String
        let refunded: String?
        let net: String
    }

    struct ListPage: Encodable {
        let layout: Layout
        let month: String
        let member: String
        let subtree: Bool
        let rows: [Row]
        let count: Int
        let amount: String
        let refunded: String
        let net: String
        let canEnter: Bool
        let page: Int
        let pages: Int
        let previous: String?
        let next: String?
    }

    @Sendable func list(req: Request) async throws -> View {
        let (scope, me, account) = try await Self.scope(req)
        let clock = req.application.jiliClock
        let monthText = req.query[String.self, at: "month"] ?? clock.currentPeriod.description
        guard let month = Period(parsing: monthText) else { throw Abort(.badRequest, reason: "month") }
        let memberCode = (req.query[String.self, at: "member"] ?? "").trimmingCharacters(in: .whitespaces)
        let subtree = req.query[String.self, at: "subtree"] == "1"
        let page = min(max(1, req.query[Int.self, at: "page"] ?? 1), 1_000_000)

        var member: Member?
        if !memberCode.isEmpty {
            guard let m = try await TeamQueries(db: req.db).member(code: memberCode), scope.contains(m) else { throw Abort(.notFound) }
            member = m
        }
        let (total, amount, refunded) = try await TeamQueries(db: req.db).orderTotals(period: month.description, scope: scope, member: member, subtree: subtree)
        let perPage = 50
        let orders = try await CommerceQueries(db: req.db).orders(month: month.description, scope: scope, member: member, subtree: subtree,
                                                                 page: page, perPage: perPage)
        let rows = try orders.map { o in
            let seller = try o.joined(Member.self)
            return Row(code: o.code, paid: clock.format(o.paidAt, "MM-dd HH:mm"), seller: seller.name, sellerCode: seller.code,
                       sellerLink: Permissions.memberScope(account, member: me)?.contains(seller) ?? false,
                       amount: Money(fen: o.amountFen).display, refunded: o.refundedFen > 0 ? Money(fen: o.refundedFen).display : nil,
                       net: Money(fen: o.amountFen - o.refundedFen).display)
        }
        let pages = max(1, (total + perPage - 1) / perPage)
        func link(_ p: Int) -> String {
            SiteURL.orders(query: ["month": month.description, "page": "\(p)", "member": memberCode.isEmpty ? nil : memberCode, "subtree": subtree ? "1" : nil])
        }
        return try await req.view.render("commerce/orders", ListPage(
            layout: Layout(req, title: req.t("orders_title")), month: month.description, member: memberCode, subtree: subtree,
            rows: rows, count: total, amount: Money(fen: amount).display, refunded: Money(fen: refunded).display,
            net: Money(fen: amount - refunded).display,
            canEnter: me.map { CommercePermissions.mayEnterOrder(account, me: me, seller: $0) } ?? (account.roleValue == .customerService),
            page: page, pages: pages, previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil))
    }

    /// Limits orders (joined with their seller) to the viewer's scope, and to one member or their subtree.
    struct LineRow: Encodable {
        let product: String
        let quantity: Int
        let price: String
        let total: String
    }

    struct RefundRow: Encodable {
        let code: String
        let at: String
        let amount: String
    }

    struct OrderPage: Encodable {
        let layout: Layout
        let code: String
        let paid: String
        let seller: String
        let sellerCode: String
        let sellerLink: Bool
        let customer: String?
        let lines: [LineRow]
        let amount: String
        let refunded: String
        let left: String
        let refunds: [RefundRow]
        let canRefund: Bool
        let leftYuan: String
        let error: String?
    }

    @Sendable func show(req: Request) async throws -> View {
        try await renderOrder(req, error: nil)
    }

    func renderOrder(_ req: Request, error: String?, status: HTTPStatus = .ok) async throws -> View {
        let (scope, _, account) = try await Self.scope(req)
        let code = req.parameters.get("code") ?? ""
        let queries = CommerceQueries(db: req.db)
        guard let order = try await queries.order(code: code), scope.contains(order.member) else { throw Abort(.notFound) }
        let refunds = try await queries.refunds(of: order)
        let clock = req.application.jiliClock
        let left = order.amountFen - order.refundedFen
        return try await req.view.render("commerce/order", OrderPage(
            layout: Layout(req, title: "\(req.t("order_title")) \(order.code)"), code: order.code,
            paid: clock.format(order.paidAt), seller: order.member.name, sellerCode: order.member.code,
            sellerLink: Permissions.memberScope(account, member: try await req.member(of: account))?.contains(order.member) ?? false,
            customer: order.customer?.name,
            lines: order.lines.map { LineRow(product: $0.product.name, quantity: $0.quantity, price: Money(fen: $0.priceFen).display,
                                             total: Money(fen: $0.priceFen * Int64($0.quantity)).display) },
            amount: Money(fen: order.amountFen).display, refunded: Money(fen: order.refundedFen).display, left: Money(fen: left).display,
            refunds: refunds.map { RefundRow(code: $0.code, at: clock.format($0.refundedAt), amount: Money(fen: $0.amountFen).display) },
            canRefund: CommercePermissions.mayRefund(account.roleValue) && left > 0, leftYuan: Money(fen: left).description, error: error))
    }

    struct RefundForm: Content {
        var amount: String
    }

    @Sendable func refund(req: Request) async throws -> Response {
        let (scope, _, account) = try await Self.scope(req)
        guard CommercePermissions.mayRefund(account.roleValue) else { throw Abort(.forbidden) }
        let code = req.parameters.get("code") ?? ""
        guard let order = try await CommerceQueries(db: req.db).order(code: code), scope.contains(order.member) else { throw Abort(.notFound) }
        let form = try req.content.decode(RefundForm.self)
        guard case .success(let fen) = FixedPoint.parse(form.amount, scale: 2) else {
            return try await renderOrder(req, error: req.t("refund_error_not_amount", ["value": form.amount]), status: .unprocessableEntity)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        do {
            _ = try await OrderService(db: req.db, clock: req.application.jiliClock).refund(order: order, amountFen: fen, at: nil, code: nil, by: .account(account))
        } catch let refusal as Refusal {
            return try await renderOrder(req, error: req.t(refusal.key, refusal.values)).encodeResponse(status: .unprocessableEntity, for: req)
        }
        return req.redirect(to: SiteURL.order(order.code))
    }

    struct ProductOption: Encodable {
        let id: Int
        let label: String
        var selected = false
    }

    struct SellerOption: Encodable {
        let code: String
        let label: String
        let selected: Bool
    }

    /// One line of the form: its products (the one chosen marked), the quantity as typed, its reason.
    struct Slot: Encodable {
        let index: Int
        let number: Int
        let products: [ProductOption]
        let quantity: String
        let error: String?
    }

    struct NewPage: Encodable {
        let layout: Layout
        let sellers: [SellerOption]
        let customers: [ProductOption]
        let slots: [Slot]
        let error: String?
    }

    @Sendable func newForm(req: Request) async throws -> View {
        try await renderNew(req, error: nil)
    }

    /// The form, empty or as it was typed (`form`), with each line's reason (`problems`, by line index).
    func renderNew(_ req: Request, error: String?, form: NewOrderForm? = nil, problems: [Int: String] = [:]) async throws -> View {
        let (scope, me, account) = try await Self.scope(req)
        let sellers: [Member]
        switch account.roleValue {
        case .agent: sellers = me.map { [$0] } ?? []
        case .finance, .trainer, .warehouse: throw Abort(.forbidden)
        default: sellers = try await CommerceQueries(db: req.db).sellers(in: scope)
        }
        guard !sellers.isEmpty else { throw Abort(.forbidden) }
        let products = try await CommerceQueries(db: req.db).activeProducts()
        let customers = try await CommerceQueries(db: req.db).customers(in: scope)
        let chosenSeller = form?.seller ?? me?.code
        let chosenCustomer = form?.customer.flatMap { Int($0) }
        let slots = (0..<3).map { i in
            let product = form?.product.flatMap { i < $0.count ? $0[i] : nil }
            let quantity = form?.quantity.flatMap { i < $0.count ? $0[i] : nil } ?? (i == 0 ? "1" : "0")
            return Slot(index: i, number: i + 1,
                        products: products.map { ProductOption(id: $0.id!, label: "\($0.name) · \(Money(fen: $0.priceFen).display)", selected: $0.id == product) },
                        quantity: quantity, error: problems[i])
        }
        return try await req.view.render("commerce/order-new", NewPage(
            layout: Layout(req, title: req.t("order_new_title")),
            sellers: sellers.map { SellerOption(code: $0.code, label: "\($0.name) (\($0.code))", selected: $0.code == chosenSeller) },
            customers: customers.map { ProductOption(id: $0.id!, label: $0.name + ($0.phone.map { " · \($0.suffix(4))" } ?? ""), selected: $0.id == chosenCustomer) },
            slots: slots, error: error))
    }

    struct NewOrderForm: Content {
        var seller: String
        /// Empty when no customer is chosen.
        var customer: String?
        var product: [Int]?
        var quantity: [String]?
    }

    /// Each line's quantity read as typed: a whole number from 0 (a line not wanted) to 10,000; the
    /// reason of each line that is not, by line index.
    static func quantities(_ form: NewOrderForm, _ req: Request) -> (values: [Int], problems: [Int: String]) {
        var values: [Int] = [], problems: [Int: String] = [:]
        for (i, text) in (form.quantity ?? []).enumerated() {
            let typed = text.trimmingCharacters(in: .whitespaces)
            guard let n = Int(typed), n >= 0 else {
                problems[i] = req.t("order_error_quantity_line", ["line": "\(i + 1)", "value": text])
                values.append(0)
                continue
            }
            if n > 10_000 { problems[i] = req.t("order_error_quantity_large", ["line": "\(i + 1)"]) }
            values.append(n)
        }
        return (values, problems)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let (_, me, account) = try await Self.scope(req)
        let form = try req.content.decode(NewOrderForm.self)
        guard let seller = try await TeamQueries(db: req.db).member(code: form.seller),
              CommercePermissions.mayEnterOrder(account, me: me, seller: seller) else { throw Abort(.forbidden) }
        let products = form.product ?? []
        let (quantities, problems) = Self.quantities(form, req)
        // A refused form comes back as typed, each wrong quantity said at its line.
        guard problems.isEmpty else {
            return try await renderNew(req, error: req.t("form_error_fields", ["count": "\(problems.count)"]), form: form, problems: problems)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let lines = zip(products, quantities).map { OrderService.LineInput(productID: $0, quantity: $1) }
        // A customer outside the viewer's scope is not theirs to choose.
        let customerID = form.customer.flatMap { Int($0) }
        if let c = customerID {
            let (scope, _, _) = try await Self.scope(req)
            guard try await !CommerceQueries(db: req.db).customers(in: scope, id: c).isEmpty else { throw Abort(.forbidden) }
        }
        do {
            let (order, _) = try await OrderService(db: req.db, clock: req.application.jiliClock)
                .create(code: nil, seller: seller, customerID: customerID, lines: lines, paidAt: nil, by: .account(account))
            return req.redirect(to: SiteURL.order(order.code))
        } catch let refusal as Refusal {
            // No line wanted: said at the first line's quantity.
            let atLine: [Int: String] = refusal.key == "order_error_no_lines" ? [0: refusal.text(req)] : [:]
            return try await renderNew(req, error: refusal.text(req), form: form, problems: atLine).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }
}
