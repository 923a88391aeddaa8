/// 销售冠军: in the last month of a window, earners ranked by window volume win the prize of their rank.
public struct RankBonusRule: Sendable, Equatable {
    public struct Prize: Sendable, Equatable {
        public var rank: Int
        public var amount: Money
    }
    public var window: WindowKind
    public var prizes: [Prize]
    public var minimumVolume: Money

    public func prize(forRank rank: Int) -> Money? { prizes.first { $0.rank == rank }?.amount }
}
