import Fluent

/// A question can be about one line of a statement (an order, a downline member): the line, as the
/// member read it, is kept with the question.
struct M037AddDisputeLine: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Dispute.schema).field("line", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Dispute.schema).deleteField("line").update()
    }
}
