/// Why a member was paid an amount under one rule: the total, a sentence in zh-CN and English,
/// and one line per source (orders of a seller, a bracket slice, a goal, a rank, a restated month).
public struct Explanation: Sendable {
    public var amount: Int64
    public var zh: String
    public var en: String
    public var lines: [Line]

    public struct Line: Sendable {
        public var from: String?
        public var orders: [String]?
        public var period: String?
        public var window: String?
        public var generation: Int?
        public var base: Int64?
        public var volume: Int64?
        public var target: Int64?
        public var rank: Int?
        public var rate: Rate?
        public var before: Int64?
        public var after: Int64?
        public var refunds: [String]?
        /// Millionths of a fen, exact: the line amounts add up to the rule's amount before rounding.
        public var micro: Int64
        public var zh: String
        public var en: String

        init(micro: Int64, zh: String, en: String) {
            self.micro = micro
            self.zh = zh
            self.en = en
        }
    }

    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("amount"); w.money(amount)
        w.key("zh"); w.string(zh)
        w.key("en"); w.string(en)
        w.key("lines"); w.beginArray()
        for l in lines {
            w.beginObject()
            if let v = l.from { w.key("from"); w.string(v) }
            if let v = l.orders { w.key("orders"); w.strings(v) }
            if let v = l.period { w.key("period"); w.string(v) }
            if let v = l.window { w.key("window"); w.string(v) }
            if let v = l.generation { w.key("generation"); w.number(v) }
            if let v = l.volume { w.key("volume"); w.money(v) }
            if let v = l.target { w.key("target"); w.money(v) }
            if let v = l.rank { w.key("rank"); w.number(v) }
            if let v = l.base { w.key("base"); w.money(v) }
            if let v = l.rate { w.key("rate"); w.string(v.description) }
            if let v = l.before { w.key("before"); w.money(v) }
            if let v = l.after { w.key("after"); w.money(v) }
            if let v = l.refunds { w.key("refunds"); w.strings(v) }
            w.key("amount"); w.string(Micro.formatYuan(l.micro))
            w.key("zh"); w.string(l.zh)
            w.key("en"); w.string(l.en)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}

/// Turns what the calculation recorded into explanations, member by member.
final class Explainer {
    let plan: Plan
    let calc: MonthCalculator
    let period: Period
    let log: ContributionLog
    private var ordersBySeller: [Int: [Int32: [(order: Int32, base: Int64)]]] = [:]
    /// For each member, the refunds dated in the period of orders sold by it or its downline, by the
    /// month of the order: what restated its amounts. Built on first use.
    private var refundsByMember: [Int32: [(period: Int32, refund: Int32)]]?

    init(plan: Plan, calc: MonthCalculator, period: Period, log: ContributionLog) {
        self.plan = plan
        self.calc = calc
        self.period = period
        self.log = log
    }

    static let typeNames: [String: (zh: String, en: String)] = [
        "commission": ("零售提成", "retail commission"), "tiered": ("阶梯提成", "tiered commission"),
        "differential": ("级差奖", "differential bonus"), "sameLevel": ("平级奖", "same-level bonus"),
        "override": ("团队奖", "team override"), "goalBonus": ("目标奖", "goal bonus"),
        "rankBonus": ("销售冠军奖", "sales-champion prize"),
    ]

    private func orders(filter f: Int) -> [Int32: [(order: Int32, base: Int64)]] {
        if let cached = ordersBySeller[f] { return cached }
        let built = calc.book.orderBases(period: period.index, cutoff: period.index, filter: calc.filters[f])
        ordersBySeller[f] = built
        return built
    }

    private func yuan(_ fen: Int64) -> String { Money(fen: fen).display }

    /// What people call rule `r`: the plan's name for it, else its type's (the cap after the rules).
    private func label(_ r: Int) -> (zh: String, en: String) {
        guard r < plan.rules.count else { return ("封顶", "cap") }
        let rule = plan.rules[r]
        if let name = rule.name { return (name, name) }
        return Self.typeNames[rule.kind.typeName]!
    }

    func explain(member m: Int, own: MonthAmounts, restatements: [Restatement]) -> [String: Explanation] {
        var out: [String: Explanation] = [:]
        let ids = calc.book.input.members.ids
        for (r, rule) in plan.rules.enumerated() where own.perRule[r][m] != 0 {
            let names = label(r)
            var lines: [Explanation.Line] = []
            for c in log.byRule[r][Int32(m)] ?? [] {
                lines.append(line(c, rule: r, member: m, ids: ids))
            }
            let amount = own.perRule[r][m]
            out[rule.id] = Explanation(
                amount: amount,
                zh: "\(names.zh)：\(yuan(amount))，共 \(lines.count) 项来源，各项精确相加后四舍五入到分。",
                en: "\(names.en): \(yuan(amount)) from \(lines.count) source\(lines.count == 1 ? "" : "s"), added exactly and rounded once to the fen.",
                lines: lines)
        }
        if own.cap[m] != 0, let cap = plan.capPerMember {
            let sum = cap.fen - own.cap[m]
            var l = Explanation.Line(micro: own.cap[m] * Micro.perFen,
                zh: "本月各项合计 \(yuan(sum))，超过每人封顶 \(cap.display)，扣减 \(yuan(-own.cap[m]))。",
                en: "The month's rules add up to \(yuan(sum)), above the cap of \(cap.display) per member: \(yuan(own.cap[m])).")
            l.before = sum
            l.after = cap.fen
            out["cap"] = Explanation(amount: own.cap[m], zh: l.zh, en: l.en, lines: [l])
        }
        if let adjustments = adjustmentExplanation(member: m, restatements: restatements) {
            out["adjustments"] = adjustments
        }
        return out
    }

    private func line(_ c: Contribution, rule r: Int, member m: Int, ids: KeyTable) -> Explanation.Line {
        switch c {
        case .sales(let seller, let rate, let generation):
            let list = orders(filter: calc.ruleFilter[r])[seller] ?? []
            let base = list.reduce(0) { $0 + $1.base }
            let micro = rate.apply(toFen: base) ?? 0
            let orderIDs = list.map { calc.book.input.orders.ids[Int($0.order)] }
            let shown = orderIDs.prefix(20).joined(separator: ", ") + (orderIDs.count > 20 ? " …" : "")
            let own = Int(seller) == m
            let label = Self.label(member: Int(seller), ids: ids, names: calc.book.input.members.names)
            let who = own ? ("本人", "own") : ("下级 \(label) ", "\(label)'s")
            let gen = generation.map { ("第 \($0) 代 ", "generation \($0) ") } ?? ("", "")
            var l: Explanation.Line
            if case .differential(let d) = plan.rules[r].kind {
                l = differentialLine(d, difference: rate, seller: Int(seller), member: m, label: label, count: list.count, shown: shown, base: base, micro: micro)
            } else {
                l = Explanation.Line(micro: micro,
                    zh: "\(who.0)的 \(list.count) 笔订单（\(shown)），基数 \(yuan(base)) × \(gen.0)\(rate.percent) = \(Money.display(micro: micro))",
                    en: "\(who.1) \(list.count) order\(list.count == 1 ? "" : "s") (\(shown)), base \(yuan(base)) × \(gen.1)\(rate.percent) = \(Money.display(micro: micro))")
            }
            l.from = ids[Int(seller)]
            l.orders = orderIDs
            l.base = base
            l.rate = rate
            l.generation = generation
            return l
        case .bracket(let index, let slice, let micro, let volume):
            guard case .tiered(let t) = plan.rules[r].kind else { fatalError("bracket contribution on a non-tiered rule") }
            let b = t.brackets[index]
            var l = Explanation.Line(micro: micro,
                zh: "本月业绩 \(yuan(volume)) 中，\(b.from.display) 档的 \(yuan(slice)) × \(b.rate.percent) = \(Money.display(micro: micro))",
                en: "of the month's volume \(yuan(volume)), \(yuan(slice)) in the bracket from \(b.from.display) × \(b.rate.percent) = \(Money.display(micro: micro))")
            l.volume = volume
            l.base = slice
            l.rate = b.rate
            return l
        case .goal(let window, let volume, let target, let threshold):
            guard case .goalBonus(let g) = plan.rules[r].kind else { fatalError("goal contribution on another rule") }
            let t = g.thresholds[threshold]
            var l = Explanation.Line(micro: t.amount.fen * Micro.perFen,
                zh: "\(window) 目标 \(yuan(target))，完成 \(yuan(volume))，达到 \(t.attainment.percent) 档：\(t.amount.display)",
                en: "goal for \(window) \(yuan(target)), reached \(yuan(volume)), threshold \(t.attainment.percent): \(t.amount.display)")
            l.window = window
            l.volume = volume
            l.target = target
            return l
        case .rank(let window, let volume, let rank):
            let amount = calc.plan.rules[r].kind
            guard case .rankBonus(let k) = amount, let prize = k.prize(forRank: rank) else { fatalError("rank contribution on another rule") }
            var l = Explanation.Line(micro: prize.fen * Micro.perFen,
                zh: "\(window) 业绩 \(yuan(volume))，排名第 \(rank)：\(prize.display)",
                en: "volume \(yuan(volume)) in \(window), rank \(rank): \(prize.display)")
            l.window = window
            l.volume = volume
            l.rank = rank
            return l
        }
    }

    /// 级差 in the words of the issue: "李娜 (m12)（代理）销售 ¥500.00；您的比例 15% − 其比例 10% = 5% → ¥25.00".
    /// The rate subtracted is what was already paid below the earner: the seller's own rate, or
    /// the rate of an upline in between who earned a difference first (then it says so).
    private func differentialLine(_ d: DifferentialRule, difference: Rate, seller: Int, member m: Int, label: String, count: Int, shown: String,
                                  base: Int64, micro: Int64) -> Explanation.Line {
        let tiers = calc.book.input.members.tier
        let mine = d.rates[Int(tiers[m])]
        let sellerTier = plan.tiers[Int(tiers[seller])].name, sellerTierEn = plan.tiers[Int(tiers[seller])].englishName
        let theirs = d.rates[Int(tiers[seller])]
        let below = Rate(millionths: mine.millionths - difference.millionths)
        let byBelow = below == theirs ? ("其比例", "their rate") : ("下方已发比例", "rate already paid below")
        return Explanation.Line(micro: micro,
            zh: "\(label)（\(sellerTier)）的 \(count) 笔订单（\(shown)）销售 \(yuan(base))；您的比例 \(mine.percent) − \(byBelow.0) \(below.percent) = \(difference.percent) → \(Money.display(micro: micro))",
            en: "\(label) (\(sellerTierEn)) sold \(yuan(base)) in \(count) order\(count == 1 ? "" : "s") (\(shown)); your rate \(mine.percent) − \(byBelow.1) \(below.percent) = \(difference.percent) → \(Money.display(micro: micro))")
    }

    /// `李娜 (m12)` when the member has a name other than its id, else the id.
    static func label(member: Int, ids: KeyTable, names: [String]) -> String {
        let id = ids[member]
        guard member < names.count, !names[member].isEmpty, names[member] != id else { return id }
        return "\(names[member]) (\(id))"
    }

    private func adjustmentExplanation(member m: Int, restatements: [Restatement]) -> Explanation? {
        var lines: [Explanation.Line] = []
        var total: Int64 = 0
        let input = calc.book.input
        let ruleIDs = plan.rules.map(\.id) + ["cap"]
        if refundsByMember == nil {
            var map: [Int32: [(Int32, Int32)]] = [:]
            for r in calc.book.refundsDated(in: period.index) {
                let order = Int(input.refunds.order[Int(r)])
                let seller = Int(input.orders.seller[order])
                for member in [seller] + input.members.forest.uplines(of: seller) {
                    map[Int32(member), default: []].append((input.orders.period[order], r))
                }
            }
            refundsByMember = map
        }
        for q in restatements {
            let refunds = (refundsByMember?[Int32(m)] ?? []).filter { $0.period == q.period.index }.map { input.refunds.ids[Int($0.refund)] }
            for (r, id) in ruleIDs.enumerated() {
                let before = r < plan.rules.count ? q.before.perRule[r][m] : q.before.cap[m]
                let after = r < plan.rules.count ? q.after.perRule[r][m] : q.after.cap[m]
                guard before != after else { continue }
                total += after - before
                var l = Explanation.Line(micro: (after - before) * Micro.perFen,
                    zh: "\(q.period) 因本月退款（\(refunds.joined(separator: "、"))）重算：\(label(r).zh) 由 \(yuan(before))变为 \(yuan(after))，调整 \(yuan(after - before))",
                    en: "\(q.period) restated for refunds this month (\(refunds.joined(separator: ", "))): \(label(r).en) \(yuan(before)) → \(yuan(after)), adjustment \(yuan(after - before))")
                l.period = q.period.description
                l.from = id
                l.before = before
                l.after = after
                l.refunds = refunds
                lines.append(l)
            }
        }
        guard !lines.isEmpty else { return nil }
        return Explanation(amount: total,
            zh: "往期重算调整合计 \(yuan(total))（已结算的月份不改，差额计入本月）。",
            en: "Adjustments from restated months: \(yuan(total)) in all (settled months stay as they were; the difference is paid now).",
            lines: lines)
    }
}
