import Foundation
import Testing
@testable import JiliCore

/// A random but reproducible team with orders, refunds and goals, written as CSV text.
struct RandomScenario {
    var memberLines: [String] = []
    var orderLines: [String] = []
    var refundLines: [String] = []
    var goalLines: [String] = []
    var orderIDsByMonth: [String: [String]] = [:]
    var orderAmounts: [String: Int64] = [:]
    static let tiers = DemoGenerator.tiers
    static let months = ["2026-09", "2026-10", "2026-11", "2026-12"]

    init(seed: UInt64, refunds: Bool = true) {
        var g = SeededRandom(seed: seed)
        let n = 2 + g.below(40)
        for i in 0..<n {
            let sponsor = i == 0 || g.chance(10) ? "" : "m\(g.below(i))"
            let status = g.chance(80) ? "active" : g.chance(50) ? "inactive" : "left"
            memberLines.append("m\(i),n\(i),\(sponsor),\(Self.tiers[g.below(4)]),2025-01-01,\(status)")
        }
        for k in 0..<g.below(80) {
            let month = Self.months[g.below(3)]
            let amount = Int64(g.below(500_000))
            let cost = g.chance(50) ? Money(fen: Int64(g.below(Int(amount) + 1000))).description : ""
            let category = ["", "skincare", "food"][g.below(3)]
            let day = 1 + g.below(28)
            orderLines.append("o\(k),m\(g.below(n)),\(month)-\(day < 10 ? "0" : "")\(day)T10:00:00+08:00,\(Money(fen: amount)),\(cost),\(category)")
            orderIDsByMonth[month, default: []].append("o\(k)")
            orderAmounts["o\(k)"] = amount
            if refunds, amount > 0, g.chance(25) {
                let later = Self.months[min(3, Self.months.firstIndex(of: month)! + g.below(3))]
                let part = g.chance(50) ? amount : 1 + Int64(g.below(Int(amount)))
                refundLines.append("r\(k),o\(k),\(later)-28T12:00:00+08:00,\(Money(fen: part))")
            }
        }
        for i in 0..<n where g.chance(30) {
            goalLines.append("m\(i),\(["2026-11", "2026-Q4", "2026-10"][g.below(3)]),\(1 + g.below(3000))")
        }
    }

    func scenario(plan: String = DemoGenerator.planJSON, shuffledWith seed: UInt64? = nil) -> Scenario {
        var g = SeededRandom(seed: seed ?? 0)
        func text(_ header: String, _ lines: [String]) -> String {
            (header + "\n") + (seed == nil ? lines : lines.shuffled(using: &g)).map { $0 + "\n" }.joined()
        }
        return Scenario(plan: plan,
                        members: text("id,name,sponsor_id,tier,joined_at,status", memberLines),
                        orders: text("id,member_id,paid_at,amount,cost,category", orderLines),
                        refunds: text("id,order_id,refunded_at,amount", refundLines),
                        goals: text("member_id,period,target", goalLines))
    }
}

@Suite struct PropertyTests {
    static let seeds: [UInt64] = Array(1...60)

    @Test(arguments: seeds)
    func resultDoesNotDependOnTheOrderOfRows(seed: UInt64) throws {
        let r = RandomScenario(seed: seed)
        for period in ["2026-10", "2026-11", "2026-12"] {
            let straight = try r.scenario().settle(period).json()
            let shuffled = try r.scenario(shuffledWith: seed &* 31).settle(period).json()
            #expect(straight == shuffled)
        }
    }

    @Test(arguments: seeds)
    func totalsReconcile(seed: UInt64) throws {
        let result = try RandomScenario(seed: seed).scenario().settle("2026-11")
        var grand: Int64 = 0
        for m in result.members {
            #expect(m.total == m.rules.values.reduce(0, +) + m.adjustments.values.reduce(0, +))
            #expect(!m.rules.values.contains(0) && !m.adjustments.values.contains(0))
            #expect(m.total != 0 || !m.rules.isEmpty || !m.adjustments.isEmpty)
            grand += m.total
        }
        #expect(result.total == grand)
        #expect(result.members.map(\.member) == result.members.map(\.member).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    @Test(arguments: seeds)
    func noRefundsNoAdjustments(seed: UInt64) throws {
        let result = try RandomScenario(seed: seed, refunds: false).scenario().settle("2026-11")
        #expect(result.members.allSatisfy { $0.adjustments.isEmpty })
        #expect(result.restated.isEmpty)
    }

    @Test(arguments: seeds)
    func refundingEveryOrderOfTheMonthLeavesNothingForOrderRules(seed: UInt64) throws {
        var r = RandomScenario(seed: seed, refunds: false)
        r.refundLines = (r.orderIDsByMonth["2026-11"] ?? []).compactMap { id in
            let amount = r.orderAmounts[id]!
            return amount > 0 ? "x\(id),\(id),2026-11-29T12:00:00+08:00,\(Money(fen: amount))" : nil
        }
        let result = try r.scenario().settle("2026-11")
        for m in result.members {
            for rule in ["retail", "volume", "jicha", "pingji", "team"] { #expect(m.rules[rule] == nil) }
        }
    }

    /// A single order's differential never pays more than (highest rate on the chain − seller's rate) × base.
    @Test(arguments: seeds)
    func differentialIsBoundedByTheHighestRateOnTheChain(seed: UInt64) throws {
        var r = RandomScenario(seed: seed, refunds: false)
        var g = SeededRandom(seed: seed)
        let n = r.memberLines.count
        let seller = g.below(n)
        r.orderLines = ["o1,m\(seller),2026-11-10,\(Money(fen: Int64(1 + g.below(10_000_000))))"]
        let s = r.scenario()
        let (plan, input) = try s.input()
        let result = try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-11")!, explain: true)
        guard case .differential(let d) = plan.rules[2].kind else { Issue.record("rule 2 is not the differential"); return }
        let chain = [seller] + input.members.forest.uplines(of: seller)
        let highest = chain.map { d.rates[Int(input.members.tier[$0])].millionths }.max()!
        let sellerRate = d.rates[Int(input.members.tier[seller])].millionths
        let paid = result.members.compactMap { $0.explanations?["jicha"] }.flatMap(\.lines).reduce(Int64(0)) { $0 + $1.micro }
        #expect(paid <= (highest - sellerRate) * input.orders.amount[0])
        #expect(paid >= 0)
    }

    /// A compliant plan never pays more than maxDepth uplines on one order through one rule.
    @Test(arguments: seeds)
    func compliantPlansPayAtMostMaxDepthUplines(seed: UInt64) throws {
        var g = SeededRandom(seed: seed)
        func rate() -> String { "0.0\(1 + g.below(9))" }
        let maxDepth = g.below(4)
        let json = """
        {"id": "p", "tiers": [{"id": "vip"}, {"id": "agent"}, {"id": "general"}, {"id": "director"}],
         "compliance": {"maxDepth": \(maxDepth)},
         "rules": [
          {"id": "jicha", "type": "differential", "rates": {"vip": "\(rate())", "agent": "\(rate())", "general": "\(rate())", "director": "\(rate())"}},
          {"id": "pingji", "type": "sameLevel", "rate": "\(rate())", "generations": \(1 + g.below(2)), "tiers": ["general", "director"]},
          {"id": "team", "type": "override", "rates": [\((0..<(1 + g.below(3))).map { _ in "\"\(rate())\"" }.joined(separator: ","))], "compression": \(g.chance(50))}
         ]}
        """
        let plan = try PlanDecoder.decode(Array(json.utf8))
        let report = ComplianceReport(plan: plan)
        var r = RandomScenario(seed: seed, refunds: false)
        r.orderLines = ["o1,m\(g.below(r.memberLines.count)),2026-11-10,100000"]
        let s = r.scenario(plan: json)
        if report.refused {
            #expect(throws: SettlementError.self) { try s.settle("2026-11") }
            return
        }
        let result = try s.settle("2026-11")
        for rule in ["jicha", "pingji", "team"] {
            let payees = result.members.filter { $0.rules[rule] != nil }.count
            #expect(payees <= maxDepth, "rule \(rule) paid \(payees) uplines with maxDepth \(maxDepth)")
        }
    }
}
