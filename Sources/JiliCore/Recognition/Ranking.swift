/// Rankings from values: the largest first, ties share a rank and the next rank skips (1, 1, 3),
/// ties listed by id so that the order never depends on how the values came in.
public enum Ranking {
    public struct Entry<ID: Comparable & Sendable>: Equatable, Sendable {
        public var id: ID
        public var value: Int64
        public var rank: Int
    }

    /// Growth from `before` to `now` in basis points (10,000 = +100 %), rounded toward zero; nil when
    /// there was nothing before to grow from.
    public static func growth(from before: Int64, to now: Int64) -> Int64? {
        guard before > 0 else { return nil }
        return (now - before) * 10_000 / before
    }

    public static func rank<ID: Comparable & Sendable>(_ values: [(id: ID, value: Int64)]) -> [Entry<ID>] {
        let sorted = values.sorted { $0.value != $1.value ? $0.value > $1.value : $0.id < $1.id }
        var out: [Entry<ID>] = []
        out.reserveCapacity(sorted.count)
        for (i, v) in sorted.enumerated() {
            let rank = i > 0 && sorted[i - 1].value == v.value ? out[i - 1].rank : i + 1
            out.append(Entry(id: v.id, value: v.value, rank: rank))
        }
        return out
    }
}

/// Progress towards a target, in exact integers: how much of it is reached, in basis points
/// (10,000 = 100 %, rounded down, so that 99.995 % never shows as reached).
public struct GoalProgress: Equatable, Sendable {
    public var actual: Int64
    public var target: Int64

    public init(actual: Int64, target: Int64) {
        self.actual = actual
        self.target = target
    }

    public var reached: Bool { actual >= target }

    /// 0 when nothing or less is done; can exceed 10,000.
    public var basisPoints: Int64 {
        guard target > 0, actual > 0 else { return 0 }
        let (product, overflow) = actual.multipliedReportingOverflow(by: 10_000)
        return overflow ? Int64.max / target : product / target
    }

    /// `87.5%`: basis points with up to two decimals.
    public var percent: String { FixedPoint.format(basisPoints, scale: 2, minimumDecimals: 0) + "%" }

    /// What is left to do (0 once reached).
    public var remaining: Int64 { max(0, target - actual) }
}

extension GoalWindow {
    /// The months of the window, first to last.
    public var months: [Period] {
        let count: Int
        switch kind {
        case .month: count = 1
        case .quarter: count = 3
        case .year: count = 12
        }
        var out = [lastMonth]
        while out.count < count { out.insert(out[0].previous, at: 0) }
        return out
    }

    /// The window of this kind that holds `month`.
    public static func holding(_ month: Period, kind: WindowKind) -> GoalWindow {
        switch kind {
        case .month: return GoalWindow(kind: .month, lastMonth: month)
        case .quarter: return GoalWindow(kind: .quarter, lastMonth: Period(year: month.year, month: (month.month + 2) / 3 * 3))
        case .year: return GoalWindow(kind: .year, lastMonth: Period(year: month.year, month: 12))
        }
    }
}
