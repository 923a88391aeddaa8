import Fluent

struct M020CreateNominations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(TitleNomination.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("title_id", .int, .required, .references(Title.schema, .id))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("reason", .string, .required)
            .field("nominated_by", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TitleNomination.schema).delete()
    }
}
