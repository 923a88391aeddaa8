import Vapor

/// What the `jili` executable needs from the server module.
public enum JiliServer {
    /// Starts the app and serves until stopped (Ctrl-C).
    public static func serve(config: AppConfig, hostname: String, port: Int) async throws {
        var env = Environment(name: ProcessInfo.processInfo.environment["JILI_ENV"] ?? "production",
                              arguments: ["jili", "serve", "--hostname", hostname, "--port", "\(port)"])
        try LoggingSystem.bootstrap(from: &env)
        let app = try await Application.make(env)
        do {
            try await configure(app, config: config)
            print(banner(config: config, hostname: hostname, port: port, demo: config.demo))
            let sending = startSendingMessages(app)
            let figures = startRefreshingFigures(app)
            defer { sending?.cancel(); figures.cancel() }
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// The lines printed at start: where to go and, with the demo team, how to sign in.
    public static func banner(config: AppConfig, hostname: String, port: Int, demo: Bool) -> String {
        var lines = ["Jili (激励) is running: http://\(hostname == "0.0.0.0" ? "127.0.0.1" : hostname):\(port)/"]
        switch config.database {
        case .sqlite(let path): lines.append("database: SQLite \(path)")
        case .postgres: lines.append("database: PostgreSQL (DATABASE_URL)")
        }
        if let start = config.clockStart {
            lines.append("clock: started at \(config.clock.format(start)) Shanghai time (JILI_NOW), not the machine's date")
        }
        lines.append(config.wechat == nil ? "WeChat: not configured (notices stay in the app)"
                     : "WeChat: sign-in, and messages sent every \(config.messagesEvery == 60 ? "minute" : "\(config.messagesEvery) s")")
        if demo {
            lines.append("demo accounts (password \(DemoTeam.password)):")
            for a in DemoTeam.accounts { lines.append("  \(a.username.padding(toLength: 10, withPad: " ", startingAt: 0)) \(a.role.rawValue)") }
        } else {
            lines.append("without the demo team: the first visit creates the leader's account")
        }
        return lines.joined(separator: "\n")
    }
}
