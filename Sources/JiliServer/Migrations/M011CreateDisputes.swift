import Fluent

struct M011CreateDisputes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Dispute.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_code", .string, .required)
            .field("period", .string, .required)
            .field("rule", .string, .required)
            .field("message", .string, .required)
            .field("status", .string, .required)
            .field("answer", .string)
            .field("answered_by", .string)
            .field("adjustment_fen", .int64, .required)
            .field("created_at", .datetime, .required)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Dispute.schema).delete()
    }
}
