/// The promotion ladder (晋升机制): for each tier, the published criteria to reach it and to keep it.
/// Criteria are only about what a member does — their own sales, their team's sales, direct members
/// who sell themselves, courses passed, tenure, a clean record. There is no criterion for paying a fee
/// or buying stock (入门费, 《禁止传销条例》 art. 7): the type does not exist. A criterion on the number of
/// recruits is allowed only beside others and is reported as a 拉人头 risk.
public struct Ladder: Codable, Equatable, Sendable {
    public struct Criterion: Codable, Equatable, Sendable {
        public enum Kind: String, Codable, CaseIterable, Sendable {
            /// The member's own sales over the window, in fen.
            case personalVolume
            /// The sales of the member and everyone below them over the window, in fen.
            case teamVolume
            /// Direct members, active, who sold at least `minSalesFen` themselves over the window.
            case activeDirects
            /// Direct members, whatever they sold (拉人头 risk: never a tier's only criterion).
            case recruits
            /// Courses passed.
            case courses
            /// Whole months since joining, at the end of the evaluated month.
            case tenure
            /// No open compliance case.
            case clean
        }
        public var kind: Kind
        /// Fen for the volumes; a count for activeDirects, recruits and courses; months for tenure;
        /// unused (0) for clean.
        public var target: Int64
        /// The window of the volumes and of activeDirects: the evaluated month and the months before
        /// it, 1…12 in all. 1 for the other kinds.
        public var months: Int
        /// activeDirects: the least a direct member must have sold over the window, in fen (≥ 1).
        public var minSalesFen: Int64

        public init(_ kind: Kind, target: Int64, months: Int = 1, minSalesFen: Int64 = 1) {
            self.kind = kind
            self.target = target
            self.months = months
            self.minSalesFen = minSalesFen
        }
    }

    public struct Step: Codable, Equatable, Sendable {
        public var tier: String
        /// All must be met to be proposed for this tier. A tier with none is not reached by evaluation
        /// (the leader appoints to it).
        public var reach: [Criterion]
        /// All must be met to stay at this tier; none means the tier is kept.
        public var keep: [Criterion]
        public init(tier: String, reach: [Criterion], keep: [Criterion] = []) {
            self.tier = tier
            self.reach = reach
            self.keep = keep
        }
    }

    /// The tiers from lowest to highest, each with its criteria.
    public var steps: [Step]
    public init(steps: [Step]) { self.steps = steps }

    public static let maxMonths = 12

    public func index(of tier: String) -> Int? { steps.firstIndex { $0.tier == tier } }

    /// The longest window any criterion looks back over.
    public var monthsNeeded: Int {
        steps.flatMap { $0.reach + $0.keep }.map(\.months).max() ?? 1
    }

    /// What refuses the ladder and what warns about it, each named by a path
    /// (`steps[2].reach[0].target`) and a code for the message catalogue.
    public func check() -> [ComplianceReport.Finding] {
        var out: [ComplianceReport.Finding] = []
        var seen = Set<String>()
        for (s, step) in steps.enumerated() {
            if !seen.insert(step.tier).inserted {
                out.append(.init(severity: .refusal, path: "steps[\(s)].tier", message: "tier \"\(step.tier)\" is listed twice",
                                 code: "ladder_duplicate_tier", values: ["tier": step.tier]))
            }
            for (part, list) in [("reach", step.reach), ("keep", step.keep)] {
                for (c, criterion) in list.enumerated() {
                    let path = "steps[\(s)].\(part)[\(c)]"
                    let values = ["tier": step.tier, "kind": criterion.kind.rawValue]
                    if criterion.kind != .clean && criterion.target <= 0 {
                        out.append(.init(severity: .refusal, path: path + ".target", message: "\(criterion.kind.rawValue) needs a target above zero",
                                         code: "ladder_target", values: values))
                    }
                    if !(1...Self.maxMonths).contains(criterion.months) {
                        out.append(.init(severity: .refusal, path: path + ".months", message: "the window must be 1 to \(Self.maxMonths) months, not \(criterion.months)",
                                         code: "ladder_window", values: values.merging(["months": "\(criterion.months)", "max": "\(Self.maxMonths)"]) { $1 }))
                    }
                    if criterion.kind == .activeDirects && criterion.minSalesFen < 1 {
                        out.append(.init(severity: .refusal, path: path + ".minSalesFen",
                                         message: "an active direct member must have sold something themselves (at least 0.01)",
                                         code: "ladder_min_sales", values: values))
                    }
                    if criterion.kind == .recruits {
                        out.append(.init(severity: .warning, path: path,
                                         message: "tier \"\(step.tier)\" counts recruits (拉人头 risk, 《禁止传销条例》 art. 7): count direct members who sell instead",
                                         code: "ladder_recruits", values: values))
                    }
                }
                if !list.isEmpty && list.allSatisfy({ $0.kind == .recruits }) {
                    out.append(.init(severity: .refusal, path: "steps[\(s)].\(part)",
                                     message: "tier \"\(step.tier)\" may not be reached or kept by recruiting alone (《禁止传销条例》 art. 7)",
                                     code: "ladder_recruits_only", values: ["tier": step.tier]))
                }
            }
        }
        return out
    }
}
