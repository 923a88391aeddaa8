import Fluent
import SQLKit

struct M030CreatePromotion: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LadderVersion.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("body", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await db.schema(PromotionEvaluation.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("period", .string, .required)
            .field("ladder_id", .int, .required, .references(LadderVersion.schema, .id))
            .field("status", .string, .required)
            .field("cursor", .int, .required)
            .field("evaluated", .int, .required)
            .field("proposed", .int, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .unique(on: "period")
            .create()
        try await db.schema(PromotionProposal.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("period", .string, .required)
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("from_tier", .string, .required)
            .field("to_tier", .string, .required)
            .field("move", .string, .required)
            .field("measures", .string, .required)
            .field("status", .string, .required)
            .field("decided_by", .string)
            .field("decided_at", .datetime)
            .field("note", .string, .required)
            .unique(on: "period", "member_id")
            .create()
        try await db.schema(TierChange.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("from_tier", .string, .required)
            .field("to_tier", .string, .required)
            .field("reason", .string, .required)
            .field("proposal_id", .int)
            .field("by", .string, .required)
            .field("at", .datetime, .required)
            .create()
        try await db.schema(ComplianceCase.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("summary", .string, .required)
            .field("opened_by", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("closed_by", .string)
            .field("closed_at", .datetime)
            .field("resolution", .string, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "promotion_proposals_status").on(PromotionProposal.schema).column("period").column("status").run()
        try await sql.create(index: "tier_changes_member").on(TierChange.schema).column("member_id").run()
        try await sql.create(index: "compliance_cases_member").on(ComplianceCase.schema).column("member_id").run()
    }

    func revert(on db: any Database) async throws {
        for schema in [ComplianceCase.schema, TierChange.schema, PromotionProposal.schema, PromotionEvaluation.schema, LadderVersion.schema] {
            try await db.schema(schema).delete()
        }
    }
}
