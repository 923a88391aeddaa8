import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import JiliCore
import Leaf
import SQLKit
import Vapor

/// Sets up an application: database, migrations, sessions, views, middleware and routes.
/// Everything it needs comes in `config` (and `clock`, which tests fix); nothing is read from the
/// environment here.
public func configure(_ app: Application, config: AppConfig, clock: JiliClock? = nil) async throws {
    // The clock given (tests), else the configuration's: the machine's, or JILI_NOW's.
    let clock = clock ?? config.clock
    app.jiliConfig = config
    app.jiliClock = clock
    app.directory = DirectoryConfiguration(workingDirectory: config.home.hasSuffix("/") ? config.home : config.home + "/")

    switch config.database {
    case .sqlite(let path):
        app.databases.use(.sqlite(path == ":memory:" ? .memory : .file(path), sqlLogLevel: .debug), as: .sqlite)
        if path != ":memory:" {
            app.databases.use(.sqlite(.file(path), sqlLogLevel: .debug), as: .longReads, isDefault: false)
        }
    case .postgres(let url, let schema):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let schema { postgres.searchPath = [schema] }
        app.databases.use(.postgres(configuration: postgres), as: .psql)
        app.databases.use(.postgres(configuration: postgres), as: .longReads, isDefault: false)
        if let schema {
            let sql = app.db.sql
            // Two instances creating it at once: one of them is refused (a duplicate), and finds it made.
            do {
                try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
            } catch {
                struct Found: Decodable { let n: Int }
                let found = try await sql.raw("SELECT COUNT(*) AS n FROM information_schema.schemata WHERE schema_name = \(bind: schema)").first(decoding: Found.self)
                guard (found?.n ?? 0) > 0 else { throw error }
            }
        }
    }
    app.migrations.addJili(clock: clock)
    // The metrics system, before the first request reports to it.
    _ = JiliMetrics.registry
    // Caches shared by requests, made before any request (the application's storage is not for concurrent writes).
    _ = app.leaderboards

    // Sessions live in the database (every instance knows them); each instance keeps what it read a few seconds.
    let recentSessions = app.recentSessions
    app.sessions.use { app in KeptSessions(stored: app.fluent.sessions.driver(), recent: recentSessions) }
    app.databases.middleware.use(AccountChanges(recent: app.recentAccounts))
    app.sessions.configuration = SessionsConfiguration(cookieName: "jili_session") { id in
        HTTPCookies.Value(string: id.string, maxAge: 30 * 86_400,
                          path: "/", isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
    app.passwords.use(.bcrypt(cost: config.bcryptCost))

    // The API speaks ISO 8601 dates, both ways.
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .iso8601
    encoder.outputFormatting = [.sortedKeys]
    let decoder = JSONDecoder()
    // RFC 3339 date-times, fractions of a second and any offset included; an offset is required.
    decoder.dateDecodingStrategy = .custom { decoder in
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let t = Timestamp(parsing: text), let offset = t.offsetSeconds else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "\"\(text)\" is not a date-time with an offset (e.g. 2026-11-03T10:15:00+08:00)"))
        }
        return Date(timeIntervalSince1970: Double(t.wallSeconds - Int64(offset)))
    }
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(decoder: decoder, for: .json)

    app.views.use(.leaf)
    app.leaf.tags["t"] = MessageTag()
    app.leaf.tags["url"] = URLTag()
    app.catalog = try Catalog(folder: config.home + "/Resources/Locales")

    app.middleware = Middlewares()
    // Outermost, so that error pages (404, 403, 429, 500, the API's errors) carry them too.
    app.middleware.use(SecurityHeaders())
    app.middleware.use(ErrorPages())
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(Refusals())
    // After the sessions: the error page of a refused file path (`../`) shows the frame, which needs one.
    app.middleware.use(PublicFiles(folder: config.home + "/Public/"))

    try routes(app)

    // Instances started together migrate (and build the demo team) one after the other: the first
    // does it, the others find it done. Nothing to do (the usual restart), no lock is taken.
    let pending = (try? await app.migrator.previewPrepareBatch().get().count) ?? 1
    var demoWanted = config.demo && pending > 0
    if config.demo, pending == 0 {
        demoWanted = try await Member.query(on: app.db).count() == 0
        if demoWanted { demoWanted = try await Account.query(on: app.db).count() == 0 }
    }
    if pending > 0 || demoWanted {
        try await InstanceLock(app: app).exclusively("migrate") { [app] in
            if case .sqlite(let path) = config.database, path != ":memory:" {
                // Write-ahead logging (kept by the file once set): a long read does not hold up writers,
                // nor a writer the readers. Set under the lock: it needs the file to itself.
                try await app.db.sql.raw("PRAGMA journal_mode=WAL").run()
            }
            try await app.autoMigrate()
            if config.demo, try await Member.query(on: app.db).count() == 0, try await Account.query(on: app.db).count() == 0 {
                let demo = DemoTeam(clock: clock)
                try await demo.create(on: app.db, passwords: app.password.async)
                try await demo.settleDemoMonths(on: app.db, files: config.files)
            }
        }
    }
    app.isReady = true
}

extension DatabaseID {
    /// Connections of their own for reads that take seconds (a leaderboard's refresh), so that the
    /// pages answered meanwhile do not wait for a connection behind them.
    static let longReads = DatabaseID(string: "long-reads")
}

extension Application {
    /// The database for long reads: its own connections, or the default database in memory (a second
    /// in-memory database would be another, empty one).
    var longReads: any Database {
        databases.ids().contains(.longReads) ? db(.longReads) : db
    }

    private struct ConfigKey: StorageKey { typealias Value = AppConfig }
    private struct ClockKey: StorageKey { typealias Value = JiliClock }
    var jiliConfig: AppConfig {
        get { storage[ConfigKey.self]! }
        set { storage[ConfigKey.self] = newValue }
    }
    var jiliClock: JiliClock {
        get { storage[ClockKey.self] ?? JiliClock() }
        set { storage[ClockKey.self] = newValue }
    }
}
