import Fluent
import SQLKit

struct M008CreateMemberSnapshots: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MemberSnapshot.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("member_id", .int, .required, .references(Member.schema, .id))
            .field("sponsor_id", .int)
            .field("tier", .string, .required)
            .field("status", .string, .required)
            .field("valid_until", .datetime, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "member_snapshots_until").on(MemberSnapshot.schema).column("valid_until").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(MemberSnapshot.schema).delete()
    }
}
