import Foundation
import JiliCore
import Vapor

/// What the API returns: never a Fluent model. Money as decimal yuan strings ("123.45"), as in the
/// settlement files; ids are the public codes.
struct MemberDTO: Content {
    var id: String
    var name: String
    var sponsor_id: String?
    var tier: String
    var status: String
    var joined_at: Date
    var department_id: Int?
    var position_id: Int?
}

struct ProductDTO: Content {
    var id: String
    var name: String
    var category: String
    var price: String
    var cost: String
    var status: String

    init(_ p: Product) {
        id = p.code
        name = p.name
        category = p.category
        price = Money(fen: p.priceFen).description
        cost = Money(fen: p.costFen).description
        status = p.status.rawValue
    }
}

struct OrderLineDTO: Content {
    var product_id: String
    var quantity: Int
    var price: String?
}

struct OrderDTO: Content {
    var id: String
    var member_id: String
    var paid_at: Date
    var amount: String
    var cost: String
    var refunded: String
    var category: String?
    var lines: [OrderLineDTO]
}

struct RefundDTO: Content {
    var id: String
    var order_id: String
    var refunded_at: Date
    var amount: String
}

struct Page<Item: Content>: Content {
    var items: [Item]
    var page: Int
    var per: Int
    var total: Int
}

struct NewMemberDTO: Content {
    var id: String?
    var name: String
    var phone: String?
    var sponsor_id: String?
    var tier: String
    var status: String?
}

struct NewProductDTO: Content {
    var id: String
    var name: String
    var category: String
    var price: String
    var cost: String
    var status: String?
}

struct NewOrderDTO: Content {
    /// The idempotency key: an order with this id is returned as it is.
    var id: String?
    var member_id: String
    var paid_at: Date?
    var lines: [OrderLineDTO]
}

struct NewRefundDTO: Content {
    var id: String?
    var order_id: String
    var amount: String
    var refunded_at: Date?
}
