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
        let products = try await CommerceQueries(db: req.db).catalogue()
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
        /// Each field's reason, by the field's name.
        let errors: [String: String]
    }

    struct ProductForm: Content {
        var code: String?
        var name: String
        var category: String
        var price: String
        var cost: String
        var active: String?
    }

    func page(_ req: Request, action: String, form: ProductForm, error: String?, problems: [Refusal] = []) async throws -> View {
        let errors = Refusal.all(problems)?.fieldTexts(req) ?? [:]
        return try await req.view.render("commerce/product-form", FormPage(
            layout: Layout(req, title: req.t("product_edit_title")), action: action, code: form.code ?? "", name: form.name,
            categories: ProductService.categories.map { SelectOption(value: $0, label: req.t("category_\($0)"), selected: $0 == form.category) },
            price: form.price, cost: form.cost, active: form.active != nil, error: Refusal.all(problems)?.summary(req) ?? error, errors: errors))
    }

    func requireEditor(_ req: Request) throws -> Account {
        let account = try req.account
        guard CommercePermissions.mayEditCatalogue(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    func service(_ req: Request) -> ProductService { ProductService(db: req.db, clock: req.application.jiliClock) }

    @Sendable func newForm(req: Request) async throws -> View {
        _ = try requireEditor(req)
        return try await page(req, action: SiteURL.products(), form: ProductForm(code: "", name: "", category: "skincare", price: "", cost: "", active: "on"), error: nil)
    }

    @Sendable func editForm(req: Request) async throws -> View {
        _ = try requireEditor(req)
        guard let p = try await CommerceQueries(db: req.db).product(code: req.parameters.get("code") ?? "") else { throw Abort(.notFound) }
        return try await page(req, action: SiteURL.product(p.code), form: ProductForm(code: p.code, name: p.name, category: p.category,
            price: Money(fen: p.priceFen).description, cost: Money(fen: p.costFen).description, active: p.status == .active ? "on" : nil), error: nil)
    }

    /// The form's values checked: the values, or every field that is wrong with its reason.
    func validate(_ form: ProductForm, requireCode: Bool) -> (values: (name: String, price: Int64, cost: Int64)?, problems: [Refusal]) {
        var problems: [Refusal] = []
        if requireCode, (form.code ?? "").trimmingCharacters(in: .whitespaces).isEmpty { problems.append(Refusal(key: "product_error_code_missing", field: "code")) }
        let name = form.name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { problems.append(Refusal(key: "product_error_name", field: "name")) }
        if !ProductService.categories.contains(form.category) { problems.append(Refusal(key: "product_error_category", field: "category")) }
        func amount(_ text: String, field: String) -> Int64 {
            guard let fen = try? FormValue.fen(text, field: field, refusal: ""), fen >= 0, fen <= OrderService.maximumFen else {
                problems.append(Refusal(key: "product_error_\(field)", values: ["value": text], field: field))
                return 0
            }
            return fen
        }
        let price = amount(form.price, field: "price"), cost = amount(form.cost, field: "cost")
        return (problems.isEmpty ? (name, price, cost) : nil, problems)
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try requireEditor(req)
        let form = try req.content.decode(ProductForm.self)
        let code = (form.code ?? "").trimmingCharacters(in: .whitespaces)
        let checked = validate(form, requireCode: true)
        guard let v = checked.values else {
            return try await page(req, action: SiteURL.products(), form: form, error: nil, problems: checked.problems).encodeResponse(status: .unprocessableEntity, for: req)
        }
        do {
            _ = try await service(req).create(code: code, .init(name: v.name, category: form.category, priceFen: v.price, costFen: v.cost,
                                                                status: form.active != nil ? .active : .inactive), by: .account(account))
        } catch let r as Refusal {
            return try await page(req, action: SiteURL.products(), form: form, error: nil, problems: [r]).encodeResponse(status: r.status, for: req)
        }
        return req.redirect(to: SiteURL.products())
    }

    @Sendable func update(req: Request) async throws -> Response {
        let account = try requireEditor(req)
        guard let product = try await CommerceQueries(db: req.db).product(code: req.parameters.get("code") ?? "") else { throw Abort(.notFound) }
        var form = try req.content.decode(ProductForm.self)
        form.code = product.code
        let checked = validate(form, requireCode: false)
        guard let v = checked.values else {
            return try await page(req, action: SiteURL.product(product.code), form: form, error: nil, problems: checked.problems).encodeResponse(status: .unprocessableEntity, for: req)
        }
        try await service(req).update(product, .init(name: v.name, category: form.category, priceFen: v.price, costFen: v.cost,
                                                     status: form.active != nil ? .active : .inactive), by: .account(account))
        return req.redirect(to: SiteURL.products())
    }
}
