import Fluent
import SQLKit

struct M033CreateStudySupport: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(StudyLimit.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("scope", .string, .required)
            .field("yearly_fen", .int64, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "scope")
            .create()
        try await db.schema(IndustryEvent.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("name", .string, .required)
            .field("organizer", .string, .required)
            .field("place", .string, .required)
            .field("starts_on", .string, .required)
            .field("ends_on", .string, .required)
            .field("apply_by", .string, .required)
            .field("link", .string, .required)
            .field("summary", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(EventApplication.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("event_id", .int, .required, .references(IndustryEvent.schema, .id))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("reason", .string, .required)
            .field("status", .string, .required)
            .field("requested_at", .datetime, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("note", .string, .required)
            .field("attended", .bool)
            .unique(on: "event_id", "member_id")
            .create()
        try await db.schema(StudyClaim.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("kind", .string, .required)
            .field("title", .string, .required)
            .field("spent_on", .string, .required)
            .field("year", .int, .required)
            .field("amount_fen", .int64, .required)
            .field("receipt", .string, .required)
            .field("event_id", .int, .references(IndustryEvent.schema, .id))
            .field("status", .string, .required)
            .field("created_at", .datetime, .required)
            .field("manager_by", .string)
            .field("manager_at", .datetime)
            .field("manager_account", .int)
            .field("finance_by", .string)
            .field("finance_at", .datetime)
            .field("refused_by", .string)
            .field("refused_at", .datetime)
            .field("note", .string, .required)
            .create()
        // Study claims paid back are not income: a transfer keeps the part of it that is not taxed.
        try await db.schema(PayoutTransfer.schema)
            .field("untaxed_fen", .int64, .required, .sql(.default(0)))
            .update()
        if let sql = db as? any SQLDatabase {
            try await sql.create(index: "study_claims_member_year").on(StudyClaim.schema).column("member_id").column("year").run()
            try await sql.create(index: "study_claims_status").on(StudyClaim.schema).column("status").run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayoutTransfer.schema).deleteField("untaxed_fen").update()
        for s in [StudyClaim.schema, EventApplication.schema, IndustryEvent.schema, StudyLimit.schema] { try await db.schema(s).delete() }
    }
}
