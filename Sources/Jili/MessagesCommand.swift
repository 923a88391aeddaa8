import ArgumentParser
import Foundation
import JiliServer

/// `jili messages send`: the outbox to members' WeChat (what `jili jobs` and `jili serve` do too).
struct MessagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "messages", abstract: "Messages to members' WeChat.", subcommands: [Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send the messages that are due (each at most once, even with several senders).")

        func run() async throws {
            try await JiliServer.sendMessages(config: try ServeCommand.config(demo: false)).forEach { print($0) }
        }
    }
}
