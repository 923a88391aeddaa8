import Foundation
import Fluent
import FluentPostgresDriver
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JiliServer

/// The package's root folder (Resources/ and Public/ are there).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// 2026-11-29 12:00 in Shanghai: the demo team's orders run up to here.
let testNow = Date(timeIntervalSince1970: 1_795_924_800)
/// `testNow` as `JILI_NOW` gives it to a `jili` process a test starts (its clock starts there).
let testNowText = "2026-11-29T12:00:00+08:00"
/// Three days later, on 2 December: November has ended and can be approved (the demo team is the
/// one built on `testNow`).
let decemberNow = testNow.addingTimeInterval(3 * 86_400)
let decemberNowText = "2026-12-02T12:00:00+08:00"

/// The variables of a faked machine clock (`.ci/run` runs suites under libfaketime at month and year
/// boundaries), passed on to the processes a test starts so that they see the same machine date.
let fakedMachineClock: [String: String] = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("FAKETIME") || $0.key == "LD_PRELOAD" }

/// Runs `body` with a fresh Jili on SQLite, or on PostgreSQL in a database of its own when
/// JILI_TEST_DATABASE_URL names one; dropped afterwards. The clock is fixed at `testNow`. With `demo`,
/// the demo team (300 members, three months settled) is built once per test run and each test gets
/// a copy of it (a file copy on SQLite, a database made from it as a template on PostgreSQL).
func withTestApp(demo: Bool = true, now: Date = testNow, configured: (inout AppConfig) -> Void = { _ in }, _ body: (Application) async throws -> Void) async throws {
    let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let place = try await TestDatabase.make(id: String(id), demo: demo)
    // Uploaded files in a folder of the test's own, removed afterwards.
    let files = NSTemporaryDirectory() + "jili-test-files-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: files) }
    var config = AppConfig(database: place.database, home: packageRoot, demo: demo, bcryptCost: 4, files: files)
    configured(&config)
    let app = try await makeTestApplication()
    do {
        try await configure(app, config: config, clock: JiliClock(now: { now }))
        try await body(app)
    } catch {
        try? await app.asyncShutdown()
        await place.drop()
        throw error
    }
    try await app.asyncShutdown()
    await place.drop()
}

/// The database of one test, and how it is dropped.
struct TestDatabase: Sendable {
    let database: AppConfig.Database
    let drop: @Sendable () async -> Void

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["JILI_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A database for a test: empty, or a copy of the demo template.
    static func make(id: String, demo: Bool) async throws -> TestDatabase {
        if let url = postgresURL {
            let name = "t_\(id)"
            let template = demo ? try await DemoTemplate.shared.postgresDatabase() : nil
            try await Postgres.run(url, "CREATE DATABASE \"\(name)\"" + (template.map { " TEMPLATE \"\($0)\"" } ?? ""))
            return TestDatabase(database: .postgres(url: Postgres.url(url, database: name))) {
                try? await Postgres.run(url, "DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
            }
        }
        let path = NSTemporaryDirectory() + "jili-test-\(id).sqlite"
        if demo { try FileManager.default.copyItem(atPath: try await DemoTemplate.shared.sqliteFile(), toPath: path) }
        return TestDatabase(database: .sqlite(path: path)) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }
}

/// The demo team, built once per test process through the app itself, to be copied per test.
actor DemoTemplate {
    static let shared = DemoTemplate()
    private var sqlite: Task<String, any Error>?
    private var postgres: Task<String, any Error>?

    /// Whether the process that made a template (its id is in the name) is gone.
    static func leftBehind(_ name: String, prefix: String) -> Bool {
        guard name.hasPrefix(prefix), let pid = Int32(name.dropFirst(prefix.count).prefix { $0.isNumber }) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// An SQLite file holding the demo team, checkpointed and closed.
    func sqliteFile() async throws -> String {
        if sqlite == nil {
            sqlite = Task {
                // The templates of earlier runs that ended (a template is kept to the end of its run).
                let folder = NSTemporaryDirectory()
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where Self.leftBehind(name, prefix: "jili-test-demo-") {
                    try? FileManager.default.removeItem(atPath: folder + name)
                }
                let path = NSTemporaryDirectory() + "jili-test-demo-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).sqlite"
                try await DemoTemplate.build(on: .sqlite(path: path))
                // Nothing left in a write-ahead log: the file alone is the database.
                for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                return path
            }
        }
        return try await sqlite!.value
    }

    /// A PostgreSQL database holding the demo team, with no one connected (a template must not be).
    func postgresDatabase() async throws -> String {
        if postgres == nil {
            postgres = Task {
                let url = TestDatabase.postgresURL!
                for old in try await Postgres.databases(url, like: "jili_demo_%") where Self.leftBehind(old, prefix: "jili_demo_") {
                    try? await Postgres.run(url, "DROP DATABASE IF EXISTS \"\(old)\" WITH (FORCE)")
                }
                let name = "jili_demo_\(ProcessInfo.processInfo.processIdentifier)_\(UUID().uuidString.prefix(8).lowercased())"
                try await Postgres.run(url, "CREATE DATABASE \"\(name)\"")
                try await DemoTemplate.build(on: .postgres(url: Postgres.url(url, database: name)))
                return name
            }
        }
        return try await postgres!.value
    }

    static func build(on database: AppConfig.Database) async throws {
        let app = try await makeTestApplication()
        do {
            let files = NSTemporaryDirectory() + "jili-test-files-" + UUID().uuidString
            try await configure(app, config: AppConfig(database: database, home: packageRoot, demo: true, bcryptCost: 4, files: files),
                                clock: JiliClock(now: { testNow }))
            if case .sqlite = database {
                let sql = app.db.sql
                try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
            }
            try? FileManager.default.removeItem(atPath: files)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}

/// Statements on the PostgreSQL server of the tests, outside any test's database.
enum Postgres {
    static func run(_ url: String, _ statement: String) async throws {
        let config = try SQLPostgresConfiguration(url: url)
        let connection = try await PostgresConnection.connect(configuration: config.coreConfiguration, id: 1, logger: Logger(label: "jili-test-admin"))
        do {
            _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "jili-test-admin"))
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    /// The names of the server's databases that match a LIKE pattern.
    static func databases(_ url: String, like pattern: String) async throws -> [String] {
        let config = try SQLPostgresConfiguration(url: url)
        let logger = Logger(label: "jili-test-admin")
        let connection = try await PostgresConnection.connect(configuration: config.coreConfiguration, id: 1, logger: logger)
        var names: [String] = []
        do {
            let rows = try await connection.query("SELECT datname FROM pg_database WHERE datname LIKE \(pattern)", logger: logger)
            for try await (name) in rows.decode(String.self) { names.append(name) }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
        return names
    }

    /// The same server and credentials, another database.
    static func url(_ url: String, database: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + database
        return parts.string ?? url
    }
}

/// An application for a test, logging warnings and errors only (every migration logs at `info`);
/// `JILI_TEST_LOG=info` (or `debug`, `trace`) asks for more.
func makeTestApplication() async throws -> Application {
    let app = try await Application.make(.testing)
    app.logger.logLevel = ProcessInfo.processInfo.environment["JILI_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return app
}


/// A visitor with a cookie jar: signs in through the form as a person would, with the CSRF token.
struct Visitor {
    let app: Application
    var cookies: [String: String] = [:]
    var language = "zh-CN"
    /// Send the page a form came from as `Referer`, as a browser does: a refused form then comes
    /// back to that page (303) with the reason and what was typed.
    var sendsReferer = false

    init(_ app: Application) { self.app = app }

    struct Page {
        let status: HTTPStatus
        let body: String
        let headers: HTTPHeaders
        /// The body as sent (a file's bytes).
        var bytes: [UInt8] = []
        var location: String? { headers.first(name: .location) }
        /// A refused form sent back to this page (``Flash``): its action, field, reason and values.
        var kept: [String: Any]? {
            guard let r = body.range(of: "data-kept=\"") else { return nil }
            let raw = String(body[r.upperBound...].prefix { $0 != "\"" })
            let json = raw.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
            return (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any]
        }
        var keptValues: [String: String]? { kept?["values"] as? [String: String] }

        /// The CSRF token of the page's forms (every signed-in page carries it in its head).
        var csrf: String? {
            guard let r = body.range(of: "name=\"_csrf\" value=\"") ?? body.range(of: "<meta name=\"csrf-token\" content=\"") else { return nil }
            return String(body[r.upperBound...].prefix { $0 != "\"" })
        }
    }

    mutating func request(_ method: HTTPMethod, _ path: String, form: [String: String]? = nil,
                          headers extra: [(String, String)] = []) async throws -> Page {
        var headers = HTTPHeaders()
        if !cookies.isEmpty { headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        headers.add(name: .acceptLanguage, value: language)
        for (k, v) in extra { headers.replaceOrAdd(name: k, value: v) }
        var page: Page?
        try await app.testing().test(method, path, headers: headers, beforeRequest: { req in
            if let form { try req.content.encode(form, as: .urlEncodedForm) }
        }, afterResponse: { res in
            page = Page(status: res.status, body: res.body.string, headers: res.headers, bytes: Array(res.body.readableBytesView))
        })
        for cookie in page!.headers[.setCookie] {
            let pair = cookie.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 {
                if cookie.contains("Max-Age=0") || cookie.contains("1970") { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
            }
        }
        return page!
    }

    mutating func get(_ path: String) async throws -> Page { try await request(.GET, path) }

    /// Posts a form with the CSRF token of `from` (a page with a form).
    mutating func post(_ path: String, _ form: [String: String], from: String = "/dashboard") async throws -> Page {
        let token = try await get(from).csrf ?? ""
        var fields = form
        fields["_csrf"] = token
        return try await request(.POST, path, form: fields, headers: refererHeaders(from))
    }

    /// Posts a form as a person does and reads the page it leads to: after a change the 303's
    /// target (with its one-time notice), or the page the answer is when there is no redirect.
    mutating func submit(_ path: String, _ form: [String: String], from: String = "/dashboard") async throws -> Page {
        let answer = try await post(path, form, from: from)
        guard answer.status == .seeOther, let location = answer.location else { return answer }
        return try await get(location)
    }

    /// Taps a form's button as a person does on the page `from`: the hidden fields of the form whose
    /// action is `path` (a preview's fingerprint, the choices it was made with), with `extra` typed in.
    mutating func press(_ path: String, from: String, _ extra: [String: String] = [:]) async throws -> Page {
        let page = try await get(from)
        var fields = Self.hiddenFields(page.body, action: path)
        for (k, v) in extra { fields[k] = v }
        return try await request(.POST, path, form: fields, headers: refererHeaders(from))
    }

    /// The hidden inputs (and a submit button's name and value) of the first form posting to `action`.
    static func hiddenFields(_ body: String, action: String) -> [String: String] {
        guard let start = body.range(of: "method=\"post\" action=\"\(action)\"") else { return [:] }
        let form = body[start.upperBound...]
        let end = form.range(of: "</form>").map { form[..<$0.lowerBound] } ?? form
        var out: [String: String] = [:]
        let tags = try! NSRegularExpression(pattern: "<(input|button)\\b[^>]*>")
        let text = String(end)
        for m in tags.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            let tag = String(text[Range(m.range, in: text)!])
            func attribute(_ name: String) -> String? {
                guard let r = tag.range(of: " \(name)=\"") else { return nil }
                return String(tag[r.upperBound...].prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
            }
            guard let name = attribute("name") else { continue }
            if tag.hasPrefix("<button") || attribute("type") == "hidden" { out[name] = attribute("value") ?? "" }
        }
        return out
    }

    /// Reads the page a 303 leads to, as a browser does; any other answer as it is.
    mutating func following(_ answer: Page) async throws -> Page {
        guard answer.status == .seeOther, let location = answer.location else { return answer }
        return try await get(location)
    }

    func refererHeaders(_ from: String) -> [(String, String)] {
        sendsReferer ? [("Referer", "http://localhost" + from), ("Host", "localhost")] : []
    }

    /// Posts a multipart form as a browser does: `fields` with the CSRF token of `from`, and a file.
    mutating func upload(_ path: String, _ fields: [String: String], file: (field: String, name: String, type: String, bytes: [UInt8])?,
                         from: String) async throws -> Page {
        let token = try await get(from).csrf ?? ""
        let boundary = "jili-test-boundary"
        var body = ByteBuffer()
        for (name, value) in fields.merging(["_csrf": token], uniquingKeysWith: { $1 }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        if let file {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        headers.add(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        for (k, v) in refererHeaders(from) { headers.replaceOrAdd(name: k, value: v) }
        var page: Page?
        try await app.testing().test(.POST, path, headers: headers, body: body) { res in
            page = Page(status: res.status, body: res.body.string, headers: res.headers, bytes: Array(res.body.readableBytesView))
        }
        return page!
    }

    mutating func signIn(_ login: String, password: String = DemoTeam.password) async throws -> Page {
        let token = try await get("/signin").csrf ?? ""
        return try await request(.POST, "/signin", form: ["_csrf": token, "login": login, "password": password, "next": "/dashboard"])
    }

    static func signedIn(_ app: Application, _ login: String) async throws -> Visitor {
        var v = Visitor(app)
        let page = try await v.signIn(login)
        #expect(page.status == .seeOther && page.location == "/dashboard", "signing in as \(login) gave \(page.status)")
        return v
    }
}

extension String {
    /// The page's text without tags, spaces folded: for asserting what a person reads.
    var visibleText: String {
        var out = ""
        var inTag = false
        for c in self {
            if c == "<" { inTag = true; out.append(" ") } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        for (entity, char) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            out = out.replacingOccurrences(of: entity, with: char)
        }
        return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// An API token acting as `username`'s account, made on the leader's page.
func token(_ app: Application, as username: String) async throws -> String {
    var leader = try await Visitor.signedIn(app, "leader")
    let account = try #require(try await Account.query(on: app.db).filter(\.$username == username).first())
    let page = try await leader.post("/tokens", ["name": "\(username) app", "account": "\(account.id!)"], from: "/tokens")
    let start = try #require(page.body.range(of: "<code class=\"token\">"))
    return String(page.body[start.upperBound...].prefix { $0 != "<" })
}

/// An API call with `token`: the status and the decoded JSON.
func call(_ app: Application, _ method: HTTPMethod, _ path: String, _ token: String, json: String? = nil) async throws -> (HTTPStatus, Any?) {
    var headers = HTTPHeaders()
    headers.bearerAuthorization = BearerAuthorization(token: token)
    if json != nil { headers.contentType = .json }
    var result: (HTTPStatus, Any?)?
    try await app.testing().test(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) }) { res in
        #expect(res.headers.contentType == .json, "\(path)")
        result = (res.status, try? JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)))
    }
    return result!
}
