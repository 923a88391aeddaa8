import Fluent
import SQLKit
import Foundation

/// The reads of the catalogue, orders and refunds that pages and the API share.
struct CommerceQueries {
    let db: any Database

    // Products

    func product(code: String) async throws -> Product? { try await Product.query(on: db).filter(\.$code == code).first() }
    /// The catalogue by category.
    func catalogue() async throws -> [Product] { try await Product.query(on: db).sort(\.$category).sort(\.$id).all() }
    /// What can be sold, by id.
    func activeProducts() async throws -> [Product] { try await Product.query(on: db).filter(\.$status == .active).sort(\.$id).all() }
    func products(page: Int, perPage: Int) async throws -> (total: Int, items: [Product]) {
        let query = Product.query(on: db)
        return (try await query.count(), try await query.sort(\.$id).range(((page - 1) * perPage)..<(page * perPage)).all())
    }

    // Orders

    /// An order with its seller, customer and lines (with their products).
    func order(code: String) async throws -> Order? {
        try await Order.query(on: db).filter(\.$code == code).with(\.$member).with(\.$customer).with(\.$lines) { $0.with(\.$product) }.first()
    }
    /// Of these order codes, those whose seller is in `scope` (what the viewer may open).
    func visibleOrders(_ codes: [String], scope: MemberScope) async throws -> Set<String> {
        var out = Set<String>()
        // Codes alone, the scope in the query: a statement asks for a few hundred.
        for chunk in Array(Set(codes)).chunked(500) {
            let rows = try await db.sql.select().column(SQLColumn("code", table: "orders"), as: "code").from("orders")
                .join("members", on: SQLColumn("id", table: "members"), .equal, SQLColumn("member_id", table: "orders"))
                .where(SQLColumn("code", table: "orders"), .in, SQLBind.group(chunk)).within(scope).all()
            for row in rows { out.insert(try row.decode(column: "code", as: String.self)) }
        }
        return out
    }
    /// A month's orders the scope sees (a member's, or their subtree's), newest first; and how many.
    func orders(month: String, scope: MemberScope, member: Member?, subtree: Bool, page: Int, perPage: Int) async throws -> [Order] {
        var q = scope.apply(joined: Order.query(on: db).filter(\.$period == month).join(Member.self, on: \Order.$member.$id == \Member.$id))
        if let member {
            q = subtree ? q.filter(Member.self, \.$path =~ member.path) : q.filter(\.$member.$id == member.id!)
        }
        return try await q.sort(\.$paidAt, .descending).range(((page - 1) * perPage)..<(page * perPage)).all()
    }
    /// Orders by id, of a month and of a seller when given, with their lines; and how many.
    func orders(month: String?, seller code: String?, page: Int, perPage: Int) async throws -> (total: Int, items: [Order]) {
        var query = Order.query(on: db).join(Member.self, on: \Order.$member.$id == \Member.$id)
        if let month { query = query.filter(\.$period == month) }
        if let code { query = query.filter(Member.self, \.$code == code) }
        let total = try await query.count()
        return (total, try await query.sort(\.$id).range(((page - 1) * perPage)..<(page * perPage)).with(\.$lines) { $0.with(\.$product) }.all())
    }
    /// An order's lines and their products, loaded.
    func loadLines(of order: Order) async throws {
        try await order.$lines.load(on: db)
        for line in order.lines { try await line.$product.load(on: db) }
    }

    // Refunds

    func refunds(of order: Order) async throws -> [Refund] {
        try await Refund.query(on: db).filter(\.$order.$id == order.id!).sort(\.$refundedAt).all()
    }
    func refund(code: String) async throws -> Refund? { try await Refund.query(on: db).filter(\.$code == code).with(\.$order).first() }
    /// Refunds by id, of an order when given; and how many.
    func refunds(order code: String?, page: Int, perPage: Int) async throws -> (total: Int, items: [Refund]) {
        var query = Refund.query(on: db).join(Order.self, on: \Refund.$order.$id == \Order.$id)
        if let code { query = query.filter(Order.self, \.$code == code) }
        return (try await query.count(), try await query.sort(\.$id).range(((page - 1) * perPage)..<(page * perPage)).all())
    }

    // Sellers and customers

    /// Who an order may be entered for in a scope: its members who have not left, by id.
    func sellers(in scope: MemberScope) async throws -> [Member] {
        try await scope.apply(to: Member.query(on: db)).filter(\.$status != .left).sort(\.$id).limit(500).all()
    }
    /// The customers looked after by members in the scope (the first 500; `id`: that one only).
    /// Customers nobody looks after are everyone's only.
    func customers(in scope: MemberScope, id: Int? = nil) async throws -> [Customer] {
        var query = Customer.query(on: db)
        if scope != .all { query = scope.apply(joined: query.join(Member.self, on: \Customer.$member.$id == \Member.$id)) }
        if let id { query = query.filter(\.$id == id) }
        return try await query.sort(\.$id).limit(500).all()
    }
}
