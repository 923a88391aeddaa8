import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import JiliCore
import Leaf
import SQLKit
import Vapor

/// Sets up an application: database, migrations, sessions, views, middleware and routes.
/// Everything it needs comes in `config`; nothing is read from the environment here.
public func configure(_ app: Application, config: AppConfig, clock: JiliClock = JiliClock()) async throws {
    app.jiliConfig = config
    app.jiliClock = clock
    app.directory = DirectoryConfiguration(workingDirectory: config.home.hasSuffix("/") ? config.home : config.home + "/")

    switch config.database {
    case .sqlite(let path):
        app.databases.use(.sqlite(path == ":memory:" ? .memory : .file(path), sqlLogLevel: .debug), as: .sqlite)
    case .postgres(let url, let schema):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let schema { postgres.searchPath = [schema] }
        app.databases.use(.postgres(configuration: postgres), as: .psql)
        if let schema, let sql = app.db as? any SQLDatabase {
            try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
        }
    }
    app.migrations.addJili()
    // Caches shared by requests, made before any request (the application's storage is not for concurrent writes).
    _ = app.estimates
    _ = app.leaderboards

    app.sessions.use(.fluent)
    app.sessions.configuration = SessionsConfiguration(cookieName: "jili_session") { id in
        HTTPCookies.Value(string: id.string, expires: Date().addingTimeInterval(30 * 86_400), maxAge: 30 * 86_400,
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
    app.catalog = try Catalog(folder: config.home + "/Resources/Locales")

    app.middleware = Middlewares()
    app.middleware.use(ErrorPages())
    app.middleware.use(SecurityHeaders())
    app.middleware.use(FileMiddleware(publicDirectory: config.home + "/Public/"))
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(app.sessions.middleware)

    try routes(app)

    try await app.autoMigrate()
    if config.demo, try await Member.query(on: app.db).count() == 0, try await Account.query(on: app.db).count() == 0 {
        let demo = DemoTeam(clock: clock)
        try await demo.create(on: app.db, passwords: app.password.async)
        try await demo.settleDemoMonths(on: app.db)
    }
}

/// The time, passed in so that tests can fix it.
public struct JiliClock: Sendable {
    public var now: @Sendable () -> Date
    public var timeZone: TimeZone
    public init(now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai")!) {
        self.now = now
        self.timeZone = timeZone
    }

    /// The month of an instant in the team's time zone.
    public func period(of date: Date) -> Period {
        PlanClock(timeZone: timeZone).period(ofInstant: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    public var currentPeriod: Period { period(of: now()) }

    /// Dates for pages, in the team's time zone: `yyyy-MM-dd HH:mm` unless another pattern is given.
    public func format(_ date: Date, _ pattern: String = "yyyy-MM-dd HH:mm") -> String {
        let f = DateFormatter()
        f.dateFormat = pattern
        f.timeZone = timeZone
        return f.string(from: date)
    }
}

extension Application {
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
