import Fluent
import Foundation

/// A product of the catalogue. Money in fen.
final class Product: Model, @unchecked Sendable {
    static let schema = "products"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "category") var category: String
    @Field(key: "price_fen") var priceFen: Int64
    @Field(key: "cost_fen") var costFen: Int64
    @Field(key: "status") var status: Status

    init() {}
    init(code: String, name: String, category: String, priceFen: Int64, costFen: Int64, status: Status = .active) {
        self.code = code
        self.name = name
        self.category = category
        self.priceFen = priceFen
        self.costFen = costFen
        self.status = status
    }

    /// Whether it can be sold.
    enum Status: String, StoredStatus {
        case active, inactive
    }
}

/// A customer, looked after by a member.
final class Customer: Model, @unchecked Sendable {
    static let schema = "customers"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @OptionalField(key: "phone") var phone: String?
    @OptionalParent(key: "member_id") var member: Member?

    init() {}
    init(name: String, phone: String?, memberID: Int?) {
        self.name = name
        self.phone = phone
        self.$member.id = memberID
    }
}

/// An order credited to a seller. `code` is its public id and idempotency key; `category` is the
/// category of its lines when they share one (what settlement files carry).
final class Order: Model, @unchecked Sendable {
    static let schema = "orders"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Parent(key: "member_id") var member: Member
    @OptionalParent(key: "customer_id") var customer: Customer?
    @Field(key: "paid_at") var paidAt: Date
    /// Month of `paidAt` in the team's time zone, `2026-11`: orders are listed and summed by month.
    @Field(key: "period") var period: String
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "cost_fen") var costFen: Int64
    @Field(key: "refunded_fen") var refundedFen: Int64
    @OptionalField(key: "category") var category: String?
    @Children(for: \.$order) var lines: [OrderLine]

    init() {}
    init(code: String, memberID: Int, customerID: Int?, paidAt: Date, period: String, amountFen: Int64, costFen: Int64, category: String?) {
        self.code = code
        self.$member.id = memberID
        self.$customer.id = customerID
        self.paidAt = paidAt
        self.period = period
        self.amountFen = amountFen
        self.costFen = costFen
        self.refundedFen = 0
        self.category = category
    }
}

final class OrderLine: Model, @unchecked Sendable {
    static let schema = "order_lines"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "order_id") var order: Order
    @Parent(key: "product_id") var product: Product
    @Field(key: "quantity") var quantity: Int
    @Field(key: "price_fen") var priceFen: Int64
    @Field(key: "cost_fen") var costFen: Int64

    init() {}
    init(orderID: Int, productID: Int, quantity: Int, priceFen: Int64, costFen: Int64) {
        self.$order.id = orderID
        self.$product.id = productID
        self.quantity = quantity
        self.priceFen = priceFen
        self.costFen = costFen
    }
}

final class Refund: Model, @unchecked Sendable {
    static let schema = "refunds"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "code") var code: String
    @Parent(key: "order_id") var order: Order
    @Field(key: "refunded_at") var refundedAt: Date
    @Field(key: "amount_fen") var amountFen: Int64

    init() {}
    init(code: String, orderID: Int, refundedAt: Date, amountFen: Int64) {
        self.code = code
        self.$order.id = orderID
        self.refundedAt = refundedAt
        self.amountFen = amountFen
    }
}
