import Fluent
import Foundation

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
}
