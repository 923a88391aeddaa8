import Fluent
import SQLKit

/// Accounts carry the name of the person: a member's name (kept in step when the member is renamed)
/// or, for staff, the name their invitation was made for. Pages greet and list people by it.
struct M036AddAccountNames: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Account.schema).field("display_name", .string).update()
        try await db.sql.raw("UPDATE accounts SET display_name = (SELECT name FROM members WHERE members.id = accounts.member_id) WHERE member_id IS NOT NULL").run()
        // Staff: the name the invitation they accepted was made for (the first link that names the account).
        try await db.sql.raw("""
            UPDATE accounts SET display_name = (SELECT label FROM invitations WHERE invitations.account_id = accounts.id ORDER BY invitations.id LIMIT 1)
            WHERE member_id IS NULL
            """).run()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Account.schema).deleteField("display_name").update()
    }
}
