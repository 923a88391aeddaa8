import Foundation

/// Settling from files, as `jili settle` does: the plan, then the CSV inputs, every problem
/// collected and reported together; the engine runs only on input without problems.
public struct SettlementFiles: Sendable {
    public var plan: String
    public var members: String
    public var orders: String
    public var refunds: String?
    public var goals: String?

    public init(plan: String, members: String, orders: String, refunds: String? = nil, goals: String? = nil) {
        self.plan = plan
        self.members = members
        self.orders = orders
        self.refunds = refunds
        self.goals = goals
    }

    /// Reads and checks a plan file; problems are prefixed with the file name.
    public static func loadPlan(_ path: String) -> Result<Plan, ProblemList> {
        let name = (path as NSString).lastPathComponent
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ProblemList(["\(name): cannot read the file \(path)"]))
        }
        do {
            return .success(try PlanDecoder.decode(Array(data)))
        } catch let error {
            return .failure(ProblemList(error.problems.map { "\(name): \($0)" }))
        }
    }

    /// Reads every input. Failure lists every problem, one message each.
    public func load() -> Result<(Plan, SettlementInput), ProblemList> {
        let plan: Plan
        switch Self.loadPlan(self.plan) {
        case .success(let p): plan = p
        case .failure(let problems): return .failure(problems)
        }
        var reader = InputReader(plan: plan)
        var unreadable: [String] = []
        func read(_ path: String?, _ body: (inout InputReader, UnsafeBufferPointer<UInt8>, String) -> Void) {
            guard let path else { return }
            let name = (path as NSString).lastPathComponent
            do {
                // UTF-8, GB18030 or UTF-16 text; an image or a workbook is refused as not a CSV file.
                let read = try InputReader.withFile(path) { raw in CSVText.withUTF8(raw, file: name) { body(&reader, $0, name) } }
                if case .failure(let refused) = read { unreadable.append(refused.description) }
            } catch {
                unreadable.append("\(name): cannot read the file \(path)")
            }
        }
        read(members) { $0.readMembers($1, file: $2) }
        read(orders) { $0.readOrders($1, file: $2) }
        read(refunds) { $0.readRefunds($1, file: $2) }
        read(goals) { $0.readGoals($1, file: $2) }
        if !unreadable.isEmpty { return .failure(ProblemList(unreadable)) }
        switch reader.result() {
        case .success(let input): return .success((plan, input))
        case .failure(let errors): return .failure(ProblemList(errors.problems.map(\.description)))
        }
    }
}

/// Every problem found, one message each, ready to print.
public struct ProblemList: Error, Sendable, CustomStringConvertible {
    public var messages: [String]
    public init(_ messages: [String]) { self.messages = messages }
    public var description: String { messages.joined(separator: "\n") }
}
