import Fluent
import FluentPostgresDriver
import Foundation
import PostgresNIO
import SQLKit
import Vapor
#if canImport(Glibc)
import Glibc
#endif

/// Work that one instance at a time does among all the `jili` processes on one database: migrating,
/// `jili jobs`, sending the outbox. On PostgreSQL a session advisory lock held on a connection opened
/// for it; on a SQLite file an exclusive `flock` of a file beside it. Either is let go when the process
/// ends, however it ends, so another instance takes the work over.
struct InstanceLock {
    let app: Application

    /// Runs `body` holding the lock `name`, waiting for it while another instance holds it.
    func exclusively<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let result = try await run(name, wait: true, body) else { throw Abort(.internalServerError, reason: "lock \(name) not taken") }
        return result
    }

    /// Runs `body` holding the lock `name` when no other instance holds it; nil (nothing run) when one does.
    func ifFree<T: Sendable>(_ name: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        try await run(name, wait: false, body)
    }

    /// The lock's number: FNV-1a of its name, so that every instance agrees on it.
    static func key(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ("jili:" + name).utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return Int64(bitPattern: hash)
    }

    private func run<T: Sendable>(_ name: String, wait: Bool, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        switch app.jiliConfig.database {
        case .postgres(let url, let schema):
            // Advisory locks are the whole database's: a schema of its own (another team, a test) has its own locks.
            let key = Self.key((schema ?? "") + "/" + name)
            // A connection of its own, opened for the lock and closed with it (closing lets go too).
            let conn = try await PostgresConnection.connect(on: app.eventLoopGroup.any(), configuration: try SQLPostgresConfiguration(url: url).coreConfiguration,
                                                            id: 1, logger: app.logger).get()
            do {
                if wait {
                    _ = try await conn.query("SELECT pg_advisory_lock(\(key))", logger: app.logger)
                } else {
                    var got = false
                    for try await taken in try await conn.query("SELECT pg_try_advisory_lock(\(key))", logger: app.logger).decode(Bool.self) { got = taken }
                    guard got else {
                        try? await conn.close()
                        return nil
                    }
                }
                let result = try await body()
                _ = try? await conn.query("SELECT pg_advisory_unlock(\(key))", logger: app.logger)
                try? await conn.close()
                return result
            } catch {
                try? await conn.close()
                throw error
            }
        case .sqlite(let path):
            guard path != ":memory:" else { return try await body() }
            let fd = open(path + ".lock-" + name, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Abort(.internalServerError, reason: "cannot open the lock file of \(name)") }
            defer { close(fd) }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                guard wait else { return nil }
                try await Task.sleep(for: .milliseconds(100))
            }
            defer { flock(fd, LOCK_UN) }
            return try await body()
        }
    }
}

extension Application {
    private struct ReadyKey: StorageKey { typealias Value = Bool }
    /// Set once the migrations ran: `/readyz` answers 200 from then on (when the database answers).
    var isReady: Bool {
        get { storage[ReadyKey.self] ?? false }
        set { storage[ReadyKey.self] = newValue }
    }
}
