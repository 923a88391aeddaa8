/// Something wrong with a plan, located by its JSON path (`rules[3].brackets[1].from`).
public struct PlanProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// In English, for the command line and the API.
    public var message: String
    /// What the problem is, for a message catalogue (`missing`, `not_rate`, …; empty for the rarer
    /// ones), with the values its message names.
    public var code: String
    public var values: [String: String]
    public init(path: String, message: String, code: String = "", values: [String: String] = [:]) {
        self.path = path
        self.message = message
        self.code = code
        self.values = values
    }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A plan that could not be decoded: every problem found, in document order.
public struct PlanErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [PlanProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
