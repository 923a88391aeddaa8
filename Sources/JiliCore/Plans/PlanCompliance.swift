/// The compliance check of a plan (spec: Compliance): what refuses it and what warns.
public struct ComplianceReport: Sendable {
    public enum Severity: String, Sendable { case refusal, warning }
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var severity: Severity
        /// The JSON path of what the finding is about (`rules[2]`), or empty for the whole plan.
        public var path: String
        public var message: String
        /// What the finding says, for a message catalogue: `too_deep`, `team_pay`,
        /// `direct_selling_upline`, `direct_selling_rate`; with the values the message names.
        public var code: String = ""
        public var values: [String: String] = [:]
        public var description: String { "\(severity == .refusal ? "REFUSED" : "warning") \(path.isEmpty ? "" : path + ": ")\(message)" }
    }

    public var settings: ComplianceSettings
    public var findings: [Finding]
    /// For each rule, the most uplines one order can pay through it (0 for seller-only rules).
    public var uplinesPaid: [(rule: String, count: Int)]

    public var refused: Bool { findings.contains { $0.severity == .refusal } }
    public var refusals: [Finding] { findings.filter { $0.severity == .refusal } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }

    /// Checks a decoded plan against its declared compliance profile.
    public init(plan: Plan) {
        settings = plan.compliance
        findings = []
        uplinesPaid = []
        let maxDepth = plan.compliance.maxDepth
        for (i, rule) in plan.rules.enumerated() {
            let path = "rules[\(i)]"
            let label = "\(rule.kind.typeName) \"\(rule.id)\""
            let count: Int
            switch rule.kind {
            case .override(let r): count = r.rates.count
            case .differential(let r): count = r.maxUplinesPaid
            case .sameLevel(let r): count = r.maxUplinesPaid
            default: count = 0
            }
            uplinesPaid.append((rule.id, count))
            guard rule.kind.paysUplines else { continue }
            let values = ["rule": rule.id, "type": rule.kind.typeName, "count": "\(count)"]
            if plan.compliance.profile == .directSelling {
                findings.append(Finding(severity: .refusal, path: path,
                    message: "\(label) pays uplines on their downline's sales, which the directSelling profile forbids (《直销管理条例》 art. 24: pay only on a seller's own sales)",
                    code: "direct_selling_upline", values: values))
            } else if count > maxDepth {
                findings.append(Finding(severity: .refusal, path: path,
                    message: "\(label) can pay \(count) uplines on one order, more than maxDepth \(maxDepth)",
                    code: "too_deep", values: values.merging(["max": "\(maxDepth)"]) { $1 }))
            }
            findings.append(Finding(severity: .warning, path: path,
                message: "\(label) pays uplines on their downline's sales (团队计酬 risk, 《禁止传销条例》 art. 7): at most \(count) per order",
                code: "team_pay", values: values))
        }
        if plan.compliance.profile == .directSelling {
            let (worst, category) = Self.highestOwnSalesRate(plan)
            if worst > Rate(millionths: 300_000) {
                let on = category.map { " on category \"\($0)\"" } ?? ""
                findings.append(Finding(severity: .refusal, path: "rules",
                    message: "commission plus tiered rates reach \(worst.percent)\(on), above the 30% that the directSelling profile allows (《直销管理条例》 art. 24)",
                    code: "direct_selling_rate", values: ["rate": worst.percent, "category": category ?? ""]))
            }
        }
    }

    /// The highest total of commission and tiered rates that can apply to one order: for each
    /// category (and for an order in no listed category), the highest rate of every commission and
    /// tiered rule that covers it, added up.
    static func highestOwnSalesRate(_ plan: Plan) -> (Rate, String?) {
        var categories: [String?] = [nil]
        for rule in plan.rules { categories.append(contentsOf: (rule.categories ?? []).sorted().map { Optional($0) }) }
        var best = (Rate.zero, String?.none)
        for category in categories {
            var total: Int64 = 0
            for rule in plan.rules {
                if let set = rule.categories, !(category.map { set.contains($0) } ?? false) { continue }
                switch rule.kind {
                case .commission(let r): total += r.rates.maximum.millionths
                case .tiered(let r): total += r.brackets.map(\.rate.millionths).max() ?? 0
                default: break
                }
            }
            if total > best.0.millionths { best = (Rate(millionths: total), category) }
        }
        return best
    }
}
