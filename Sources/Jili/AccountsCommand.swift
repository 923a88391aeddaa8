import ArgumentParser
import Foundation
import JiliServer

/// `jili accounts invite`: invitation links from the command line, for one member or for everyone
/// without an account. Links are made from JILI_PUBLIC_URL.
struct AccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "accounts", abstract: "People's accounts in the database.", subcommands: [Invite.self])

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a member's invitation link, or write a CSV of links for every member without an account.")
        @Argument(help: "The member's id.") var member: String?
        @Option(help: "The role the account gets (agent unless said).") var role: String?
        @Option(help: "How many days the link is valid (1 to 90).") var days = 7
        @Flag(name: .customLong("without-account"), help: "Invite every member who has no account.") var withoutAccount = false
        @Option(help: "With --without-account: only the team of this member.") var under: String?
        @Option(help: "With --without-account: the CSV to write (member,name,phone,link); standard output when absent.") var out: String?

        func validate() throws {
            if withoutAccount == (member != nil) { throw ValidationError("name a member, or give --without-account") }
            if !withoutAccount, under != nil || out != nil { throw ValidationError("--under and --out go with --without-account") }
            if withoutAccount, role != nil { throw ValidationError("--role goes with one member: a bulk invitation makes agents") }
        }

        func run() async throws {
            let config = try ServeCommand.config(demo: false)
            do {
                if let member {
                    try await JiliServer.inviteMember(member, role: role, days: days, config: config).forEach { print($0) }
                    return
                }
                let (csv, lines) = try await JiliServer.inviteWithoutAccount(under: under, days: days, config: config)
                if csv.isEmpty { throw Failure(lines: lines, status: 1) }
                try Output.write(csv, to: out)
                lines.forEach { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
            } catch let r as CommandRefusal {
                throw Failure(lines: [r.message], status: 1)
            }
        }
    }
}
