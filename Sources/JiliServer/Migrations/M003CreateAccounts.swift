import Fluent
import SQLKit

/// Accounts (sign-in, role) and sign-in attempts (rate limiting shared by all instances).
struct M003CreateAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Account.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("username", .string, .required)
            .field("phone", .string)
            .field("password_hash", .string, .required)
            .field("role", .string, .required)
            .field("member_id", .int, .references(Member.schema, .id))
            .field("department_id", .int, .references(Department.schema, .id))
            .field("created_at", .datetime)
            .unique(on: "username")
            .unique(on: "phone")
            .create()
        try await db.schema(SignInAttempt.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .field("succeeded", .bool, .required)
            .create()
        let sql = db.sql
        try await sql.create(index: "sign_in_attempts_key_at").on(SignInAttempt.schema).column("key").column("at").run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(SignInAttempt.schema).delete()
        try await db.schema(Account.schema).delete()
    }
}
