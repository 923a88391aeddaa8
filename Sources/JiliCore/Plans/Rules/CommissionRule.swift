/// 提成: the seller earns rate(seller's tier) × base of each of its orders.
public struct CommissionRule: Sendable, Equatable {
    public var rates: TierRates
}
