import Fluent
import SQLKit

/// What pages show of a whole team, computed by the job that changes it and read: each month's net
/// sales, headcount and active members of the team, of each department and of each member's branch
/// (``TeamFigures``); each member's estimate of the open month (``Estimates``); and when each was
/// computed, from what.
struct M041CreateTeamFigures: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(TeamFigures.table)
            .field("period", .string, .required)
            // "all" (scope_id 0), "department" (its id) or "branch" (the member at its top).
            .field("scope_kind", .string, .required)
            .field("scope_id", .int, .required)
            .field("sales_fen", .int64, .required)
            .field("members", .int, .required)
            .field("active", .int, .required)
            // The month's best sellers of the scope, "id:fen,…" (the team and departments only).
            .field("top", .string, .required, .sql(.default("")))
            .create()
        try await db.schema(Estimates.table)
            .field("period", .string, .required)
            .field("member_id", .int, .required)
            .field("total_fen", .int64, .required)
            .create()
        try await db.schema(TeamFigures.runs)
            .field("name", .string, .required)
            .field("computed_at", .datetime, .required)
            .field("fingerprint", .string, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "team_figures_key").on(TeamFigures.table).column("period").column("scope_kind").column("scope_id").unique().run()
        try await sql.create(index: "team_estimates_key").on(Estimates.table).column("period").column("member_id").unique().run()
        try await sql.create(index: "figure_runs_name").on(TeamFigures.runs).column("name").unique().run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TeamFigures.runs).delete()
        try await db.schema(Estimates.table).delete()
        try await db.schema(TeamFigures.table).delete()
    }
}
