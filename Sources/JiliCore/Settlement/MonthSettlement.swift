/// What one month pays, member by member and rule by rule, in fen.
struct MonthAmounts: Sendable {
    /// [rule][member], rounded once per member and rule.
    var perRule: [[Int64]]
    /// The cap line of each member (≤ 0).
    var cap: [Int64]
}

/// Why a member earned what it earned under one rule, as recorded while computing (explain mode).
enum Contribution: Sendable {
    /// Orders of `seller` (the member itself for seller rules) paid at `rate`; `generation` for overrides.
    case sales(seller: Int32, rate: Rate, generation: Int?)
    /// A slice of the member's volume paid at a tiered bracket's rate.
    case bracket(index: Int, slice: Int64, micro: Int64, volume: Int64)
    /// A goal reached: window volume against target, threshold index.
    case goal(window: String, volume: Int64, target: Int64, threshold: Int)
    /// A ranking prize.
    case rank(window: String, volume: Int64, rank: Int)
}

/// Records contributions per rule and member when explanations are asked for.
final class ContributionLog {
    var byRule: [[Int32: [Contribution]]]
    init(rules: Int) { byRule = Array(repeating: [:], count: rules) }
    func add(rule: Int, member: Int, _ c: Contribution) { byRule[rule][Int32(member), default: []].append(c) }
}

/// An amount that does not fit in 64-bit arithmetic.
public struct SettlementOverflow: Error, Sendable, CustomStringConvertible {
    public var rule: String
    public var description: String { "amounts under rule \"\(rule)\" are too large to compute exactly" }
}

/// Computes months under one plan and one input.
struct MonthCalculator {
    let plan: Plan
    let book: OrderBook
    let team: TeamView
    let filters: [CategoryFilter]
    /// For each rule, its index in `filters`.
    let ruleFilter: [Int]
    let memberCount: Int

    init(plan: Plan, input: SettlementInput) {
        self.plan = plan
        book = OrderBook(input: input, baseKind: plan.base)
        team = TeamView(members: input.members, tierCount: plan.tiers.count)
        var filters: [CategoryFilter] = []
        var ruleFilter: [Int] = []
        for rule in plan.rules {
            let f = CategoryFilter(categories: rule.categories, known: input.categories)
            if let i = filters.firstIndex(of: f) {
                ruleFilter.append(i)
            } else {
                ruleFilter.append(filters.count)
                filters.append(f)
            }
        }
        self.filters = filters
        self.ruleFilter = ruleFilter
        memberCount = input.members.count
    }

    /// Month `period` counted with refunds up to the end of `cutoff`. Prizes come from `prizes`
    /// when given (restatements keep the month's own prizes), else are computed for the month.
    func month(_ period: Int32, cutoff: Int32, prizes: [[Int64]]? = nil, log: ContributionLog? = nil) throws(SettlementOverflow) -> MonthAmounts {
        let volumes = book.volumes(period: period, cutoff: cutoff, filters: filters)
        var perRule: [[Int64]] = []
        let ownPrizes: [[Int64]]
        if let prizes { ownPrizes = prizes } else { ownPrizes = try self.prizes(period, log: log) }
        for (r, rule) in plan.rules.enumerated() {
            if rule.kind.isPrize {
                perRule.append(ownPrizes[r])
                continue
            }
            perRule.append(try amounts(rule: r, volume: volumes[ruleFilter[r]], log: log))
        }
        return MonthAmounts(perRule: perRule, cap: try caps(perRule, rule: "cap"))
    }

    /// The amounts of one order-based rule, rounded once per member.
    func amounts(rule r: Int, volume: [Int64], log: ContributionLog?) throws(SettlementOverflow) -> [Int64] {
        let rule = plan.rules[r]
        var micro = [Int64](repeating: 0, count: memberCount)
        var overflow = false
        @inline(__always) func add(_ m: Int, _ rate: Rate, _ base: Int64) {
            guard let v = rate.apply(toFen: base) else { overflow = true; return }
            let (s, o) = micro[m].addingReportingOverflow(v)
            if o { overflow = true } else { micro[m] = s }
        }
        let active = team.active
        let tier = team.tier
        switch rule.kind {
        case .commission(let c):
            for s in 0..<memberCount where volume[s] != 0 && active[s] {
                let rate = c.rates[Int(tier[s])]
                if rate.millionths == 0 { continue }
                add(s, rate, volume[s])
                log?.add(rule: r, member: s, .sales(seller: Int32(s), rate: rate, generation: nil))
            }
        case .tiered(let t):
            for s in 0..<memberCount where volume[s] != 0 && active[s] {
                guard let paid = t.pay(volume: volume[s]) else { overflow = true; break }
                micro[s] = paid.micro
                if let log {
                    for slice in paid.slices {
                        log.add(rule: r, member: s, .bracket(index: slice.bracket, slice: slice.slice, micro: slice.micro, volume: volume[s]))
                    }
                }
            }
        case .differential(let d):
            for s in 0..<memberCount where volume[s] != 0 {
                team.differential(seller: s, rule: d) { u, rate in
                    add(u, rate, volume[s])
                    log?.add(rule: r, member: u, .sales(seller: Int32(s), rate: rate, generation: nil))
                }
            }
        case .sameLevel(let l):
            for s in 0..<memberCount where volume[s] != 0 {
                team.sameLevel(seller: s, rule: l) { u, rate in
                    add(u, rate, volume[s])
                    log?.add(rule: r, member: u, .sales(seller: Int32(s), rate: rate, generation: nil))
                }
            }
        case .override(let o):
            let needed = o.requiresVolume.fen
            let qualified = (0..<memberCount).map { active[$0] && volume[$0] >= needed }
            for s in 0..<memberCount where volume[s] != 0 {
                team.override(seller: s, rule: o, qualified: qualified) { u, rate, generation in
                    add(u, rate, volume[s])
                    log?.add(rule: r, member: u, .sales(seller: Int32(s), rate: rate, generation: generation))
                }
            }
        case .goalBonus, .rankBonus:
            break
        }
        if overflow { throw SettlementOverflow(rule: rule.id) }
        return micro.map(Micro.roundToFen)
    }

    /// The cap line of each member: brings a sum over the rules above `capPerMember` down to it.
    func caps(_ perRule: [[Int64]], rule: String) throws(SettlementOverflow) -> [Int64] {
        var cap = [Int64](repeating: 0, count: memberCount)
        guard let limit = plan.capPerMember?.fen else { return cap }
        for m in 0..<memberCount {
            var sum: Int64 = 0
            for r in 0..<perRule.count {
                let (s, o) = sum.addingReportingOverflow(perRule[r][m])
                if o { throw SettlementOverflow(rule: rule) }
                sum = s
            }
            if sum > limit { cap[m] = limit - sum }
        }
        return cap
    }
}
