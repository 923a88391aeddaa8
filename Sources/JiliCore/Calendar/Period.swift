/// A calendar month, as a count of months since year 0 (`2026-11` is 2026 × 12 + 10).
/// Which instants fall in it depends on the plan's time zone (see ``PlanClock``).
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var index: Int32

    @inlinable public init(index: Int32) { self.index = index }
    @inlinable public init(year: Int, month: Int) { self.index = Int32(year * 12 + month - 1) }

    public var year: Int { Int(index) / 12 }
    public var month: Int { Int(index) % 12 + 1 }
    public var quarter: Int { (month - 1) / 3 + 1 }

    /// The years a month may be written in: a team's months are this century's (`0874-09` is a
    /// typing mistake, not a month to settle).
    public static let years = 2000...2099

    /// Parses `YYYY-MM`: four digits of a year in ``years``, two of a month.
    public init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let y = Self.year(parts[0]), parts[1].count == 2, parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let m = Int(parts[1]), (1...12).contains(m)
        else { return nil }
        self.init(year: y, month: m)
    }

    /// Four ASCII digits of a year in ``years``.
    static func year(_ text: Substring) -> Int? {
        guard text.count == 4, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let y = Int(text), years.contains(y) else { return nil }
        return y
    }

    public var description: String {
        let m = month
        return "\(year)-\(m < 10 ? "0" : "")\(m)"
    }

    public var previous: Period { Period(index: index - 1) }
    public var next: Period { Period(index: index + 1) }

    public static func < (a: Period, b: Period) -> Bool { a.index < b.index }
}

/// The windows over which goals and prizes are measured.
public enum WindowKind: String, Sendable, CaseIterable {
    case month, quarter, year

    /// The months of the window that contains `period`, from its first month up to `period`.
    public func monthsUpTo(_ period: Period) -> ClosedRange<Int32> {
        switch self {
        case .month: return period.index...period.index
        case .quarter: return (period.index - Int32((period.month - 1) % 3))...period.index
        case .year: return (period.index - Int32(period.month - 1))...period.index
        }
    }

    /// Whether `period` is the last month of its window.
    public func ends(in period: Period) -> Bool {
        switch self {
        case .month: return true
        case .quarter: return period.month % 3 == 0
        case .year: return period.month == 12
        }
    }

    /// The goal key of the window containing `period`: `2026-11`, `2026-Q4` or `2026`.
    public func key(for period: Period) -> String {
        switch self {
        case .month: return period.description
        case .quarter: return "\(period.year)-Q\(period.quarter)"
        case .year: return "\(period.year)"
        }
    }
}

/// A goal period as written in goals.csv: a month, a quarter or a year.
public struct GoalWindow: Hashable, Sendable, CustomStringConvertible {
    public var kind: WindowKind
    /// The last month of the window.
    public var lastMonth: Period

    public init(kind: WindowKind, lastMonth: Period) {
        self.kind = kind
        self.lastMonth = lastMonth
    }

    /// Parses `2026-11`, `2026-Q4` or `2026`.
    public init?(parsing raw: String) {
        let text = raw.trimmingASCIISpaces()
        if let y = Period.year(Substring(text)) {
            self.init(kind: .year, lastMonth: Period(year: y, month: 12))
        } else if text.count == 7, text.dropFirst(4).hasPrefix("-Q") || text.dropFirst(4).hasPrefix("-q"),
                  let y = Period.year(text.prefix(4)), let q = Int(text.suffix(1)), (1...4).contains(q) {
            self.init(kind: .quarter, lastMonth: Period(year: y, month: q * 3))
        } else if let p = Period(parsing: text) {
            self.init(kind: .month, lastMonth: p)
        } else {
            return nil
        }
    }

    public var description: String { kind.key(for: lastMonth) }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces and tabs.
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
