import Foundation
import Fluent
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

/// The variables of a faked machine clock (`.ci/run` runs suites under libfaketime at month and year
/// boundaries), passed on to the processes a test starts so that they see the same machine date.
let fakedMachineClock: [String: String] = ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("FAKETIME") || $0.key == "LD_PRELOAD" }

/// Runs `body` with a fresh Jili: in-memory SQLite, or a schema of its own in the PostgreSQL
/// database named by JILI_TEST_DATABASE_URL, dropped afterwards. The clock is fixed at `testNow`.
func withTestApp(demo: Bool = true, _ body: (Application) async throws -> Void) async throws {
    let env = ProcessInfo.processInfo.environment
    let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    let database: AppConfig.Database
    if let url = env["JILI_TEST_DATABASE_URL"], !url.isEmpty {
        database = .postgres(url: url, schema: String(schema))
    } else {
        database = .sqlite(path: ":memory:")
    }
    // Uploaded files in a folder of the test's own, removed afterwards.
    let files = NSTemporaryDirectory() + "jili-test-files-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: files) }
    let config = AppConfig(database: database, home: packageRoot, demo: demo, bcryptCost: 4, files: files)
    let app = try await makeTestApplication()
    do {
        try await configure(app, config: config, clock: JiliClock(now: { testNow }))
        try await body(app)
    } catch {
        await dropSchema(app, database)
        try? await app.asyncShutdown()
        throw error
    }
    await dropSchema(app, database)
    try await app.asyncShutdown()
}

/// An application for a test, logging warnings and errors only (every migration logs at `info`);
/// `JILI_TEST_LOG=info` (or `debug`, `trace`) asks for more.
func makeTestApplication() async throws -> Application {
    let app = try await Application.make(.testing)
    app.logger.logLevel = ProcessInfo.processInfo.environment["JILI_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
    return app
}

private func dropSchema(_ app: Application, _ database: AppConfig.Database) async {
    if case .postgres(_, let schema?) = database, let sql = app.db as? any SQLDatabase {
        try? await sql.raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
}

/// A visitor with a cookie jar: signs in through the form as a person would, with the CSRF token.
struct Visitor {
    let app: Application
    var cookies: [String: String] = [:]
    var language = "zh-CN"

    init(_ app: Application) { self.app = app }

    struct Page {
        let status: HTTPStatus
        let body: String
        let headers: HTTPHeaders
        var location: String? { headers.first(name: .location) }
        /// The CSRF token of the page's forms.
        var csrf: String? {
            guard let r = body.range(of: "name=\"_csrf\" value=\"") else { return nil }
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
            page = Page(status: res.status, body: res.body.string, headers: res.headers)
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
        return try await request(.POST, path, form: fields)
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
        var page: Page?
        try await app.testing().test(.POST, path, headers: headers, body: body) { res in
            page = Page(status: res.status, body: res.body.string, headers: res.headers)
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
