import ArgumentParser
import Foundation
import JiliServer

/// `jili serve`: the web app and the API, on SQLite (JILI_DATA, default ./jili.sqlite) or on
/// PostgreSQL when DATABASE_URL is set; migrated on start; a demo team on an empty database.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Start the web app (http://127.0.0.1:8080 by default).")

    @Option(help: "The address to listen on.") var hostname = "127.0.0.1"
    @Option(help: "The port to listen on.") var port = 8080
    @Flag(help: "Start without the demo team: the first visit creates the leader's account.") var noDemo = false
    @Flag(help: "Run on the clock JILI_NOW gives (tests and demos only: a team's server keeps the real date).") var allowJiliNow = false

    func run() async throws {
        let config = try Self.config(demo: !noDemo, serving: true)
        if config.clockStart != nil, !allowJiliNow {
            throw Failure(lines: ["JILI_NOW is set: a server for a team runs on the real date. Unset JILI_NOW, or pass --allow-jili-now for a test or a demo."])
        }
        try await JiliServer.serve(config: config, hostname: hostname, port: port)
    }

    /// The configuration from the environment; its problems are printed one per line (exit 2).
    /// Only `serve` needs the views; the other commands need the texts.
    static func config(demo: Bool, serving: Bool = false) throws -> AppConfig {
        do {
            return try AppConfig.fromEnvironment(demo: demo, serving: serving)
        } catch let error as ConfigError {
            throw Failure(lines: error.problems)
        }
    }
}
