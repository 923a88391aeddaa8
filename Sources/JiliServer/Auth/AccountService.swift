import Fluent
import Foundation

/// Accounts: the leader set up on the first visit, sign-in attempts counted, API tokens made and
/// revoked; each change with its audit entry in the same transaction.
struct AccountService {
    let db: any Database
    let clock: JiliClock

    /// Records a sign-in attempt under each key.
    func record(attempt succeeded: Bool, keys: [String]) async throws {
        let now = clock.now()
        for key in keys { try await SignInAttempt(key: key, at: now, succeeded: succeeded).save(on: db) }
    }

    /// The leader: an account for `member` (a member already imported), or for a new member m1 at the top.
    func createLeader(name: String, username: String, phone: String?, passwordHash: String, member existing: Member?) async throws -> Account {
        let now = clock.now()
        return try await db.transaction { db -> Account in
            let member: Member
            if let existing {
                member = existing
            } else {
                member = Member(code: "m1", name: name, phone: phone, sponsorID: nil, tier: "director", status: .active, joinedAt: now)
                try await member.create(on: db)
                member.path = Member.path(sponsorPath: nil, id: member.id!)
                try await member.save(on: db)
            }
            let account = Account(username: username, phone: phone?.isEmpty == false ? phone : nil, passwordHash: passwordHash, role: .leader, memberID: member.id)
            try await account.create(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "account", id: "\(account.id!)",
                                   before: nil, after: ["username": username, "role": "leader"])
            return account
        }
    }

    /// A new API token acting as `actsAs`; the token itself is returned once and only its hash is kept.
    func createToken(name text: String, actsAs: Account, by account: Account) async throws -> String {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw Refusal(key: "tokens_error_name", field: "name") }
        let token = ApiTokens.generate()
        let now = clock.now()
        try await db.transaction { db in
            let record = ApiToken(name: name, tokenHash: ApiTokens.hash(token), createdBy: account.username, createdAt: now)
            record.$account.id = actsAs.id
            try await record.create(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "api_token", id: "\(record.id!)",
                                   before: nil, after: ["name": name, "acts_as": actsAs.username])
        }
        return token
    }

    func revoke(_ token: ApiToken, by account: Account) async throws {
        guard token.revokedAt == nil else { return }
        let now = clock.now()
        token.revokedAt = now
        try await db.transaction { db in
            try await token.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "revoke", entity: "api_token", id: "\(token.id!)",
                                   before: ["revoked": "no"], after: ["revoked": "yes"])
        }
    }
}
