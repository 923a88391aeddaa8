import Fluent
import Foundation
import SQLKit

/// The reads of accounts, sign-in attempts, API tokens and the audit log.
struct AuthQueries {
    let db: any Database

    /// Whether anyone can sign in yet (before that, the first visit sets the leader up).
    func hasAccounts() async throws -> Bool { try await Account.query(on: db).count() > 0 }
    /// The account a login names: its username or its phone number.
    func account(login: String) async throws -> Account? {
        try await Account.query(on: db).group(.or) { $0.filter(\.$username == login).filter(\.$phone == login) }.first()
    }
    func account(_ id: Int?) async throws -> Account? { try await Account.find(id, on: db) }
    /// The account bound to a WeChat user.
    func account(wechat openID: String) async throws -> Account? { try await Account.query(on: db).filter(\.$wechatOpenID == openID).first() }
    /// Whether a name is free to be a username (no account has it as its username or phone).
    func isFree(username: String) async throws -> Bool {
        try await Account.query(on: db).group(.or) { $0.filter(\.$username == username).filter(\.$phone == username) }.first() == nil
    }
    func accounts() async throws -> [Account] { try await Account.query(on: db).sort(\.$username).all() }
    /// Failed sign-ins counted under a key (an account, a login, an address) since an instant.
    func failures(_ key: String, since: Date) async throws -> Int {
        try await SignInAttempt.query(on: db).filter(\.$key == key).filter(\.$at >= since).filter(\.$succeeded == false).count()
    }
    func tokens() async throws -> [ApiToken] { try await ApiToken.query(on: db).with(\.$account).sort(\.$id, .descending).all() }
    func token(_ id: Int?) async throws -> ApiToken? { try await ApiToken.find(id, on: db) }
    /// The latest audit entries, of one kind of thing when given.
    func audit(entity: String?, limit: Int) async throws -> [AuditEntry] {
        var query = AuditEntry.query(on: db)
        if let entity { query = query.filter(\.$entity == entity) }
        return try await query.sort(\.$id, .descending).limit(limit).all()
    }

    // Accounts and invitations of a team

    /// Accounts, with their members: of the members in `scope` (every account, staff too, for nil),
    /// those whose username, phone, member code or name contains `search`; at most `limit`.
    func accounts(scope: MemberScope?, search: String, limit: Int) async throws -> [Account] {
        var q = Account.query(on: db).join(parent: \.$member, method: .left).with(\.$member).with(\.$department)
        if let scope { q = scope.apply(joined: q).filter(\.$member.$id != nil) }
        let s = search.trimmingCharacters(in: .whitespaces)
        if !s.isEmpty {
            q = q.group(.or) { g in
                g.filter(\.$username =~ s).filter(\.$phone =~ s).filter(Member.self, \.$code == s).filter(Member.self, \.$name =~ s)
            }
        }
        return try await q.sort(\.$id).limit(limit).all()
    }

    func account(ofMember member: Member) async throws -> Account? { try await Account.query(on: db).filter(\.$member.$id == member.id!).first() }

    /// Members in `scope` (under `root` when given) who have no account, oldest first; at most
    /// `limit` (nil: all of them, for a bulk invitation). Members who left are not invited.
    func membersWithoutAccount(scope: MemberScope, under root: Member? = nil, search: String = "", limit: Int?) async throws -> [Member] {
        let sql = db.sql
        var q = sql.select().column(SQLColumn("id", table: "members")).from("members")
            .where(SQLColumn("status", table: "members"), .notEqual, SQLBind(MemberStatus.left.rawValue))
            .where(SQLRaw("NOT EXISTS (SELECT 1 FROM accounts a WHERE a.member_id = members.id)"))
            .within(scope)
        if let root { q = q.where(SQLColumn("path", table: "members"), .like, SQLBind(root.path + "%")) }
        let s = search.trimmingCharacters(in: .whitespaces)
        if !s.isEmpty {
            q = q.where { $0.where(SQLColumn("code", table: "members"), .equal, SQLBind(s)).orWhere(SQLColumn("name", table: "members"), .like, SQLBind("%" + s + "%")) }
        }
        q = q.orderBy(SQLColumn("id", table: "members"))
        if let limit { q = q.limit(limit) }
        let ids = try await q.all().map { try $0.decode(column: "id", as: Int.self) }
        var members: [Member] = []
        for chunk in stride(from: 0, to: ids.count, by: 1_000) {
            members += try await Member.query(on: db).filter(\.$id ~~ Array(ids[chunk..<min(ids.count, chunk + 1_000)])).sort(\.$id).all()
        }
        return members
    }

    /// The open invitations and reset links someone made, newest first.
    func openInvitations(createdBy name: String?, now: Date, limit: Int) async throws -> [Invitation] {
        var q = Invitation.query(on: db).filter(\.$usedAt == nil).filter(\.$revokedAt == nil).filter(\.$expiresAt > now).with(\.$member)
        if let name { q = q.filter(\.$createdBy == name) }
        return try await q.sort(\.$id, .descending).limit(limit).all()
    }

    /// The invitation a link's token names, whatever its state; nil when no link has this token
    /// (the selector finds the row, the secret's hash is compared in constant time).
    func invitation(token text: String) async throws -> Invitation? {
        guard let token = LinkToken(text),
              let found = try await Invitation.query(on: db).filter(\.$selector == token.selector).with(\.$member).with(\.$account).first(),
              token.matches(found.verifierHash) else { return nil }
        return found
    }

    func invitation(_ id: Int?) async throws -> Invitation? { try await Invitation.query(on: db).filter(\.$id == id ?? -1).with(\.$member).first() }
}
