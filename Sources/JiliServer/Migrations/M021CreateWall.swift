import Fluent
import SQLKit

struct M021CreateWall: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(WallPost.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("author_account_id", .int, .references(Account.schema, .id))
            .field("author_label", .string, .required)
            .field("member_id", .int, .references(Member.schema, .id))
            .field("text", .string, .required)
            .field("message", .string, .required)
            .field("values", .string, .required)
            .field("link", .string, .required)
            .field("photo", .string)
            .field("pinned", .bool, .required)
            .field("event", .string)
            .field("created_at", .datetime, .required)
            .field("hidden_at", .datetime)
            .field("hidden_by", .string)
            .field("hidden_reason", .string)
            .unique(on: "event")
            .create()
        try await db.schema(WallReaction.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("post_id", .int, .required, .references(WallPost.schema, .id))
            .field("account_id", .int, .required, .references(Account.schema, .id))
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "post_id", "account_id", "kind")
            .create()
        try await db.schema(WallComment.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("post_id", .int, .required, .references(WallPost.schema, .id))
            .field("account_id", .int, .required, .references(Account.schema, .id))
            .field("author_label", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .field("hidden_at", .datetime)
            .field("hidden_by", .string)
            .field("hidden_reason", .string)
            .create()
        let sql = db.sql
        try await sql.create(index: "wall_posts_member").on(WallPost.schema).column("member_id").run()
        try await sql.create(index: "wall_reactions_post").on(WallReaction.schema).column("post_id").run()
        try await sql.create(index: "wall_comments_post").on(WallComment.schema).column("post_id").column("id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(WallComment.schema).delete()
        try await db.schema(WallReaction.schema).delete()
        try await db.schema(WallPost.schema).delete()
    }
}
