/// Why a settlement could not be made.
public enum SettlementError: Error, Sendable, CustomStringConvertible {
    /// The plan is refused by its compliance check and cannot be settled.
    case refusedPlan([ComplianceReport.Finding])
    case overflow(SettlementOverflow)

    public var description: String {
        switch self {
        case .refusedPlan(let findings):
            return (["the plan is refused and cannot be settled:"] + findings.map { "  " + $0.description }).joined(separator: "\n")
        case .overflow(let o): return o.description
        }
    }
}

/// The settlement engine (spec: Rule types, Rounding, Refunds and restatement). Values in, values
/// out: no clock, no files, no database. The command line and the server both settle through it.
public struct SettlementEngine: Sendable {
    public let plan: Plan
    public let input: SettlementInput

    public init(plan: Plan, input: SettlementInput) {
        self.plan = plan
        self.input = input
    }

    /// Settles `period`: its own rules with refunds up to its end, plus adjustments for earlier
    /// months restated by refunds dated in it.
    public func settle(period: Period, explain: Bool = false) throws(SettlementError) -> SettlementResult {
        let report = ComplianceReport(plan: plan)
        if report.refused { throw .refusedPlan(report.refusals) }
        let calc = MonthCalculator(plan: plan, input: input)
        let log = explain ? ContributionLog(rules: plan.rules.count) : nil
        do {
            let own = try calc.month(period.index, cutoff: period.index, log: log)
            let restated = self.restatedMonths(period, book: calc.book)
            var adjustments = MonthAmounts(
                perRule: Array(repeating: Array(repeating: 0, count: input.members.count), count: plan.rules.count),
                cap: Array(repeating: 0, count: input.members.count))
            var restatements: [Restatement] = []
            for q in restated {
                let prizes = try calc.prizes(q.index)
                let after = try calc.month(q.index, cutoff: period.index, prizes: prizes)
                let before = try calc.month(q.index, cutoff: period.index - 1, prizes: prizes)
                try adjustments.add(after, minus: before)
                if explain { restatements.append(Restatement(period: q, before: before, after: after)) }
            }
            return try assemble(period: period, own: own, adjustments: adjustments, restated: restated,
                                explain: explain ? (log!, calc, restatements) : nil)
        } catch {
            throw .overflow(error)
        }
    }

    /// The months before `period` whose orders have refunds dated in `period`, ascending.
    func restatedMonths(_ period: Period, book: OrderBook) -> [Period] {
        var months = Set<Int32>()
        for r in book.refundsDated(in: period.index) {
            let q = input.orders.period[Int(input.refunds.order[Int(r)])]
            if q < period.index { months.insert(q) }
        }
        return months.sorted().map { Period(index: $0) }
    }

    private func assemble(period: Period, own: MonthAmounts, adjustments: MonthAmounts, restated: [Period],
                          explain: (ContributionLog, MonthCalculator, [Restatement])?) throws(SettlementOverflow) -> SettlementResult {
        var lines: [SettlementResult.MemberLine] = []
        var grand: Int64 = 0
        let ruleIDs = plan.rules.map(\.id)
        let explainer = explain.map { Explainer(plan: plan, calc: $0.1, period: period, log: $0.0) }
        for m in 0..<input.members.count {
            var rules: [String: Int64] = [:]
            var adjust: [String: Int64] = [:]
            var total: Int64 = 0
            for r in 0..<ruleIDs.count {
                if own.perRule[r][m] != 0 { rules[ruleIDs[r]] = own.perRule[r][m] }
                if adjustments.perRule[r][m] != 0 { adjust[ruleIDs[r]] = adjustments.perRule[r][m] }
            }
            if own.cap[m] != 0 { rules["cap"] = own.cap[m] }
            if adjustments.cap[m] != 0 { adjust["cap"] = adjustments.cap[m] }
            if rules.isEmpty && adjust.isEmpty { continue }
            for v in rules.values { total = try checkedAdd(total, v) }
            for v in adjust.values { total = try checkedAdd(total, v) }
            grand = try checkedAdd(grand, total)
            var line = SettlementResult.MemberLine(member: input.members.ids[m], total: total, rules: rules,
                                                   adjustments: adjust, explanations: nil)
            if let explainer, let restatements = explain?.2 {
                line.explanations = explainer.explain(member: m, own: own, restatements: restatements)
            }
            lines.append(line)
        }
        lines.sort { $0.member.utf8.lexicographicallyPrecedes($1.member.utf8) }
        return SettlementResult(period: period, plan: plan.id, currency: plan.currency, total: grand,
                                members: lines, restated: restated, explained: explain != nil)
    }
}

/// A month computed again because of refunds dated in the settled period.
struct Restatement {
    var period: Period
    var before: MonthAmounts
    var after: MonthAmounts
}

extension MonthAmounts {
    mutating func add(_ a: MonthAmounts, minus b: MonthAmounts) throws(SettlementOverflow) {
        for r in 0..<perRule.count {
            for m in 0..<perRule[r].count where a.perRule[r][m] != b.perRule[r][m] {
                perRule[r][m] = try checkedAdd(perRule[r][m], a.perRule[r][m] - b.perRule[r][m])
            }
        }
        for m in 0..<cap.count where a.cap[m] != b.cap[m] {
            cap[m] = try checkedAdd(cap[m], a.cap[m] - b.cap[m])
        }
    }
}

@inline(__always)
func checkedAdd(_ a: Int64, _ b: Int64) throws(SettlementOverflow) -> Int64 {
    let (s, o) = a.addingReportingOverflow(b)
    if o { throw SettlementOverflow(rule: "total") }
    return s
}
