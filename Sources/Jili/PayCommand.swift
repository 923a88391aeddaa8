import ArgumentParser
import Foundation
import JiliServer

/// `jili pay plan|run|approve`: the pay page's steps from the command line, on the configured
/// database (for scheduled runs and for measuring).
struct PayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay", abstract: "Plan versions and monthly runs in the database.", subcommands: [Plan.self, Run.self, Approve.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a plan version and put it in force from a month (a refused plan is not).")
        @Argument(help: "The plan (JSON).") var path: String
        @Option(help: "The first month it pays (YYYY-MM).") var from: String
        @Option(help: "The version's name (the file's name by default).") var name: String?

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: path) else { throw Failure(lines: ["\(path): cannot read the file"]) }
            do {
                let lines = try await JiliServer.activatePlan(json: String(decoding: data, as: UTF8.self), name: name ?? (path as NSString).lastPathComponent,
                                                              from: from, config: try ServeCommand.config(demo: false))
                lines.forEach { print($0) }
            } catch let r as CommandRefusal {
                throw Failure(lines: ["\(path): \(r.message)"], status: 1)
            }
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Compute (again) the draft run of a month.")
        @Option(help: "The month (YYYY-MM).") var month: String
        @Flag(help: "Print how long reading, settling and writing took.") var timings = false

        func run() async throws {
            do {
                try await JiliServer.computeRun(month: month, timings: timings, config: try ServeCommand.config(demo: false)).forEach { print($0) }
            } catch let r as CommandRefusal {
                throw Failure(lines: [r.message], status: 1)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a month's draft run (exactly once).")
        @Option(help: "The month (YYYY-MM).") var month: String

        func run() async throws {
            do {
                try await JiliServer.approveRun(month: month, config: try ServeCommand.config(demo: false)).forEach { print($0) }
            } catch let r as CommandRefusal {
                throw Failure(lines: [r.message], status: 1)
            }
        }
    }
}
