import ArgumentParser
import Foundation
import JiliCore

/// `jili settle`: files in, result JSON out (spec: Command line).
struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Compute what every member earns in a period from a plan and CSV files.",
        discussion: "Bad input exits with status 2, prints one message per problem and writes nothing."
    )

    @Option(help: "The plan (JSON).") var plan: String
    @Option(help: "members.csv: id,name,sponsor_id,tier,joined_at,status") var members: String
    @Option(help: "orders.csv: id,member_id,paid_at,amount[,cost,category,product_id,quantity]") var orders: String
    @Option(help: "refunds.csv: id,order_id,refunded_at,amount") var refunds: String?
    @Option(help: "goals.csv: member_id,period,target") var goals: String?
    @Option(help: "The month to settle, YYYY-MM, in the plan's time zone.") var period: String
    @Option(help: "Write the result here instead of standard output.") var out: String?
    @Flag(help: "Add explanations: for each member and rule, the orders, downline members and rates it came from.")
    var explain = false
    @Flag(help: "Print how long reading, settling and writing took on standard error.")
    var timings = false

    func run() throws {
        guard let month = Period(parsing: period) else {
            throw Failure(lines: ["--period: \"\(period)\" is not a month (YYYY-MM, e.g. 2026-11)"])
        }
        let clock = ContinuousClock()
        let start = clock.now
        let files = SettlementFiles(plan: plan, members: members, orders: orders, refunds: refunds, goals: goals)
        let loaded: (Plan, SettlementInput)
        switch files.load() {
        case .success(let value): loaded = value
        case .failure(let problems): throw Failure(lines: problems.messages)
        }
        let read = clock.now
        let result: SettlementResult
        do {
            result = try SettlementEngine(plan: loaded.0, input: loaded.1).settle(period: month, explain: explain)
        } catch {
            throw Failure(lines: [error.description])
        }
        let settled = clock.now
        try Output.write(result.jsonBytes(), to: out)
        if timings {
            func seconds(_ d: Duration) -> String { String(format: "%.2f s", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) }
            let line = "read \(seconds(read - start)), settle \(seconds(settled - read)), write \(seconds(clock.now - settled)); "
                + "\(loaded.1.members.count) members, \(loaded.1.orders.count) orders, \(loaded.1.refunds.count) refunds\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

/// Problems with the input: printed one per line on standard error, exit status 2.
struct Failure: Error {
    var lines: [String]
    var status: Int32 = 2
}

enum Output {
    /// Writes text to a file atomically (nothing is left behind on failure), or to standard output.
    static func write(_ bytes: [UInt8], to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw Failure(lines: ["--out: cannot write \(path): \(error.localizedDescription)"])
        }
    }
}
