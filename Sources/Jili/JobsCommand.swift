import ArgumentParser
import JiliServer

/// `jili jobs`: freeze ended contests and award the sales champions of ended windows (idempotent).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Run the recurring jobs: freeze ended contests, award sales champions (idempotent; schedule daily).")

    func run() async throws {
        try await JiliServer.runJobs(config: try ServeCommand.config(demo: false)).forEach { print($0) }
    }
}
