import Fluent

struct M027CreateMotivation: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MotivationProfile.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("income", .int, .required)
            .field("recognition", .int, .required)
            .field("growth", .int, .required)
            .field("time", .int, .required)
            .field("family", .int, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "member_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(MotivationProfile.schema).delete()
    }
}
