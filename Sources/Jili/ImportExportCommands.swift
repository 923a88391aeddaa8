import ArgumentParser
import Foundation
import JiliServer

/// `jili import members|orders|refunds FILE.csv`: all or nothing, every problem with file and line.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import members, orders or refunds (the settlement CSV formats) into the database.",
        discussion: "Nothing is written unless every line is right (exit 2 and one line per problem). Rows whose id exists with the same values are left as they are: importing a file again changes nothing.")

    @Argument(help: "members, orders or refunds") var kind: String
    @Argument(help: "The CSV file.") var file: String

    func run() async throws {
        let config = try ServeCommand.config(demo: false)
        let outcome = try await JiliServer.importFile(kind: kind, path: file, config: config)
        if !outcome.problems.isEmpty { throw Failure(lines: outcome.problems + ["nothing was written"]) }
        print("\(file): \(outcome.added) added, \(outcome.unchanged) unchanged")
    }
}

/// `jili export members|orders|refunds [--month YYYY-MM] [--out FILE]`: CSV that Excel opens (UTF-8 BOM).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export members, goals, or a month's orders or refunds, as CSV (UTF-8 with BOM).")

    @Argument(help: "members, orders, refunds or goals") var kind: String
    @Option(help: "The month of orders or refunds (YYYY-MM); this month by default.") var month: String?
    @Option(help: "Write here instead of standard output.") var out: String?

    func run() async throws {
        guard ["members", "orders", "refunds", "goals"].contains(kind) else { throw Failure(lines: ["\(kind): not one of members, orders, refunds, goals"]) }
        if let month, month.count != 7 || month.split(separator: "-").count != 2 {
            throw Failure(lines: ["--month: \"\(month)\" is not a month (YYYY-MM)"])
        }
        let bytes = try await JiliServer.export(kind: kind, month: month, config: try ServeCommand.config(demo: false))
        try Output.write(bytes, to: out)
    }
}

/// `jili migrate`: the schema up to date, without serving and without the demo team.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database up to date (run it once before starting several instances on one PostgreSQL).")

    func run() async throws {
        for line in try await JiliServer.migrate(config: try ServeCommand.config(demo: false)) { print(line) }
    }
}
