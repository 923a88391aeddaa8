import ArgumentParser
import Foundation

@main
struct JiliCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jili",
        abstract: "Jili (激励): incentive plans and settlement for social-commerce sales teams.",
        subcommands: [ServeCommand.self, SettleCommand.self, PlanCommand.self, ImportCommand.self, ExportCommand.self, MigrateCommand.self, DemoCommand.self, PayCommand.self, ContestCommand.self, PromotionCommand.self, JobsCommand.self, AccountsCommand.self, MessagesCommand.self]
    )
}

extension JiliCommand {
    /// Runs a command; problems with the input print one line each on standard error and exit
    /// with their status (2 for bad input, 1 for a refused plan).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as Failure {
            FileHandle.standardError.write(Data(failure.lines.map { $0 + "\n" }.joined().utf8))
            Foundation.exit(failure.status)
        } catch {
            exit(withError: error)
        }
    }
}
