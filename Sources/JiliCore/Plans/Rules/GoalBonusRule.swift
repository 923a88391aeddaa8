/// 目标奖: in the last month of a window, the amount of the highest threshold the member's
/// attainment (window volume ÷ target) reaches.
public struct GoalBonusRule: Sendable, Equatable {
    public struct Threshold: Sendable, Equatable {
        public var attainment: Rate
        public var amount: Money
    }
    public var window: WindowKind
    /// Ascending by attainment.
    public var thresholds: [Threshold]

    /// The index of the highest threshold reached by `volume` against `target` (both in fen).
    public func reached(volume: Int64, target: Int64) -> Int? {
        guard target > 0 else { return nil }
        // volume / target ≥ attainment / 10^6  ⇔  volume × 10^6 ≥ attainment × target
        let lhs = Int128(volume) * Int128(Micro.perFen)
        return thresholds.lastIndex { lhs >= Int128($0.attainment.millionths) * Int128(target) }
    }
}
