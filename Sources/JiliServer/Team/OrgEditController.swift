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
        let error: String?
    }

    func leader(_ req: Request) throws -> Account {
        let account = try req.account
        guard TeamPermissions.mayEditOrg(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let departments = try await Department.query(on: req.db).sort(\.$sort).all()
        let positions = try await Position.query(on: req.db).sort(\.$sort).all()
        let members = try await Member.query(on: req.db).filter(\.$department.$id != nil).all()
        let rows = departments.map { d in
            DepartmentRow(id: d.id!, name: d.name, parentID: d.$parent.id,
                          people: members.filter { $0.$department.id == d.id }.count,
                          positions: positions.filter { $0.$department.id == d.id }.map { p in
                              PositionRow(id: p.id!, name: p.name, people: members.filter { $0.$position.id == p.id }.count)
                          },
                          parents: departments.filter { $0.id != d.id }.map { Option(value: $0.id!, label: $0.name) })
        }
        return try await req.view.render("team/org-edit", Page(layout: Layout(req, title: req.t("org_edit_title")), departments: rows, error: error))
            .encodeResponse(status: status, for: req)
    }

    @Sendable func form(req: Request) async throws -> Response {
        _ = try leader(req)
        return try await render(req)
    }

    struct NameForm: Content {
        var name: String
        var parent: String?
        var department: Int?
    }

    func audit(_ req: Request, _ account: Account, _ action: String, _ entity: String, _ id: Int, _ before: [String: String]?, _ after: [String: String]?, on db: any Database) async throws {
        try await Audit.record(on: db, at: req.application.jiliClock.now(), actor: .account(account), action: action, entity: entity,
                               id: "\(id)", before: before, after: after)
    }

    func name(_ form: NameForm) throws -> String {
        let name = form.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40 else { throw Refusal(key: "org_error_name") }
        return name
    }

    /// Runs a change; a refusal shows the page again with its message, nothing written.
    func change(_ req: Request, _ body: (Account) async throws -> Void) async throws -> Response {
        let account = try leader(req)
        do {
            try await body(account)
        } catch let refusal as Refusal {
            return try await render(req, error: req.t(refusal.key, refusal.values), status: .unprocessableEntity)
        }
        return req.redirect(to: SiteURL.editOrg())
    }

    /// The parent a department may take: none, or another department that is not below it.
    func parent(_ text: String?, for id: Int?, on db: any Database) async throws -> Int? {
        guard let text, let parentID = Int(text) else { return nil }
        guard try await Department.find(parentID, on: db) != nil else { throw Refusal(key: "org_error_parent") }
        var cursor: Int? = parentID
        while let c = cursor {
            if c == id { throw Refusal(key: "org_error_parent") }
            cursor = try await Department.find(c, on: db)?.$parent.id
        }
        return parentID
    }

    @Sendable func addDepartment(req: Request) async throws -> Response {
        try await change(req) { account in
            let form = try req.content.decode(NameForm.self)
            let d = Department(name: try name(form), parentID: try await parent(form.parent, for: nil, on: req.db),
                               sort: (try await Department.query(on: req.db).max(\.$sort) ?? 0) + 1)
            try await req.db.transaction { db in
                try await d.create(on: db)
                try await audit(req, account, "create", "department", d.id!, nil, ["name": d.name], on: db)
            }
        }
    }

    @Sendable func updateDepartment(req: Request) async throws -> Response {
        try await change(req) { account in
            guard let d = try await Department.find(req.parameters.get("id", as: Int.self), on: req.db) else { throw Abort(.notFound) }
            let form = try req.content.decode(NameForm.self)
            let before = ["name": d.name, "parent": d.$parent.id.map(String.init) ?? ""]
            d.name = try name(form)
            d.$parent.id = try await parent(form.parent, for: d.id, on: req.db)
            try await req.db.transaction { db in
                try await d.save(on: db)
                try await audit(req, account, "update", "department", d.id!, before, ["name": d.name, "parent": d.$parent.id.map(String.init) ?? ""], on: db)
            }
        }
    }

    @Sendable func deleteDepartment(req: Request) async throws -> Response {
        try await change(req) { account in
            guard let d = try await Department.find(req.parameters.get("id", as: Int.self), on: req.db) else { throw Abort(.notFound) }
            let people = try await Member.query(on: req.db).filter(\.$department.$id == d.id!).count()
            let positions = try await Position.query(on: req.db).filter(\.$department.$id == d.id!).count()
            let children = try await Department.query(on: req.db).filter(\.$parent.$id == d.id!).count()
            guard people == 0, positions == 0, children == 0 else { throw Refusal(key: "org_error_not_empty", values: ["name": d.name]) }
            try await req.db.transaction { db in
                try await d.delete(on: db)
                try await audit(req, account, "delete", "department", d.id!, ["name": d.name], nil, on: db)
            }
        }
    }

    @Sendable func addPosition(req: Request) async throws -> Response {
        try await change(req) { account in
            let form = try req.content.decode(NameForm.self)
            guard let department = form.department, try await Department.find(department, on: req.db) != nil else { throw Refusal(key: "org_error_parent") }
            let p = Position(name: try name(form), departmentID: department,
                             sort: (try await Position.query(on: req.db).filter(\.$department.$id == department).max(\.$sort) ?? 0) + 1)
            try await req.db.transaction { db in
                try await p.create(on: db)
                try await audit(req, account, "create", "position", p.id!, nil, ["name": p.name, "department": "\(department)"], on: db)
            }
        }
    }

    @Sendable func updatePosition(req: Request) async throws -> Response {
        try await change(req) { account in
            guard let p = try await Position.find(req.parameters.get("id", as: Int.self), on: req.db) else { throw Abort(.notFound) }
            let form = try req.content.decode(NameForm.self)
            let before = ["name": p.name, "department": "\(p.$department.id)"]
            p.name = try name(form)
            if let department = form.department {
                guard try await Department.find(department, on: req.db) != nil else { throw Refusal(key: "org_error_parent") }
                p.$department.id = department
            }
            try await req.db.transaction { db in
                try await p.save(on: db)
                // The people in a moved position move with it.
                try await Member.query(on: db).filter(\.$position.$id == p.id!).set(\.$department.$id, to: p.$department.id).update()
                try await audit(req, account, "update", "position", p.id!, before, ["name": p.name, "department": "\(p.$department.id)"], on: db)
            }
        }
    }

    @Sendable func deletePosition(req: Request) async throws -> Response {
        try await change(req) { account in
            guard let p = try await Position.find(req.parameters.get("id", as: Int.self), on: req.db) else { throw Abort(.notFound) }
            guard try await Member.query(on: req.db).filter(\.$position.$id == p.id!).count() == 0 else {
                throw Refusal(key: "org_error_not_empty", values: ["name": p.name])
            }
            try await req.db.transaction { db in
                try await p.delete(on: db)
                try await audit(req, account, "delete", "position", p.id!, ["name": p.name], nil, on: db)
            }
        }
    }
}
