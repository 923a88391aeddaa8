import Fluent
import SQLKit

/// Members: the sponsor tree with a materialised path, tier, status, place in the org chart.
struct M002CreateMembers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Member.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("phone", .string)
            .field("sponsor_id", .int, .references(Member.schema, .id))
            .field("path", .string, .required)
            .field("tier", .string, .required)
            .field("status", .string, .required)
            .field("joined_at", .datetime, .required)
            .field("department_id", .int, .references(Department.schema, .id))
            .field("position_id", .int, .references(Position.schema, .id))
            .unique(on: "code")
            .create()
        let sql = db.sql
        try await sql.create(index: "members_path").on(Member.schema).column("path").run()
        try await sql.create(index: "members_sponsor").on(Member.schema).column("sponsor_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Member.schema).delete()
    }
}
