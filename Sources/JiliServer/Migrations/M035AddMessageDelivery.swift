import Fluent
import SQLKit

/// The outbox is sent: when a message may be tried next, who claimed it and when, when the call to
/// WeChat began and ended, why it was not delivered; and WeChat's access token, shared by instances.
struct M035AddMessageDelivery: AsyncMigration {
    func prepare(on db: any Database) async throws {
        for (field, type) in [("next_attempt_at", DatabaseSchema.DataType.datetime), ("claim", .string), ("claimed_at", .datetime),
                              ("called_at", .datetime), ("sent_at", .datetime), ("reason", .string), ("wechat_msgid", .string)] {
            try await db.schema(OutboxMessage.schema).field(.string(field), type).update()
        }
        let sql = db.sql
        try await sql.create(index: "outbox_status").on(OutboxMessage.schema).column("status").column("id").run()
        try await sql.create(index: "outbox_created").on(OutboxMessage.schema).column("created_at").run()
        try await db.schema(WeChatAccessToken.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("app_id", .string, .required)
            .field("token", .string, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "app_id")
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(WeChatAccessToken.schema).delete()
        let sql = db.sql
        try await sql.drop(index: "outbox_created").run()
        try await sql.drop(index: "outbox_status").run()
        for field in ["wechat_msgid", "reason", "sent_at", "called_at", "claimed_at", "claim", "next_attempt_at"] {
            try await db.schema(OutboxMessage.schema).deleteField(.string(field)).update()
        }
    }
}
