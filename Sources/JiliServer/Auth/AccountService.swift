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
            let account = Account(username: username, phone: phone?.isEmpty == false ? phone : nil, passwordHash: passwordHash, role: .leader, memberID: member.id, name: member.name)
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

    // MARK: Passwords, roles, disabling

    /// A new password (the current one was checked by the caller): every session of the account ends.
    /// The account is read again in the transaction (the signed-in copy may be a few seconds old and
    /// must not write back a role or a disabling it has not seen); the fresh account is returned.
    func changePassword(_ signedIn: Account, to passwordHash: String) async throws -> Account {
        let now = clock.now()
        return try await db.transaction { db in
            guard let account = try await Account.find(signedIn.id, on: db), account.isEnabled else { throw Refusal(key: "signin_disabled", status: .forbidden) }
            account.passwordHash = passwordHash
            account.signInVersion += 1
            try await account.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "change_password", entity: "account", id: "\(account.id!)",
                                   before: nil, after: ["sessions": "ended"])
            return account
        }
    }

    /// The leader gives an account its role (a department manager's with the department) or takes
    /// it back (agent, for a member). The leader's own account keeps its role.
    func setRole(_ account: Account, to role: Role, department: Department?, by actor: Actor) async throws {
        guard account.roleValue != .leader, account.id != actor.accountID else { throw Refusal(key: "accounts_error_own_role") }
        try InvitationService.check(role: role, department: department)
        if role == .agent, account.$member.id == nil { throw Refusal(key: "accounts_error_agent_member", field: "role") }
        let now = clock.now()
        let before = ["role": account.role, "department": account.$department.id.map { "\($0)" } ?? ""]
        try await db.transaction { db in
            account.role = role.rawValue
            account.$department.id = role == .departmentManager ? department?.id : nil
            try await account.save(on: db)
            try await InvitationService.revokeOpen(member: nil, account: account.id, at: now, on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "set_role", entity: "account", id: "\(account.id!)", before: before,
                                   after: ["role": account.role, "department": account.$department.id.map { "\($0)" } ?? ""])
        }
    }

    /// The leader disables an account (it signs in no more, its sessions and API tokens stop) or enables it again.
    func setEnabled(_ account: Account, _ enabled: Bool, by actor: Actor) async throws {
        guard account.roleValue != .leader, account.id != actor.accountID else { throw Refusal(key: "accounts_error_own_role") }
        guard account.isEnabled != enabled else { return }
        let now = clock.now()
        try await db.transaction { db in
            account.disabledAt = enabled ? nil : now
            account.disabledReason = enabled ? nil : .leader
            account.signInVersion += 1
            try await account.save(on: db)
            if !enabled { try await InvitationService.revokeOpen(member: nil, account: account.id, at: now, on: db) }
            try await Audit.record(on: db, at: now, actor: actor, action: enabled ? "enable" : "disable", entity: "account", id: "\(account.id!)",
                                   before: ["enabled": enabled ? "no" : "yes"], after: ["enabled": enabled ? "yes" : "no"])
        }
    }

    /// A member's status changed, in the caller's transaction: one who left can no longer sign in
    /// (their accounts disabled, sessions and tokens stopped); one who is back gets the accounts
    /// that were disabled because they left.
    static func memberStatusChanged(_ member: Member, at now: Date, by actor: Actor, on db: any Database) async throws {
        if member.status == .left { try await InvitationService.revokeOpen(member: member.id, account: nil, at: now, on: db) }
        let accounts = try await Account.query(on: db).filter(\.$member.$id == member.id!).all()
        for account in accounts {
            if member.status == .left, account.isEnabled {
                account.disabledAt = now
                account.disabledReason = .left
                try await InvitationService.revokeOpen(member: nil, account: account.id, at: now, on: db)
            } else if member.status != .left, account.disabledReason == .left {
                account.disabledAt = nil
                account.disabledReason = nil
            } else {
                continue
            }
            account.signInVersion += 1
            try await account.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: account.isEnabled ? "enable" : "disable", entity: "account", id: "\(account.id!)",
                                   before: nil, after: ["enabled": account.isEnabled ? "yes" : "no", "member_status": member.status.rawValue])
        }
    }

    /// Binds the account to a WeChat user (who then signs in with 微信登录 and receives messages);
    /// a WeChat bound to another account is refused.
    func bindWeChat(_ signedIn: Account, openID: String, unionID: String?) async throws {
        guard signedIn.wechatOpenID != openID else { return }
        let now = clock.now()
        try await db.transaction { db in
            guard let account = try await Account.find(signedIn.id, on: db) else { return }
            if let other = try await Account.query(on: db).filter(\.$wechatOpenID == openID).first(), other.id != account.id {
                throw Refusal(key: "wechat_error_bound_elsewhere")
            }
            let before = ["wechat": account.wechatOpenID == nil ? "no" : "yes"]
            account.wechatOpenID = openID
            account.wechatUnionID = unionID
            try await account.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "bind_wechat", entity: "account", id: "\(account.id!)",
                                   before: before, after: ["wechat": "yes"])
        }
    }
}
