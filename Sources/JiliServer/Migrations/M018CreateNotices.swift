import Fluent

struct M018CreateNotices: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Notice.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("message", .string, .required)
            .field("values", .string, .required)
            .field("link", .string, .required)
            .field("event", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .unique(on: "event")
            .create()
        try await db.schema(OutboxMessage.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("notice_id", .int, .required, .references(Notice.schema, .id))
            .field("channel", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(OutboxMessage.schema).delete()
        try await db.schema(Notice.schema).delete()
    }
}
