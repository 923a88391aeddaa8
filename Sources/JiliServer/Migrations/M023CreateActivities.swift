import Fluent
import Foundation
import SQLKit

/// Counted activities, for goals on training completed or any activity the team counts.
struct M023CreateActivities: AsyncMigration {
    let clock: JiliClock

    func prepare(on db: any Database) async throws {
        try await db.schema(ActivityKind.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await db.schema(Activity.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("kind", .string, .required)
            .field("day", .string, .required)
            .field("period", .string, .required)
            .field("count", .int, .required)
            .field("note", .string, .required)
            .field("recorded_by", .string, .required)
            .field("recorded_at", .datetime, .required)
            .unique(on: "member_id", "kind", "day")
            .create()
        let sql = db.sql
        try await sql.create(index: "activities_kind_period").on(Activity.schema).column("kind").column("period").run()
        let training = ActivityKind()
        training.code = "training"
        training.name = "培训完成"
        training.createdAt = clock.now()
        try await training.create(on: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Activity.schema).delete()
        try await db.schema(ActivityKind.schema).delete()
    }
}
