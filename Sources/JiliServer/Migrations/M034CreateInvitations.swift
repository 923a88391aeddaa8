import Fluent
import SQLKit

/// Everyone signs in: invitations and password resets (one-time links, stored as a hash), accounts
/// that can be disabled and whose sessions end together, and the WeChat an account is bound to.
struct M034CreateInvitations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Account.schema)
            .field("disabled_at", .datetime)
            .update()
        try await db.schema(Account.schema).field("disabled_reason", .string).update()
        try await db.schema(Account.schema).field("sign_in_version", .int, .required, .sql(.default(0))).update()
        try await db.schema(Account.schema).field("wechat_openid", .string).update()
        try await db.schema(Account.schema).field("wechat_unionid", .string).update()
        let sql = db.sql
        try await sql.create(index: "accounts_wechat_openid").on(Account.schema).column("wechat_openid").unique().run()
        // One account per member (staff accounts without a member are many).
        try await sql.create(index: "accounts_member").on(Account.schema).column("member_id").unique().run()
        try await db.schema(Invitation.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("selector", .string, .required)
            .field("verifier_hash", .string, .required)
            .field("purpose", .string, .required)
            .field("member_id", .int, .references(Member.schema, .id))
            .field("account_id", .int, .references(Account.schema, .id))
            .field("role", .string, .required)
            .field("department_id", .int, .references(Department.schema, .id))
            .field("label", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "selector")
            .create()
        try await sql.create(index: "invitations_member").on(Invitation.schema).column("member_id").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Invitation.schema).delete()
        let sql = db.sql
        try await sql.drop(index: "accounts_member").run()
        try await sql.drop(index: "accounts_wechat_openid").run()
        for field in ["wechat_unionid", "wechat_openid", "sign_in_version", "disabled_reason", "disabled_at"] {
            try await db.schema(Account.schema).deleteField(.string(field)).update()
        }
    }
}
