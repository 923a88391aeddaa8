import ArgumentParser
import Foundation
import JiliServer

/// `jili promotion ladder|evaluate`: publish a ladder from a file, and evaluate a month (what
/// `jili jobs` does for last month) — for scripts and for measuring.
struct PromotionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promotion", abstract: "The promotion ladder in the database.", subcommands: [Ladder.self, Evaluate.self])

    struct Ladder: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a ladder (JSON, as `GET /api/v1/tiers` describes it; a refused ladder is not).")
        @Argument(help: "The ladder (JSON).") var path: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure(lines: ["\(path): cannot read the file"]) }
            do {
                try await JiliServer.publishLadder(json: data, config: try ServeCommand.config(demo: false)).forEach { print($0) }
            } catch let r as CommandRefusal {
                throw Failure(lines: ["\(path): \(r.message)"], status: 1)
            }
        }
    }

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Evaluate every active member for a month that has ended (once; a killed run resumes).")
        @Option(help: "The month (YYYY-MM).") var month: String
        @Flag(help: "Evaluate again: first remove the month's evaluation and proposals (refused once one is decided).") var again = false

        func run() async throws {
            do {
                try await JiliServer.evaluatePromotions(month: month, again: again, config: try ServeCommand.config(demo: false)).forEach { print($0) }
            } catch let r as CommandRefusal {
                throw Failure(lines: [r.message], status: 1)
            }
        }
    }
}
