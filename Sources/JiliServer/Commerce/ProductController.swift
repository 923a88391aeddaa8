import Fluent
import JiliCore
import Vapor

/// The catalogue: everyone signed in sees it; the leader and the operations director edit it.
struct ProductController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.products, use: list)
        routes.get(SiteURL.newProduct, use: newForm)
        routes.post(SiteURL.products, use: create)
        routes.get(SiteURL.product, use: editForm)
        routes.post(SiteURL.product, use: update)
    }

    static let categories = ["skincare", "health", "food", "apparel", "home"]

    struct Row: Encodable {
        let code: String
        let name: String
        let category: String
        let price: String
        let cost: String?
        let active: Bool
    }

    struct ListPage: Encodable {
        let layout: Layout
        let rows: [Row]
        let canEdit: Bool
    }

    @Sendable func list(req: Request) async throws -> View {
        let account = try req.account
        let canEdit = CommercePermissions.mayEditCatalogue(account.roleValue)
        // Costs are for those who run the business, not for every agent.
        let seesCost = canEdit || account.roleValue == .finance
        let products = try await Product.query(on: req.db).sort(\.$category).sort(\.$id).all()
        return try await req.view.render("commerce/products", ListPage(layout: Layout(req, title: req.t("products_title")), rows: products.map {
            Row(code: $0.code, name: $0.name, category: req.t("category_\($0.category)"), price: Money(fen: $0.priceFen).display,
                cost: seesCost ? Money(fen: $0.costFen).display : nil, active: $0.status == .active)
        }, canEdit: canEdit))
    }

    struct FormPage: Encodable {
        let layout: Layout
        let action: String
        let code: String
        let name: String
        let categories: [SelectOption]
        let price: String
        let cost: String
        let active: Bool
        let error: String?
    }

    struct ProductForm: Content {
        var code: String?
        var name: String
        var category: String
        var price: String
        var cost: String
        var active: String?
    }

    func page(_ req: Request, action: String, form: ProductForm, error: String?) async throws -> View {
        try await req.view.render("commerce/product-form", FormPage(
            layout: Layout(req, title: req.t("product_edit_title")), action: action, code: form.code ?? "", name: form.name,
            categories: Self.categories.map { SelectOption(value: $0, label: req.t("category_\($0)"), selected: $0 == form.category) },
            price: form.price, cost: form.cost, active: form.active != nil, error: error))
    }

    func requireEditor(_ req: Request) throws -> Account {
        let account = try req.account
        guard CommercePermissions.mayEditCatalogue(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    @Sendable func newForm(req: Request) async throws -> View {
        _ = try requireEditor(req)
        return try await page(req, action: SiteURL.products(), form: ProductForm(code: "", name: "", category: "skincare", price: "", cost: "", active: "on"), error: nil)
    }

    @Sendable func editForm(req: Request) async throws -> View {
        _ = try requireEditor(req)
        guard let p = try await Product.query(on: req.db).filter(\.$code == req.parameters.get("code") ?? "").first() else { throw Abort(.notFound) }
        return try await page(req, action: SiteURL.product(p.code), form: ProductForm(code: p.code, name: p.name, category: p.category,
            price: Money(fen: p.priceFen).description, cost: Money(fen: p.costFen).description, active: p.status == .active ? "on" : nil), error: nil)
    }

    /// The form's values checked; a message key naming the first field that is wrong.
    func validate(_ form: ProductForm, req: Request) -> (name: String, price: Int64, cost: Int64)? {
        let name = form.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, Self.categories.contains(form.category),
              case .success(let price) = FixedPoint.parse(form.price, scale: 2), price >= 0, price <= OrderService.maximumFen,
              case .success(let cost) = FixedPoint.parse(form.cost, scale: 2), cost >= 0, cost <= OrderService.maximumFen else { return nil }
        return (name, price, cost)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try requireEditor(req)
        let form = try req.content.decode(ProductForm.self)
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces)
        guard let v = validate(form, req: req), !code.isEmpty else {
            return try await page(req, action: SiteURL.products(), form: form, error: req.t("product_error")).encodeResponse(status: .unprocessableEntity, for: req)
        }
        if try await Product.query(on: req.db).filter(\.$code == code).first() != nil {
            return try await page(req, action: SiteURL.products(), form: form, error: req.t("product_error_code", ["code": code])).encodeResponse(status: .conflict, for: req)
        }
        let product = Product(code: code, name: v.name, category: form.category, priceFen: v.price, costFen: v.cost, status: form.active != nil ? .active : .inactive)
        try await req.db.transaction { db in
            try await product.create(on: db)
            try await Audit.record(on: db, at: req.application.jiliClock.now(), actor: .account(account), action: "create", entity: "product", id: code,
                                   before: nil, after: Self.snapshot(product))
        }
        return req.redirect(to: SiteURL.products())
    }

    @Sendable func update(req: Request) async throws -> Response {
        let account = try requireEditor(req)
        guard let product = try await Product.query(on: req.db).filter(\.$code == req.parameters.get("code") ?? "").first() else { throw Abort(.notFound) }
        var form = try req.content.decode(ProductForm.self)
        form.code = product.code
        guard let v = validate(form, req: req) else {
            return try await page(req, action: SiteURL.product(product.code), form: form, error: req.t("product_error")).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let before = Self.snapshot(product)
        product.name = v.name
        product.category = form.category
        product.priceFen = v.price
        product.costFen = v.cost
        product.status = form.active != nil ? .active : .inactive
        try await req.db.transaction { db in
            try await product.save(on: db)
            try await Audit.record(on: db, at: req.application.jiliClock.now(), actor: .account(account), action: "update", entity: "product", id: product.code,
                                   before: before, after: Self.snapshot(product))
        }
        return req.redirect(to: SiteURL.products())
    }

    static func snapshot(_ p: Product) -> [String: String] {
        ["name": p.name, "category": p.category, "price": Money(fen: p.priceFen).description, "cost": Money(fen: p.costFen).description, "status": p.status.rawValue]
    }
}
