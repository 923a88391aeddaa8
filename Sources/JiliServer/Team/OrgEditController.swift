import Fluent
import Vapor

/// The leader edits the org chart: departments and positions added, renamed, moved, removed when
/// empty. (People are placed in positions on their member page.) Every change is in the audit log.
struct OrgEditController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.editOrg, use: form)
        routes.post(SiteURL.departments, use: addDepartment)
        routes.post(SiteURL.department, use: updateDepartment)
        routes.post(SiteURL.deleteDepartment, use: deleteDepartment)
        routes.post(SiteURL.positions, use: addPosition)
        routes.post(SiteURL.position, use: updatePosition)
        routes.post(SiteURL.deletePosition, use: deletePosition)
    }

    struct Option: Encodable {
        let value: Int
        let label: String
    }

    struct PositionRow: Encodable {
        let id: Int
        let name: String
        let people: Int
    }

    struct DepartmentRow: Encodable {
        let id: Int
        let name: String
        let parentID: Int?
        let people: Int
        let positions: [PositionRow]
        let parents: [Option]
    }

    struct Page: Encodable {
        let layout: Layout
        let departments: [DepartmentRow]
    }

    func leader(_ req: Request) throws -> Account {
        let account = try req.account
        guard TeamPermissions.mayEditOrg(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    func render(_ req: Request) async throws -> Response {
        let chart = try await TeamQueries(db: req.db).orgChart()
        let rows = chart.departments.map { d in
            DepartmentRow(id: d.id!, name: d.name, parentID: d.$parent.id,
                          people: chart.placed.filter { $0.$department.id == d.id }.count,
                          positions: chart.positions.filter { $0.$department.id == d.id }.map { p in
                              PositionRow(id: p.id!, name: p.name, people: chart.placed.filter { $0.$position.id == p.id }.count)
                          },
                          parents: chart.departments.filter { $0.id != d.id }.map { Option(value: $0.id!, label: $0.name) })
        }
        return try await req.view.render("team/org-edit", Page(layout: Layout(req, title: req.t("org_edit_title")), departments: rows))
            .encodeResponse(for: req)
    }

    @Sendable func form(req: Request) async throws -> Response {
        _ = try leader(req)
        return try await render(req)
    }

    struct NameForm: Content {
        var name: String
        var parent: String?
        var department: Int?

        var parentID: Int? { parent.flatMap { Int($0) } }
    }

    /// Runs a change and comes back to the editor; a refusal goes back to the form with its reason.
    func change(_ req: Request, _ body: (OrgService, Actor) async throws -> Void) async throws -> Response {
        let account = try leader(req)
        try await body(OrgService(db: req.db, clock: req.application.jiliClock), .account(account))
        return req.redirect(to: SiteURL.editOrg())
    }

    func department(_ req: Request) async throws -> Department {
        _ = try leader(req)
        guard let d = try await TeamQueries(db: req.db).department(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        return d
    }

    func position(_ req: Request) async throws -> Position {
        _ = try leader(req)
        guard let p = try await TeamQueries(db: req.db).position(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        return p
    }

    @Sendable func addDepartment(req: Request) async throws -> Response {
        try await change(req) { org, actor in
            let form = try req.content.decode(NameForm.self)
            _ = try await org.addDepartment(name: form.name, parent: form.parentID, by: actor)
        }
    }

    @Sendable func updateDepartment(req: Request) async throws -> Response {
        let d = try await department(req)
        return try await change(req) { org, actor in
            let form = try req.content.decode(NameForm.self)
            try await org.updateDepartment(d, name: form.name, parent: form.parentID, by: actor)
        }
    }

    @Sendable func deleteDepartment(req: Request) async throws -> Response {
        let d = try await department(req)
        return try await change(req) { org, actor in try await org.deleteDepartment(d, by: actor) }
    }

    @Sendable func addPosition(req: Request) async throws -> Response {
        try await change(req) { org, actor in
            let form = try req.content.decode(NameForm.self)
            _ = try await org.addPosition(name: form.name, department: form.department, by: actor)
        }
    }

    @Sendable func updatePosition(req: Request) async throws -> Response {
        let p = try await position(req)
        return try await change(req) { org, actor in
            let form = try req.content.decode(NameForm.self)
            try await org.updatePosition(p, name: form.name, department: form.department, by: actor)
        }
    }

    @Sendable func deletePosition(req: Request) async throws -> Response {
        let p = try await position(req)
        return try await change(req) { org, actor in try await org.deletePosition(p, by: actor) }
    }
}
