import ArgumentParser
import JiliServer

/// `jili contests freeze`: the job that freezes ended contests (schedule it after midnight).
struct ContestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contests", abstract: "Contests in the database.", subcommands: [Freeze.self])

    struct Freeze: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Freeze every contest whose last day has passed (idempotent).")

        func run() async throws {
            try await JiliServer.freezeContests(config: try ServeCommand.config(demo: false)).forEach { print($0) }
        }
    }
}
