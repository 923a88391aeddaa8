/// Something wrong with a plan, located by its JSON path (`rules[3].brackets[1].from`).
public struct PlanProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A plan that could not be decoded: every problem found, in document order.
public struct PlanErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [PlanProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
