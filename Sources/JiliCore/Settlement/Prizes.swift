extension MonthCalculator {
    /// The goal and ranking prizes of month `period` as its own settlement gives them: window
    /// volumes over the window's months up to `period`, net of refunds up to the end of `period`.
    /// Returns [rule][member] fen, with zeros for rules that are not prizes.
    func prizes(_ period: Int32, log: ContributionLog? = nil) throws(SettlementOverflow) -> [[Int64]] {
        var out = [[Int64]](repeating: [], count: plan.rules.count)
        let month = Period(index: period)
        var windowVolumes: [WindowKind: [[Int64]]] = [:]
        for (r, rule) in plan.rules.enumerated() {
            out[r] = [Int64](repeating: 0, count: memberCount)
            let window: WindowKind
            switch rule.kind {
            case .goalBonus(let g): window = g.window
            case .rankBonus(let k): window = k.window
            default: continue
            }
            guard window.ends(in: month) else { continue }
            if windowVolumes[window] == nil {
                windowVolumes[window] = try self.windowVolumes(window, period: month)
            }
            let volume = windowVolumes[window]![ruleFilter[r]]
            let key = window.key(for: month)
            switch rule.kind {
            case .goalBonus(let g):
                for goal in book.input.goals where goal.window.kind == window && goal.window.lastMonth == month {
                    let m = Int(goal.member)
                    guard team.active[m], let t = g.reached(volume: volume[m], target: goal.target) else { continue }
                    out[r][m] = g.thresholds[t].amount.fen
                    log?.add(rule: r, member: m, .goal(window: key, volume: volume[m], target: goal.target, threshold: t))
                }
            case .rankBonus(let k):
                let ranked = (0..<memberCount)
                    .filter { team.active[$0] && volume[$0] >= k.minimumVolume.fen }
                    .sorted { volume[$0] > volume[$1] || (volume[$0] == volume[$1] && $0 < $1) }
                var rank = 0
                for (i, m) in ranked.enumerated() {
                    if i == 0 || volume[m] != volume[ranked[i - 1]] { rank = i + 1 }
                    guard let prize = k.prize(forRank: rank) else {
                        if rank > (k.prizes.map(\.rank).max() ?? 0) { break }
                        continue
                    }
                    out[r][m] = prize.fen
                    log?.add(rule: r, member: m, .rank(window: key, volume: volume[m], rank: rank))
                }
            default:
                break
            }
        }
        return out
    }

    /// Per filter and member, the volume over the window's months up to `period`.
    func windowVolumes(_ window: WindowKind, period: Period) throws(SettlementOverflow) -> [[Int64]] {
        var total = [[Int64]](repeating: [Int64](repeating: 0, count: memberCount), count: filters.count)
        for m in window.monthsUpTo(period) {
            let v = book.volumes(period: m, cutoff: period.index, filters: filters)
            for f in 0..<filters.count {
                for i in 0..<memberCount where v[f][i] != 0 {
                    let (s, o) = total[f][i].addingReportingOverflow(v[f][i])
                    if o { throw SettlementOverflow(rule: "window volume") }
                    total[f][i] = s
                }
            }
        }
        return total
    }
}
