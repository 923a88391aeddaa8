import Fluent
import Foundation
import JiliCore

/// Changes to the catalogue: a product added or edited, with its audit entry in the same transaction.
struct ProductService {
    let db: any Database
    let clock: JiliClock

    static let categories = ["skincare", "health", "food", "apparel", "home"]

    /// What a product is, checked: a name, a known category, a price and a cost in fen.
    struct Details: Sendable {
        var name: String
        var category: String
        var priceFen: Int64
        var costFen: Int64
        var status: Product.Status
    }

    func create(code: String, _ d: Details, by actor: Actor) async throws -> Product {
        if try await CommerceQueries(db: db).product(code: code) != nil {
            throw Refusal(key: "product_error_code", values: ["code": code], field: "code", status: .conflict)
        }
        let product = Product(code: code, name: d.name, category: d.category, priceFen: d.priceFen, costFen: d.costFen, status: d.status)
        try await db.transaction { db in
            try await product.create(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "create", entity: "product", id: code, before: nil, after: Self.snapshot(product))
        }
        return product
    }

    func update(_ product: Product, _ d: Details, by actor: Actor) async throws {
        let before = Self.snapshot(product)
        product.name = d.name
        product.category = d.category
        product.priceFen = d.priceFen
        product.costFen = d.costFen
        product.status = d.status
        try await db.transaction { db in
            try await product.save(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "update", entity: "product", id: product.code,
                                   before: before, after: Self.snapshot(product))
        }
    }

    static func snapshot(_ p: Product) -> [String: String] {
        ["name": p.name, "category": p.category, "price": Money(fen: p.priceFen).description, "cost": Money(fen: p.costFen).description, "status": p.status.rawValue]
    }
}
