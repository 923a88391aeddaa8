import Fluent
import JiliCore
import Vapor

/// What people call the rules of a plan version: the plan's `name` of a rule, else its type's name in
/// the reader's language (级差奖, 零售提成); two unnamed rules of one type are told apart by their
/// ids. Statements, their print and CSV, the run review and the plan versions name rules by it.
struct RuleNames: Sendable {
    private let names: [String: String]

    init(_ plan: Plan, _ req: Request) {
        let typeNames = plan.rules.map { req.t("rule_type_\($0.kind.typeName)") }
        var names: [String: String] = ["cap": req.t("rule_cap"), "adjustments": req.t("pay_adjustment")]
        for (i, rule) in plan.rules.enumerated() {
            if let name = rule.name {
                names[rule.id] = name
            } else {
                names[rule.id] = typeNames.filter({ $0 == typeNames[i] }).count > 1 ? "\(typeNames[i])（\(rule.id)）" : typeNames[i]
            }
        }
        self.names = names
    }

    static func of(_ version: PlanVersion?, _ req: Request) -> RuleNames? {
        guard let version, let plan = try? PlanDecoder.decode(Array(version.json.utf8)) else { return nil }
        return RuleNames(plan, req)
    }

    /// The names of the rules of the version `run` was computed under.
    static func of(_ run: PayRun, _ req: Request) async throws -> RuleNames? {
        of(try await PayQueries(db: req.db).version(run.$planVersion.id), req)
    }

    func callAsFunction(_ id: String) -> String { names[id] ?? id }
}

extension Optional where Wrapped == RuleNames {
    func callAsFunction(_ id: String) -> String { self.map { $0(id) } ?? id }
}
