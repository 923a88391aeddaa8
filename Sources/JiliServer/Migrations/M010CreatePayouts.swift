import Fluent

struct M010CreatePayouts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PayoutBatch.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("created_at", .datetime, .required)
            .field("created_by", .string, .required)
            .field("total_fen", .int64, .required)
            .create()
        try await db.schema(PayoutTransfer.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("batch_id", .int, .required, .references(PayoutBatch.schema, .id))
            .field("member_code", .string, .required)
            .field("amount_fen", .int64, .required)
            .field("reference", .string, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayoutTransfer.schema).delete()
        try await db.schema(PayoutBatch.schema).delete()
    }
}
