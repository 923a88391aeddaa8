/// 平级奖: the first `generations` earners at the same tier as the running level each earn rate × base.
public struct SameLevelRule: Sendable, Equatable {
    public var rate: Rate
    public var generations: Int
    /// Eligible tier indexes (all tiers by default).
    public var eligible: [Bool]

    /// The most uplines one order can pay: `generations` at each eligible level.
    public var maxUplinesPaid: Int { generations * eligible.filter { $0 }.count }
}
