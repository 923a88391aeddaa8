/// The orders and refunds of a settlement, indexed by month, and the bases they give.
struct OrderBook: Sendable {
    let input: SettlementInput
    let baseKind: BaseKind
    /// Order indexes grouped by the month they were paid in.
    let ordersByPeriod: [Int32: [Int32]]
    /// Refund indexes grouped by the month their order was paid in.
    let refundsByOrderPeriod: [Int32: [Int32]]

    init(input: SettlementInput, baseKind: BaseKind) {
        self.input = input
        self.baseKind = baseKind
        var byPeriod: [Int32: [Int32]] = [:]
        let periods = input.orders.period
        for i in 0..<periods.count { byPeriod[periods[i], default: []].append(Int32(i)) }
        ordersByPeriod = byPeriod
        var refunds: [Int32: [Int32]] = [:]
        for r in 0..<input.refunds.count {
            refunds[periods[Int(input.refunds.order[r])], default: []].append(Int32(r))
        }
        refundsByOrderPeriod = refunds
    }

    /// For the orders paid in `period`: the amount refunded up to the end of month `cutoff`.
    func refunded(period: Int32, cutoff: Int32) -> [Int32: Int64] {
        var sums: [Int32: Int64] = [:]
        for r in refundsByOrderPeriod[period] ?? [] where input.refunds.period[Int(r)] <= cutoff {
            sums[input.refunds.order[Int(r)], default: 0] += input.refunds.amount[Int(r)]
        }
        return sums
    }

    /// The refunds dated in `period`.
    func refundsDated(in period: Int32) -> [Int32] {
        (0..<Int32(input.refunds.count)).filter { input.refunds.period[Int($0)] == period }
    }

    /// The base of an order whose net amount is `net` (spec: Words used below).
    @inline(__always)
    func base(order o: Int, net: Int64) -> Int64 {
        switch baseKind {
        case .amount:
            return net
        case .margin:
            let amount = input.orders.amount[o]
            guard amount > 0 else { return 0 }
            // net cost = cost × net / amount, rounded half up to the fen
            let numerator = Int128(input.orders.cost[o]) * Int128(net)
            let netCost = Int64((numerator * 2 + Int128(amount)) / (Int128(amount) * 2))
            return max(0, net - netCost)
        }
    }

    /// Per seller, the sum of the bases of the orders paid in `period`, net of refunds up to the end
    /// of `cutoff`, for each category filter (nil: all categories). Returns one array per filter.
    func volumes(period: Int32, cutoff: Int32, filters: [CategoryFilter]) -> [[Int64]] {
        let n = input.members.count
        var out = [[Int64]](repeating: [Int64](repeating: 0, count: n), count: filters.count)
        guard let orders = ordersByPeriod[period] else { return out }
        let refunded = refunded(period: period, cutoff: cutoff)
        let amount = input.orders.amount
        let seller = input.orders.seller
        let category = input.orders.category
        for o32 in orders {
            let o = Int(o32)
            let net = amount[o] - (refunded.isEmpty ? 0 : refunded[o32] ?? 0)
            let b = base(order: o, net: net)
            if b == 0 { continue }
            let s = Int(seller[o])
            for f in 0..<filters.count where filters[f].matches(category[o]) {
                out[f][s] += b
            }
        }
        return out
    }

    /// The orders of `period` that a filter keeps, with their bases, grouped by seller (for explanations).
    func orderBases(period: Int32, cutoff: Int32, filter: CategoryFilter) -> [Int32: [(order: Int32, base: Int64)]] {
        var out: [Int32: [(Int32, Int64)]] = [:]
        let refunded = refunded(period: period, cutoff: cutoff)
        for o32 in ordersByPeriod[period] ?? [] where filter.matches(input.orders.category[Int(o32)]) {
            let o = Int(o32)
            let b = base(order: o, net: input.orders.amount[o] - (refunded[o32] ?? 0))
            out[input.orders.seller[o], default: []].append((o32, b))
        }
        return out
    }
}

/// Which categories a rule counts: all, or the categories listed (an order with none is left out).
struct CategoryFilter: Sendable, Hashable {
    /// Nil for all categories; else, by category index, whether it is kept.
    let kept: [Bool]?

    init(categories: Set<String>?, known: KeyTable) {
        kept = categories.map { set in (0..<known.count).map { set.contains(known[$0]) } }
    }

    @inline(__always)
    func matches(_ category: Int32) -> Bool {
        guard let kept else { return true }
        return category >= 0 && kept[Int(category)]
    }
}
