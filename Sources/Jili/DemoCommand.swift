import ArgumentParser
import Foundation
import JiliCore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Demo data.", subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a realistic plan and CSV files at any scale (streamed: 10 M orders fit in little memory).")

        @Option(help: "How many members.") var members: Int = 300
        @Option(help: "How many orders, spread over the months up to --period.") var orders: Int = 3000
        @Option(help: "The folder to write plan.json, members.csv, orders.csv, refunds.csv, goals.csv into.") var out: String
        @Option(help: "Seed of the random generator: the same seed gives the same files.") var seed: UInt64 = 2026
        @Option(help: "The last month with orders (YYYY-MM).") var period: String = "2026-11"
        @Option(help: "How many months of orders.") var months: Int = 3

        func run() throws {
            guard members >= 1, orders >= 0, months >= 1 else {
                throw Failure(lines: ["--members must be at least 1, --orders at least 0, --months at least 1"])
            }
            guard let last = Period(parsing: period) else {
                throw Failure(lines: ["--period: \"\(period)\" is not a month (YYYY-MM)"])
            }
            let generator = DemoGenerator(members: members, orders: orders, months: months, lastPeriod: last, seed: seed)
            do {
                try generator.write(to: out)
            } catch {
                throw Failure(lines: ["demo generate: \(error)"])
            }
            FileHandle.standardError.write(Data("wrote \(out)/plan.json, members.csv, orders.csv, refunds.csv, goals.csv\n".utf8))
        }
    }
}
