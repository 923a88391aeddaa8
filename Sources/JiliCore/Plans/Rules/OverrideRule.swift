/// 团队奖: the n-th qualified upline of the seller earns rates[n−1] × base.
public struct OverrideRule: Sendable, Equatable {
    public var rates: [Rate]
    /// Own period volume an upline needs to qualify, in fen.
    public var requiresVolume: Money
    /// With compression, only qualified uplines use up a generation.
    public var compression: Bool
}
