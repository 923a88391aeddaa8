import Fluent

/// Titles and catalogue privileges may give priority training seats (seated first at a session).
struct M032AddTrainingPriority: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Title.schema).field("training_priority", .bool, .required, .sql(.default(false))).update()
        try await db.schema(RewardItem.schema).field("training_priority", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(RewardItem.schema).deleteField("training_priority").update()
        try await db.schema(Title.schema).deleteField("training_priority").update()
    }
}
