import Fluent
import SQLKit

/// Products, customers, orders with their lines, refunds.
struct M004CreateCommerce: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Product.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("category", .string, .required)
            .field("price_fen", .int64, .required)
            .field("cost_fen", .int64, .required)
            .field("status", .string, .required)
            .unique(on: "code")
            .create()
        try await db.schema(Customer.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("phone", .string)
            .field("member_id", .int, .references(Member.schema, .id))
            .create()
        try await db.schema(Order.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("customer_id", .int, .references(Customer.schema, .id))
            .field("paid_at", .datetime, .required)
            .field("period", .string, .required)
            .field("amount_fen", .int64, .required)
            .field("cost_fen", .int64, .required)
            .field("refunded_fen", .int64, .required)
            .field("category", .string)
            .unique(on: "code")
            .create()
        try await db.schema(OrderLine.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("order_id", .int, .required, .references(Order.schema, .id))
            .field("product_id", .int, .required, .references(Product.schema, .id))
            .field("quantity", .int, .required)
            .field("price_fen", .int64, .required)
            .field("cost_fen", .int64, .required)
            .create()
        try await db.schema(Refund.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("order_id", .int, .required, .references(Order.schema, .id))
            .field("refunded_at", .datetime, .required)
            .field("amount_fen", .int64, .required)
            .unique(on: "code")
            .create()
        if let sql = db as? any SQLDatabase {
            try await sql.create(index: "orders_period_member").on(Order.schema).column("period").column("member_id").run()
            try await sql.create(index: "orders_member").on(Order.schema).column("member_id").run()
            try await sql.create(index: "order_lines_order").on(OrderLine.schema).column("order_id").run()
            try await sql.create(index: "refunds_order").on(Refund.schema).column("order_id").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Refund.schema).delete()
        try await db.schema(OrderLine.schema).delete()
        try await db.schema(Order.schema).delete()
        try await db.schema(Customer.schema).delete()
        try await db.schema(Product.schema).delete()
    }
}
