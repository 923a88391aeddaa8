import Foundation
import JiliCore

/// Everything Jili reads from its environment, read once at start. Problems are collected and
/// reported together rather than one at a time.
public struct AppConfig: Sendable {
    public enum Database: Sendable, Equatable {
        /// An SQLite file (created when missing), or `:memory:`.
        case sqlite(path: String)
        /// `schema`, when set, keeps every table in that schema (tests use one schema each).
        case postgres(url: String, schema: String? = nil)
    }

    public var database: Database
    /// Where Resources/ (views, locales) and Public/ are.
    public var home: String
    /// Create the demo team when the database is empty.
    public var demo: Bool
    /// Mark session cookies Secure (set JILI_SECURE_COOKIES=1 behind HTTPS).
    public var secureCookies: Bool
    /// bcrypt's cost: 12 in use, lower in tests.
    public var bcryptCost: Int
    /// The folder for uploaded files (photos of the praise wall): `JILI_FILES`, or `jili-files` beside
    /// the SQLite file (in the working directory with PostgreSQL; a folder of its own in the temporary
    /// directory for an in-memory database). Instances sharing a database must share this folder.
    public var files: String
    /// `JILI_NOW`: the instant the clock starts from, for tests and demos (nil: the machine's clock).
    public var clockStart: Date?
    /// `JILI_PUBLIC_URL`: the address people reach Jili at (`https://jili.example.com`), which
    /// invitation and reset links and WeChat's links back are made from. Never taken from a request's
    /// Host header (a link mailed out must not point where a request said). Nil: not set.
    public var publicURL: String?

    /// WeChat (公众号): sign-in and messages, when `JILI_WECHAT_APPID` and `JILI_WECHAT_SECRET` are set.
    public var wechat: WeChat?
    /// `JILI_MESSAGES_EVERY`: how often `jili serve` sends the outbox, in seconds (1 to 3,600).
    public var messagesEvery = 60

    public struct WeChat: Sendable, Equatable {
        public var appID: String
        public var secret: String
        /// `JILI_WECHAT_OPEN`: where the authorization page is (WeChat's own host unless a stand-in's).
        public var openBase: String
        /// `JILI_WECHAT_API`: where the API is.
        public var apiBase: String
        /// `JILI_WECHAT_TEMPLATES`: a notice kind (its message key) → template id; `default` for the rest.
        public var templates: [String: String]

        public static let realOpen = "https://open.weixin.qq.com"
        public static let realAPI = "https://api.weixin.qq.com"

        public init(appID: String, secret: String, openBase: String = realOpen, apiBase: String = realAPI, templates: [String: String] = [:]) {
            self.appID = appID
            self.secret = secret
            self.openBase = openBase
            self.apiBase = apiBase
            self.templates = templates
        }
    }

    /// The address links are made from: `publicURL`, or the local default when it is not set.
    public var linkBase: String { publicURL ?? "http://127.0.0.1:8080" }

    public init(database: Database, home: String, demo: Bool, secureCookies: Bool = false, bcryptCost: Int = 12, files: String? = nil,
                clockStart: Date? = nil, workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.clockStart = clockStart
        self.database = database
        self.home = home
        self.demo = demo
        self.secureCookies = secureCookies
        self.bcryptCost = bcryptCost
        self.files = files ?? Self.defaultFiles(database, workingDirectory: workingDirectory)
    }

    /// The clock the app runs on: the machine's, or one running from `JILI_NOW`.
    public var clock: JiliClock {
        clockStart.map(JiliClock.running(from:)) ?? JiliClock()
    }

    /// Reads `JILI_NOW`: an RFC 3339 date-time with its offset, e.g. `2026-11-29T10:00:00+08:00`.
    static func clockStart(_ text: String) -> Result<Date, ConfigError> {
        guard let t = Timestamp(parsing: text), let offset = t.offsetSeconds else {
            return .failure(ConfigError(problems: ["JILI_NOW: \"\(text.prefix(40))\" is not a date-time with an offset (e.g. 2026-11-29T10:00:00+08:00)"]))
        }
        return .success(Date(timeIntervalSince1970: Double(t.wallSeconds - Int64(offset))))
    }

    /// Reads `JILI_PUBLIC_URL`: `http://` or `https://`, a host, an optional port and path; no query,
    /// no fragment, no user; a trailing `/` is dropped.
    static func publicURL(_ text: String) -> Result<String, ConfigError> {
        let refused = ConfigError(problems: ["JILI_PUBLIC_URL: \"\(text.prefix(60))\" is not an address such as https://jili.example.com"])
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parts.host, !host.isEmpty, parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil,
              text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return .failure(refused) }
        var url = text
        while url.hasSuffix("/") { url.removeLast() }
        return .success(url)
    }

    /// Reads the WeChat variables: the app id and secret together or neither; the hosts as addresses;
    /// the templates as a JSON object of strings.
    static func wechat(_ env: [String: String], problems: inout [String]) -> WeChat? {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        guard let appID = value("JILI_WECHAT_APPID"), let secret = value("JILI_WECHAT_SECRET") else {
            if value("JILI_WECHAT_APPID") != nil || value("JILI_WECHAT_SECRET") != nil {
                problems.append("JILI_WECHAT_APPID and JILI_WECHAT_SECRET go together: set both, or neither")
            }
            return nil
        }
        guard appID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), appID.count <= 64 else {
            problems.append("JILI_WECHAT_APPID: \"\(appID.prefix(40))\" is not an app id (letters and digits, as wx1234567890abcdef)")
            return nil
        }
        var config = WeChat(appID: appID, secret: secret)
        for (name, keyPath) in [("JILI_WECHAT_OPEN", \WeChat.openBase), ("JILI_WECHAT_API", \WeChat.apiBase)] {
            guard let text = value(name) else { continue }
            switch publicURL(text) {
            case .success(let url): config[keyPath: keyPath] = url
            case .failure: problems.append("\(name): \"\(text.prefix(60))\" is not an address such as \(name == "JILI_WECHAT_OPEN" ? WeChat.realOpen : WeChat.realAPI)")
            }
        }
        if let text = value("JILI_WECHAT_TEMPLATES") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else {
                problems.append("JILI_WECHAT_TEMPLATES: not a JSON object of notice kind → template id (e.g. {\"default\": \"TEMPLATE_ID\"})")
                return nil
            }
            config.templates = object
        }
        return config
    }

    static func defaultFiles(_ database: Database, workingDirectory: String) -> String {
        switch database {
        case .sqlite(":memory:"): return NSTemporaryDirectory() + "jili-files-" + UUID().uuidString
        case .sqlite(let path): return (URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory + "/")).deletingLastPathComponent().path) + "/jili-files"
        case .postgres: return workingDirectory + "/jili-files"
        }
    }

    /// Reads `DATABASE_URL` (and `JILI_DB_SCHEMA`, a PostgreSQL schema to keep the tables in),
    /// `JILI_DATA`, `JILI_HOME`, `JILI_SECURE_COOKIES`, `JILI_FILES` and `JILI_NOW` (the clock's start,
    /// meant for tests and demos; `jili serve` refuses it unless told `--allow-jili-now`).
    /// `serving`: the web app needs Resources/Views and Public/; the other commands only the texts
    /// of Resources/Locales.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment,
                                       demo: Bool, serving: Bool = true,
                                       workingDirectory: String = FileManager.default.currentDirectoryPath) throws -> AppConfig {
        var problems: [String] = []
        let database: Database
        if let url = env["DATABASE_URL"], !url.isEmpty {
            if !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
                problems.append("DATABASE_URL must start with postgres:// (got \"\(url.prefix(20))…\")")
            }
            let schema = env["JILI_DB_SCHEMA"].flatMap { $0.isEmpty ? nil : $0 }
            if let schema, !schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                problems.append("JILI_DB_SCHEMA: \"\(schema)\" is not a plain name (letters, digits, _)")
            }
            database = .postgres(url: url, schema: schema)
        } else {
            database = .sqlite(path: env["JILI_DATA"].flatMap { $0.isEmpty ? nil : $0 } ?? workingDirectory + "/jili.sqlite")
        }
        let needed = serving ? ["Resources/Locales", "Resources/Views", "Public"] : ["Resources/Locales"]
        let home = env["JILI_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.findHome(workingDirectory, needing: needed[0])
        for folder in needed where !FileManager.default.fileExists(atPath: home + "/" + folder) {
            problems.append("JILI_HOME: no \(folder) in \(home) (set JILI_HOME to the folder that holds Resources/ and Public/, or put them beside the jili executable)")
        }
        let secure = ["1", "true", "yes"].contains(env["JILI_SECURE_COOKIES"]?.lowercased() ?? "")
        var clockStart: Date?
        if let now = env["JILI_NOW"], !now.isEmpty {
            switch Self.clockStart(now) {
            case .success(let start): clockStart = start
            case .failure(let error): problems += error.problems
            }
        }
        var publicURL: String?
        if let url = env["JILI_PUBLIC_URL"], !url.isEmpty {
            switch Self.publicURL(url) {
            case .success(let u): publicURL = u
            case .failure(let error): problems += error.problems
            }
        }
        let wechat = Self.wechat(env, problems: &problems)
        var every = 60
        if let text = env["JILI_MESSAGES_EVERY"], !text.isEmpty {
            if let n = Int(text), (1...3600).contains(n) { every = n } else { problems.append("JILI_MESSAGES_EVERY: \"\(text.prefix(20))\" is not a number of seconds from 1 to 3600") }
        }
        if !problems.isEmpty { throw ConfigError(problems: problems) }
        let files = env["JILI_FILES"].flatMap { $0.isEmpty ? nil : $0 }
        var config = AppConfig(database: database, home: home, demo: demo, secureCookies: secure, files: files, clockStart: clockStart,
                               workingDirectory: workingDirectory)
        config.publicURL = publicURL
        config.wechat = wechat
        config.messagesEvery = every
        return config
    }

    /// The folder with Resources/: the working directory, or next to the executable and its parents.
    static func findHome(_ workingDirectory: String, needing needed: String = "Resources/Views") -> String {
        var candidates = [workingDirectory]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.path)
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/" + needed) } ?? workingDirectory
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}
