/// 级差: on each order, each earner up the chain whose rate exceeds what has been paid so far earns
/// the difference.
public struct DifferentialRule: Sendable, Equatable {
    public var rates: TierRates

    /// The most uplines one order can pay: the number of distinct rates above the lowest one.
    public var maxUplinesPaid: Int {
        let lowest = rates.byTier.min() ?? .zero
        return Set(rates.byTier.filter { $0 > lowest }).count
    }
}
