import Fluent
import Foundation
import JiliCore
import Vapor

/// Entering orders and refunds: the checks, the amounts and the audit entry, in one transaction.
struct OrderService {
    let db: any Database
    let clock: JiliClock

    /// The largest amount one price, order or refund may carry: ¥10,000,000,000. With at most
    /// 100 lines of at most 10,000 pieces, no sum of them can overflow 64-bit fen.
    static let maximumFen: Int64 = 1_000_000_000_000
    static let maximumLines = 100

    struct LineInput: Sendable {
        var productID: Int
        var quantity: Int
    }

    /// Creates an order, or returns the existing one when `code` is already taken (the code is the
    /// idempotency key). Returns the order and whether it was created.
    func create(code: String?, seller: Member, customerID: Int?, lines: [LineInput], paidAt: Date?,
                by actor: Actor) async throws -> (order: Order, created: Bool) {
        if let code, let existing = try await Order.query(on: db).filter(\.$code == code).first() { return (existing, false) }
        let now = clock.now()
        let paid = paidAt ?? now
        guard paid <= now.addingTimeInterval(300) else { throw Refusal(key: "order_error_future") }
        guard seller.status != .left else { throw Refusal(key: "order_error_seller_left") }
        let wanted = lines.filter { $0.quantity > 0 }
        guard !wanted.isEmpty else { throw Refusal(key: "order_error_no_lines") }
        guard wanted.count <= Self.maximumLines else { throw Refusal(key: "order_error_quantity") }
        guard wanted.allSatisfy({ $0.quantity <= 10_000 }) else { throw Refusal(key: "order_error_quantity") }
        let products = try await Product.query(on: db).filter(\.$id ~~ wanted.map(\.productID)).all()
        let byID = Dictionary(uniqueKeysWithValues: products.map { ($0.id!, $0) })
        var amount: Int64 = 0
        var cost: Int64 = 0
        for line in wanted {
            guard let p = byID[line.productID], p.status == .active else { throw Refusal(key: "order_error_product") }
            amount += p.priceFen * Int64(line.quantity)
            cost += p.costFen * Int64(line.quantity)
        }
        if let customerID, try await Customer.find(customerID, on: db) == nil { throw Refusal(key: "order_error_customer") }
        let categories = Set(wanted.compactMap { byID[$0.productID]?.category })
        let orderCode = code ?? newCode(at: now)
        let (amountFen, costFen) = (amount, cost)
        let period = clock.period(of: paid).description
        let order = try await db.transaction { db -> Order in
            let order = Order(code: orderCode, memberID: seller.id!, customerID: customerID, paidAt: paid, period: period,
                              amountFen: amountFen, costFen: costFen, category: categories.count == 1 ? categories.first : nil)
            try await order.create(on: db)
            for line in wanted {
                let p = byID[line.productID]!
                try await OrderLine(orderID: order.id!, productID: p.id!, quantity: line.quantity, priceFen: p.priceFen, costFen: p.costFen).create(on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "order", id: orderCode, before: nil,
                                   after: ["seller": seller.code, "amount": Money(fen: amountFen).description, "paid_at": ISO8601DateFormatter().string(from: paid)])
            return order
        }
        return (order, true)
    }

    /// Refunds part or all of what is left of an order, never dated before it was paid.
    func refund(order: Order, amountFen: Int64, at: Date?, code: String?, by actor: Actor) async throws -> Refund {
        if let code, let existing = try await Refund.query(on: db).filter(\.$code == code).first() { return existing }
        let now = clock.now()
        let when = at ?? now
        let left = order.amountFen - order.refundedFen
        guard amountFen > 0 else { throw Refusal(key: "refund_error_amount") }
        guard amountFen <= left else { throw Refusal(key: "refund_error_too_much", values: ["left": Money(fen: left).display]) }
        guard when >= order.paidAt else { throw Refusal(key: "refund_error_before_order") }
        guard when <= now.addingTimeInterval(300) else { throw Refusal(key: "order_error_future") }
        let refundCode = code ?? "r" + newCode(at: now).dropFirst()
        return try await db.transaction { db -> Refund in
            // Read the order again inside the transaction: two refunds at once must not exceed it together.
            guard let fresh = try await Order.find(order.id, on: db) else { throw Abort(.notFound) }
            guard amountFen <= fresh.amountFen - fresh.refundedFen else {
                throw Refusal(key: "refund_error_too_much", values: ["left": Money(fen: fresh.amountFen - fresh.refundedFen).display])
            }
            let refund = Refund(code: refundCode, orderID: fresh.id!, refundedAt: when, amountFen: amountFen)
            try await refund.create(on: db)
            let before = fresh.refundedFen
            fresh.refundedFen += amountFen
            try await fresh.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "refund", entity: "order", id: fresh.code,
                                   before: ["refunded": Money(fen: before).description],
                                   after: ["refunded": Money(fen: fresh.refundedFen).description, "refund": refundCode])
            return refund
        }
    }

    /// `o20261129-4F7Q2K`: the day in the team's time zone and six random characters.
    func newCode(at date: Date) -> String {
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return "o" + clock.format(date, "yyyyMMdd") + "-" + String((0..<6).map { _ in alphabet.randomElement()! })
    }
}
