/// The walks up the sponsor chain that decide who earns on a seller's orders, one per rule type
/// that pays uplines. Each calls `pay(upline, rate)` for every upline that earns; the same walk
/// serves the amounts and their explanations, so there is one implementation of each rule.
struct TeamView {
    let sponsor: [Int32]
    let tier: [Int32]
    let active: [Bool]
    let topTier: Int32

    init(members: SettlementInput.Members, tierCount: Int) {
        sponsor = members.forest.sponsor
        tier = members.tier
        active = members.active
        topTier = Int32(tierCount - 1)
    }

    /// 级差: `paid` starts at the seller's rate; each earner above whose rate exceeds it earns the difference.
    @inline(__always)
    func differential(seller s: Int, rule: DifferentialRule, pay: (Int, Rate) -> Void) {
        let rates = rule.rates
        var paid = rates[Int(tier[s])]
        let highest = rates.maximum
        var u = sponsor[s]
        while u >= 0 && paid < highest {
            let ui = Int(u)
            if active[ui] {
                let r = rates[Int(tier[ui])]
                if r > paid {
                    pay(ui, Rate(millionths: r.millionths - paid.millionths))
                    paid = r
                }
            }
            u = sponsor[ui]
        }
    }

    /// 平级奖: the first `generations` eligible earners at the running level earn; a higher tier
    /// raises the level and resets the count.
    @inline(__always)
    func sameLevel(seller s: Int, rule: SameLevelRule, pay: (Int, Rate) -> Void) {
        var level = tier[s]
        var count = 0
        var u = sponsor[s]
        let generations = rule.generations
        let topDone = !rule.eligible[Int(topTier)]
        while u >= 0 {
            let ui = Int(u)
            if active[ui] {
                let t = tier[ui]
                if t > level {
                    level = t
                    count = 0
                } else if t == level, rule.eligible[Int(t)] {
                    if count < generations { pay(ui, rule.rate) }
                    count += 1
                }
                if level == topTier && (topDone || count >= generations) { return }
            }
            u = sponsor[ui]
        }
    }

    /// 团队奖: the n-th qualified upline earns rates[n−1]; without compression every upline uses
    /// up a generation.
    @inline(__always)
    func override(seller s: Int, rule: OverrideRule, qualified: [Bool], pay: (Int, Rate, Int) -> Void) {
        var generation = 0
        var u = sponsor[s]
        let rates = rule.rates
        while u >= 0 && generation < rates.count {
            let ui = Int(u)
            if qualified[ui] {
                pay(ui, rates[generation], generation + 1)
                generation += 1
            } else if !rule.compression {
                generation += 1
            }
            u = sponsor[ui]
        }
    }
}
