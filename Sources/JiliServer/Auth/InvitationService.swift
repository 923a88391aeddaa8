import Fluent
import Foundation
import SQLKit

/// Invitations and password resets: one-time links, valid 7 days unless said otherwise, stored as a
/// selector and a hash. A new link for the same member (or account) replaces the open one. Using a
/// link is a conditional update, so that two people opening it at the same moment make one account.
/// Making links hashes no password: at 100,000 members a bulk invitation takes seconds.
struct InvitationService {
    let db: any Database
    let clock: JiliClock

    static let defaultDays = 7
    static let maxDays = 90

    /// A link made: the invitation and its token (shown once).
    struct Made: Sendable {
        let invitation: Invitation
        let token: LinkToken
    }

    /// The days a link stays valid, as asked.
    static func check(days: Int) throws {
        guard (1...maxDays).contains(days) else { throw Refusal(key: "invite_error_days", values: ["value": "\(days)", "max": "\(maxDays)"], field: "days") }
    }

    /// The role an invitation may grant with its department: a department manager's needs one.
    static func check(role: Role, department: Department?) throws {
        guard role != .leader else { throw Refusal(key: "accounts_error_leader_role", field: "role") }
        if role == .departmentManager, department == nil { throw Refusal(key: "accounts_error_department", field: "department") }
    }

    /// An invitation for a member who has no account yet, granting `role` (agent unless the leader says otherwise).
    func invite(_ member: Member, role: Role = .agent, department: Department? = nil, days: Int = defaultDays, by actor: Actor) async throws -> Made {
        try Self.check(days: days)
        try Self.check(role: role, department: department)
        guard member.status != .left else { throw Refusal(key: "invite_error_left", values: ["member": "\(member.name) (\(member.code))"]) }
        return try await db.transaction { db in
            guard try await Account.query(on: db).filter(\.$member.$id == member.id!).first() == nil else {
                throw Refusal(key: "invite_error_has_account", values: ["member": "\(member.name) (\(member.code))"])
            }
            return try await make(.invite, member: member, account: nil, role: role, department: role == .departmentManager ? department : nil,
                                  label: member.name, days: days, by: actor, on: db)
        }
    }

    /// An invitation for a staff person who is not a member (finance, a trainer…), named as the leader names them.
    func inviteStaff(name text: String, role: Role, department: Department?, days: Int = defaultDays, by actor: Actor) async throws -> Made {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 40 else { throw Refusal(key: "invite_error_name", field: "name") }
        guard role != .agent else { throw Refusal(key: "invite_error_staff_role", field: "role") }
        try Self.check(days: days)
        try Self.check(role: role, department: department)
        return try await db.transaction { db in
            try await make(.invite, member: nil, account: nil, role: role, department: department, label: name, days: days, by: actor, on: db)
        }
    }

    /// Invitations for many members at once (as agents), in one transaction and one audit entry;
    /// members who have an account or left are left out. Their earlier open agent links stop working.
    func inviteAll(_ members: [Member], days: Int = defaultDays, by actor: Actor) async throws -> [(member: Member, token: LinkToken)] {
        try Self.check(days: days)
        let now = clock.now()
        let expires = now.addingTimeInterval(Double(days) * 86_400)
        return try await db.transaction { db in
            var withAccount = Set<Int>()
            let ids = members.compactMap(\.id)
            for chunk in stride(from: 0, to: ids.count, by: 1_000) {
                let part = Array(ids[chunk..<min(ids.count, chunk + 1_000)])
                for a in try await Account.query(on: db).filter(\.$member.$id ~~ part).all() { if let m = a.$member.id { withAccount.insert(m) } }
                try await Invitation.query(on: db).filter(\.$member.$id ~~ part).filter(\.$role == Role.agent.rawValue).filter(\.$usedAt == nil)
                    .filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            }
            var made: [(member: Member, token: LinkToken)] = []
            var rows: [Invitation] = []
            for m in members where !withAccount.contains(m.id!) && m.status != .left {
                let token = LinkToken.generate()
                rows.append(Self.row(.invite, token: token, member: m, account: nil, role: .agent, department: nil, label: m.name, expires: expires, at: now, by: actor))
                made.append((m, token))
            }
            try await BatchInsert.insert(rows, on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "invite_all", entity: "invitation", id: "\(made.count)", before: nil,
                                   after: ["invited": "\(made.count)", "days": "\(days)"])
            return made
        }
    }

    /// A password reset link for an account (enabled, with a password or not).
    func reset(_ account: Account, days: Int = defaultDays, by actor: Actor) async throws -> Made {
        try Self.check(days: days)
        guard account.isEnabled else { throw Refusal(key: "reset_error_disabled", values: ["account": account.username]) }
        return try await db.transaction { db in
            let member = try await account.$member.get(on: db)
            return try await make(.reset, member: nil, account: account, role: account.roleValue, department: nil, label: member?.name ?? account.username,
                                  days: days, by: actor, on: db)
        }
    }

    func revoke(_ invitation: Invitation, by actor: Actor) async throws {
        let now = clock.now()
        guard invitation.state(at: now) == .open else { throw Refusal(key: "invite_error_\(invitation.state(at: now))") }
        try await db.transaction { db in
            invitation.revokedAt = now
            try await invitation.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "revoke", entity: "invitation", id: "\(invitation.id!)",
                                   before: ["state": "open"], after: ["state": "revoked"])
        }
    }

    /// Uses an invitation: the account is made with the chosen username and password (or none, when
    /// WeChat is bound instead) and the member's phone to sign in with; the link is used up.
    func accept(_ invitation: Invitation, username text: String, passwordHash: String, wechat: (openID: String, unionID: String?)? = nil) async throws -> Account {
        let username = text.trimmingCharacters(in: .whitespaces)
        try Self.check(username: username)
        let now = clock.now()
        return try await db.transaction { db in
            try await use(invitation, purpose: .invite, at: now, on: db)
            if let member = try await Member.find(invitation.$member.id, on: db), member.status == .left {
                throw Refusal(key: "invite_error_left", values: ["member": "\(member.name) (\(member.code))"])
            }
            if let member = invitation.member, try await Account.query(on: db).filter(\.$member.$id == member.id!).first() != nil {
                throw Refusal(key: "invite_error_has_account", values: ["member": "\(member.name) (\(member.code))"])
            }
            guard try await Account.query(on: db).group(.or, { $0.filter(\.$username == username).filter(\.$phone == username) }).first() == nil else {
                throw Refusal(key: "invite_error_username_taken", values: ["value": username], field: "username")
            }
            // The member's phone signs in too, unless another account has it.
            var phone = invitation.member?.phone.flatMap { $0.isEmpty ? nil : $0 }
            if let p = phone, try await Account.query(on: db).group(.or, { $0.filter(\.$phone == p).filter(\.$username == p) }).first() != nil { phone = nil }
            if let openID = wechat?.openID, try await Account.query(on: db).filter(\.$wechatOpenID == openID).first() != nil {
                throw Refusal(key: "wechat_error_bound_elsewhere")
            }
            let account = Account(username: username, phone: phone, passwordHash: passwordHash, role: invitation.roleValue,
                                  memberID: invitation.$member.id, departmentID: invitation.$department.id,
                                  name: try await Member.find(invitation.$member.id, on: db)?.name ?? invitation.label)
            account.wechatOpenID = wechat?.openID
            account.wechatUnionID = wechat?.unionID
            try await account.create(on: db)
            invitation.$account.id = account.id
            try await invitation.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "account", id: "\(account.id!)", before: nil,
                                   after: ["username": username, "role": account.role, "member": invitation.member?.code ?? "", "invitation": "\(invitation.id!)",
                                           "wechat": wechat == nil ? "no" : "yes"])
            return account
        }
    }

    /// Open links of a member or an account stop working: the member left, the account was disabled
    /// or given another role (a reset link allowed for what it was must not open what it is now).
    static func revokeOpen(member: Int?, account: Int?, at now: Date, on db: any Database) async throws {
        if let member {
            try await Invitation.query(on: db).filter(\.$member.$id == member).filter(\.$usedAt == nil).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
        }
        if let account {
            try await Invitation.query(on: db).filter(\.$account.$id == account).filter(\.$usedAt == nil).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
        }
    }

    /// Uses a reset link: the account's new password, and every session of it ends.
    func accept(reset invitation: Invitation, passwordHash: String) async throws -> Account {
        let now = clock.now()
        return try await db.transaction { db in
            try await use(invitation, purpose: .reset, at: now, on: db)
            guard let account = try await Account.find(invitation.$account.id, on: db), account.isEnabled else {
                throw Refusal(key: "reset_error_disabled", values: ["account": invitation.label])
            }
            // The link was allowed for the account as it was: a role given since voids it.
            guard account.role == invitation.role else { throw Refusal(key: "invite_error_revoked", status: .conflict) }
            account.passwordHash = passwordHash
            account.signInVersion += 1
            try await account.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "reset_password", entity: "account", id: "\(account.id!)",
                                   before: nil, after: ["invitation": "\(invitation.id!)"])
            return account
        }
    }

    /// A username people can type: 3 to 30 letters (any script), digits, `_`, `.` or `-`.
    static func check(username: String) throws {
        guard (3...30).contains(username.count), username.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }),
              !["system", "api"].contains(username.lowercased()) else {
            throw Refusal(key: "invite_error_username", values: ["value": username], field: "username")
        }
    }

    // MARK: -

    private func make(_ purpose: Invitation.Purpose, member: Member?, account: Account?, role: Role, department: Department?, label: String,
                      days: Int, by actor: Actor, on db: any Database) async throws -> Made {
        let now = clock.now()
        // Only the newest link for someone works.
        var earlier = Invitation.query(on: db).filter(\.$purpose == purpose).filter(\.$role == role.rawValue).filter(\.$usedAt == nil).filter(\.$revokedAt == nil)
        if let member { earlier = earlier.filter(\.$member.$id == member.id!) } else if let account { earlier = earlier.filter(\.$account.$id == account.id!) }
        if member != nil || account != nil { try await earlier.set(\.$revokedAt, to: now).update() }
        let token = LinkToken.generate()
        let row = Self.row(purpose, token: token, member: member, account: account, role: role, department: department, label: label,
                           expires: now.addingTimeInterval(Double(days) * 86_400), at: now, by: actor)
        try await row.create(on: db)
        try await Audit.record(on: db, at: now, actor: actor, action: purpose == .invite ? "invite" : "reset_link", entity: "invitation", id: "\(row.id!)",
                               before: nil, after: ["for": member?.code ?? account?.username ?? label, "role": role.rawValue, "days": "\(days)"])
        return Made(invitation: row, token: token)
    }

    private static func row(_ purpose: Invitation.Purpose, token: LinkToken, member: Member?, account: Account?, role: Role, department: Department?,
                            label: String, expires: Date, at now: Date, by actor: Actor) -> Invitation {
        let i = Invitation()
        i.selector = token.selector
        i.verifierHash = token.verifierHash
        i.purpose = purpose
        i.$member.id = member?.id
        i.$account.id = account?.id
        i.role = role.rawValue
        i.$department.id = department?.id
        i.label = label
        i.expiresAt = expires
        i.createdBy = actor.name
        i.createdAt = now
        return i
    }

    /// Marks the link used, once: a second use at the same moment finds it used and is refused.
    private func use(_ invitation: Invitation, purpose: Invitation.Purpose, at now: Date, on db: any Database) async throws {
        guard invitation.purpose == purpose else { throw Refusal(key: "invite_error_wrong_link") }
        let state = invitation.state(at: now)
        guard state == .open else { throw Refusal(key: "invite_error_\(state)", status: .conflict) }
        let won = try await db.sql.raw("""
            UPDATE invitations SET used_at = \(bind: now) WHERE id = \(bind: invitation.id!) AND used_at IS NULL AND revoked_at IS NULL RETURNING id
            """).all()
        guard won.count == 1 else {
            let fresh = try await Invitation.find(invitation.id, on: db) ?? invitation
            throw Refusal(key: "invite_error_\(fresh.state(at: now) == .open ? Invitation.State.used : fresh.state(at: now))", status: .conflict)
        }
        invitation.usedAt = now
    }
}
