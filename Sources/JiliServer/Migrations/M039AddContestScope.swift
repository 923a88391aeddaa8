import Fluent
import SQLKit

/// A members' contest can be limited to a department or to a member's downline, and ranks the people
/// who run it (the leader, the operations director) only when it says so.
struct M039AddContestScope: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per statement: SQLite adds one at a time.
        try await db.schema(Contest.schema).field("scope", .string, .required, .sql(.default(""))).update()
        // Contests already running keep ranking whom they ranked; new ones say (not ranked by default).
        try await db.schema(Contest.schema).field("ranks_organisers", .bool, .required, .sql(.default(true))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Contest.schema).deleteField("ranks_organisers").update()
        try await db.schema(Contest.schema).deleteField("scope").update()
    }
}
