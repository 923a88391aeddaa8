import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Values read from the database kept a few seconds per instance, so that a signed-in page does not
/// read its session and its account again on every request. A change made on this instance is seen
/// at once (the driver and the account middleware below keep the copy up to date); a change made on
/// another instance of the same database (signing out there, a role changed there) is seen here at
/// most `lifetime` seconds later. Ages are measured on the monotonic clock: a change of the machine's
/// date neither keeps a copy longer nor drops it early.
final class RecentReads<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    typealias Instant = ContinuousClock.Instant
    let lifetime: Duration
    let capacity: Int
    private let box = NIOLockedValueBox<[Key: (at: Instant, value: Value)]>([:])

    init(lifetime: TimeInterval, capacity: Int = 100_000) {
        self.lifetime = .milliseconds(Int64((lifetime * 1000).rounded()))
        self.capacity = capacity
    }

    /// The kept value when it was read less than `lifetime` ago.
    func fresh(_ key: Key, now: Instant = .now) -> Value? {
        box.withLockedValue { kept in
            guard let k = kept[key] else { return nil }
            let age = k.at.duration(to: now)
            return age >= .zero && age < lifetime ? k.value : nil
        }
    }

    func keep(_ key: Key, _ value: Value, now: Instant = .now) {
        box.withLockedValue { kept in
            if kept.count >= capacity {
                kept = kept.filter { $0.value.at.duration(to: now) < lifetime }
                if kept.count >= capacity { kept.removeAll(keepingCapacity: true) }
            }
            kept[key] = (now, value)
        }
    }

    func forget(_ key: Key) {
        _ = box.withLockedValue { $0.removeValue(forKey: key) }
    }

    var count: Int { box.withLockedValue { $0.count } }
}

/// Sessions in the database (so that every instance knows them), read through ``RecentReads``; a
/// request that changed nothing in its session writes nothing back.
struct KeptSessions: SessionDriver {
    let stored: any SessionDriver
    let recent: RecentReads<String, SessionData>

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        stored.createSession(data, for: request).map { id in
            recent.keep(id.string, data)
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        if let data = recent.fresh(sessionID.string) { return request.eventLoop.makeSucceededFuture(data) }
        return stored.readSession(sessionID, for: request).map { data in
            if let data { recent.keep(sessionID.string, data) }
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if recent.fresh(sessionID.string) == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        return stored.updateSession(sessionID, to: data, for: request).map { id in
            recent.keep(sessionID.string, data)
            return id
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        recent.forget(sessionID.string)
        return stored.deleteSession(sessionID, for: request)
    }
}

/// The signed-in account of a session, read through ``RecentReads``. Each request gets its own copy
/// of the account, so that nothing a request does to it reaches another.
struct KeptAccountAuthenticator: AsyncSessionAuthenticator {
    typealias User = Account
    let recent: RecentReads<Int, Account.Row>

    func authenticate(sessionID: Int, for request: Request) async throws {
        let account: Account
        if let row = recent.fresh(sessionID) {
            account = row.account()
        } else {
            guard let found = try await Account.find(sessionID, on: request.db) else { return }
            recent.keep(sessionID, found.row)
            account = found
        }
        // A disabled account, or a session signed in before the password changed, is no one.
        guard account.isEnabled, request.session.signInVersion == account.signInVersion else { return }
        request.auth.login(account)
    }
}

/// Every save or deletion of an account through Fluent on this instance drops its kept copy.
struct AccountChanges: AsyncModelMiddleware {
    let recent: RecentReads<Int, Account.Row>

    func update(model: Account, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        if let id = model.id { recent.forget(id) }
    }

    func delete(model: Account, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.delete(model, force: force, on: db)
        if let id = model.id { recent.forget(id) }
    }
}

extension Account {
    /// An account's columns as a value.
    struct Row: Sendable {
        let id: Int
        let username: String
        let phone: String?
        let passwordHash: String
        let role: String
        let memberID: Int?
        let departmentID: Int?
        let createdAt: Date?
        let disabledAt: Date?
        let disabledReason: DisabledReason?
        let signInVersion: Int
        let wechatOpenID: String?
        let wechatUnionID: String?
        let displayName: String?

        func account() -> Account {
            let a = Account(username: username, phone: phone, passwordHash: passwordHash, role: Role(rawValue: role) ?? .agent,
                            memberID: memberID, departmentID: departmentID)
            a.role = role
            a.id = id
            a.createdAt = createdAt
            a.disabledAt = disabledAt
            a.disabledReason = disabledReason
            a.signInVersion = signInVersion
            a.wechatOpenID = wechatOpenID
            a.wechatUnionID = wechatUnionID
            a.displayName = displayName
            a.$id.exists = true
            return a
        }
    }

    var row: Row {
        Row(id: id!, username: username, phone: phone, passwordHash: passwordHash, role: role,
            memberID: $member.id, departmentID: $department.id, createdAt: createdAt, disabledAt: disabledAt, disabledReason: disabledReason,
            signInVersion: signInVersion, wechatOpenID: wechatOpenID, wechatUnionID: wechatUnionID, displayName: displayName)
    }
}

extension Application {
    private struct SessionsKey: StorageKey { typealias Value = RecentReads<String, SessionData> }
    private struct AccountsKey: StorageKey { typealias Value = RecentReads<Int, Account.Row> }

    /// How long a session and its account are kept per instance.
    static let keptSignInSeconds: TimeInterval = 5

    var recentSessions: RecentReads<String, SessionData> {
        if let r = storage[SessionsKey.self] { return r }
        let r = RecentReads<String, SessionData>(lifetime: Self.keptSignInSeconds)
        storage[SessionsKey.self] = r
        return r
    }

    var recentAccounts: RecentReads<Int, Account.Row> {
        if let r = storage[AccountsKey.self] { return r }
        let r = RecentReads<Int, Account.Row>(lifetime: Self.keptSignInSeconds)
        storage[AccountsKey.self] = r
        return r
    }
}
