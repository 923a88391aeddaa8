/// Profit sharing (分红): a pool split among members by weight, and each share paid over vesting
/// periods. Pure values in fen: every split adds up to the pool exactly, every schedule to its share.
public enum ProfitSharing {
    public enum Refusal: Error, Equatable, Sendable {
        /// The pool is below zero.
        case negativePool(Int64)
        /// A weight below zero, or weights that add up to zero.
        case badWeights
        /// Vesting over fewer than one period, or more than 120.
        case badPeriods(Int)
    }

    /// The pool of a window: `rate` (basis points) of profit — sales less cost less pay, never below
    /// zero — or a fixed sum when `fixedFen` is given.
    public static func pool(salesFen: Int64, costFen: Int64, payFen: Int64, rateBasisPoints: Int64, fixedFen: Int64?) -> Int64 {
        if let fixedFen { return max(0, fixedFen) }
        let profit = max(0, salesFen - costFen - payFen)
        return profit * rateBasisPoints / 10_000
    }

    /// Splits `pool` fen by `weights` (whole numbers, e.g. tier points × tenure months): each gets
    /// the floor of their exact share, and the fen left over go one each to the largest remainders
    /// (ties: in the order given), so the shares add up to the pool.
    public static func split(_ pool: Int64, weights: [(id: String, weight: Int64)]) throws -> [(id: String, fen: Int64)] {
        guard pool >= 0 else { throw Refusal.negativePool(pool) }
        guard weights.allSatisfy({ $0.weight >= 0 }) else { throw Refusal.badWeights }
        let total = weights.reduce(Int64(0)) { $0 + $1.weight }
        guard total > 0 else { throw Refusal.badWeights }
        var shares: [(id: String, fen: Int64, remainder: Int64, order: Int)] = []
        for (i, w) in weights.enumerated() {
            let (high, low) = pool.multipliedFullWidth(by: w.weight)
            let (q, r) = total.dividingFullWidth((high, low))
            shares.append((w.id, q, r, i))
        }
        var left = pool - shares.reduce(0) { $0 + $1.fen }
        for i in shares.indices.sorted(by: { (shares[$1].remainder, shares[$0].order) < (shares[$0].remainder, shares[$1].order) }) where left > 0 {
            shares[i].fen += 1
            left -= 1
        }
        return shares.map { ($0.id, $0.fen) }
    }

    /// A share paid over `periods` equal parts; the fen that do not divide go to the first parts.
    public static func vesting(_ share: Int64, periods: Int) throws -> [Int64] {
        guard (1...120).contains(periods) else { throw Refusal.badPeriods(periods) }
        let base = share / Int64(periods), extra = share % Int64(periods)
        return (0..<periods).map { base + (Int64($0) < extra ? 1 : 0) }
    }
}
