import Fluent

/// Departments and positions.
struct M001CreateOrg: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Department.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("parent_id", .int, .references(Department.schema, .id))
            .field("sort", .int, .required)
            .create()
        try await db.schema(Position.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("department_id", .int, .required, .references(Department.schema, .id))
            .field("sort", .int, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Position.schema).delete()
        try await db.schema(Department.schema).delete()
    }
}
