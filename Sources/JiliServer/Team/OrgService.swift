import Fluent
import Foundation

/// Changes to the org chart: departments and positions added, renamed, moved, removed when empty.
/// Each change and its audit entry share a transaction.
struct OrgService {
    let db: any Database
    let clock: JiliClock

    /// A name of one to 40 characters.
    static func name(_ text: String) throws -> String {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40 else { throw Refusal(key: "org_error_name", field: "name") }
        return name
    }

    func addDepartment(name: String, parent: Int?, by actor: Actor) async throws -> Department {
        let d = Department(name: try Self.name(name), parentID: try await checked(parent: parent, for: nil),
                           sort: (try await Department.query(on: db).max(\.$sort) ?? 0) + 1)
        try await db.transaction { db in
            try await d.create(on: db)
            try await audit("create", "department", d.id!, nil, ["name": d.name], actor, on: db)
        }
        return d
    }

    func updateDepartment(_ d: Department, name: String, parent: Int?, by actor: Actor) async throws {
        let before = ["name": d.name, "parent": d.$parent.id.map(String.init) ?? ""]
        d.name = try Self.name(name)
        d.$parent.id = try await checked(parent: parent, for: d.id)
        try await db.transaction { db in
            try await d.save(on: db)
            try await audit("update", "department", d.id!, before, ["name": d.name, "parent": d.$parent.id.map(String.init) ?? ""], actor, on: db)
        }
    }

    func deleteDepartment(_ d: Department, by actor: Actor) async throws {
        let people = try await Member.query(on: db).filter(\.$department.$id == d.id!).count()
        let positions = try await Position.query(on: db).filter(\.$department.$id == d.id!).count()
        let children = try await Department.query(on: db).filter(\.$parent.$id == d.id!).count()
        guard people == 0, positions == 0, children == 0 else { throw Refusal(key: "org_error_not_empty", values: ["name": d.name]) }
        try await db.transaction { db in
            try await d.delete(on: db)
            try await audit("delete", "department", d.id!, ["name": d.name], nil, actor, on: db)
        }
    }

    func addPosition(name: String, department: Int?, by actor: Actor) async throws -> Position {
        guard let department, try await Department.find(department, on: db) != nil else { throw Refusal(key: "org_error_parent", field: "department") }
        let p = Position(name: try Self.name(name), departmentID: department,
                         sort: (try await Position.query(on: db).filter(\.$department.$id == department).max(\.$sort) ?? 0) + 1)
        try await db.transaction { db in
            try await p.create(on: db)
            try await audit("create", "position", p.id!, nil, ["name": p.name, "department": "\(department)"], actor, on: db)
        }
        return p
    }

    /// Renames a position or moves it to another department; the people in it move with it.
    func updatePosition(_ p: Position, name: String, department: Int?, by actor: Actor) async throws {
        let before = ["name": p.name, "department": "\(p.$department.id)"]
        p.name = try Self.name(name)
        if let department {
            guard try await Department.find(department, on: db) != nil else { throw Refusal(key: "org_error_parent", field: "department") }
            p.$department.id = department
        }
        try await db.transaction { db in
            try await p.save(on: db)
            try await Member.query(on: db).filter(\.$position.$id == p.id!).set(\.$department.$id, to: p.$department.id).update()
            try await audit("update", "position", p.id!, before, ["name": p.name, "department": "\(p.$department.id)"], actor, on: db)
        }
    }

    func deletePosition(_ p: Position, by actor: Actor) async throws {
        guard try await Member.query(on: db).filter(\.$position.$id == p.id!).count() == 0 else {
            throw Refusal(key: "org_error_not_empty", values: ["name": p.name])
        }
        try await db.transaction { db in
            try await p.delete(on: db)
            try await audit("delete", "position", p.id!, ["name": p.name], nil, actor, on: db)
        }
    }

    /// The parent a department may take: none, or another department that is not below it.
    private func checked(parent: Int?, for id: Int?) async throws -> Int? {
        guard let parent else { return nil }
        guard try await Department.find(parent, on: db) != nil else { throw Refusal(key: "org_error_parent", field: "parent") }
        var cursor: Int? = parent
        while let c = cursor {
            if c == id { throw Refusal(key: "org_error_parent", field: "parent") }
            cursor = try await Department.find(c, on: db)?.$parent.id
        }
        return parent
    }

    private func audit(_ action: String, _ entity: String, _ id: Int, _ before: [String: String]?, _ after: [String: String]?,
                       _ actor: Actor, on db: any Database) async throws {
        try await Audit.record(on: db, at: clock.now(), actor: actor, action: action, entity: entity, id: "\(id)", before: before, after: after)
    }
}
