/// An amount of money in integer fen (1 yuan = 100 fen). Never floating point.
public struct Money: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var fen: Int64

    @inlinable public init(fen: Int64) { self.fen = fen }

    public static let zero = Money(fen: 0)

    /// Parses a decimal yuan string with at most two decimals: `"1234.5"` is 123450 fen.
    public init(parsing text: String) throws(FixedPoint.Failure) {
        switch FixedPoint.parse(text, scale: 2) {
        case .success(let fen): self.fen = fen
        case .failure(let failure): throw failure
        }
    }

    /// Always exactly two decimals: `"1234.50"`, `"-12.30"`, `"0.00"`.
    public var description: String { FixedPoint.format(fen, scale: 2, minimumDecimals: 2) }

    public static func < (a: Money, b: Money) -> Bool { a.fen < b.fen }

    /// Adds, reporting overflow as an error rather than wrapping.
    public func adding(_ other: Money) throws(MoneyOverflow) -> Money {
        let (sum, overflow) = fen.addingReportingOverflow(other.fen)
        if overflow { throw MoneyOverflow() }
        return Money(fen: sum)
    }
}

/// An arithmetic result that does not fit in 64-bit fen.
public struct MoneyOverflow: Error, Equatable, Sendable, CustomStringConvertible {
    public init() {}
    public var description: String { "amount out of range" }
}

/// Amounts in millionths of a fen: what `fen × rate` gives exactly when a rate has six decimals.
public enum Micro {
    public static let perFen: Int64 = 1_000_000

    /// Rounds millionths of a fen to whole fen, half away from zero.
    @inlinable
    public static func roundToFen(_ micro: Int64) -> Int64 {
        let half = perFen / 2
        if micro >= 0 { return (micro + half) / perFen }
        return -((-micro + half) / perFen)
    }

    /// Formats millionths of a fen as yuan, exact: at least two decimals, up to eight.
    public static func formatYuan(_ micro: Int64) -> String {
        FixedPoint.format(micro, scale: 8, minimumDecimals: 2)
    }
}

extension Money {
    /// `¥1,234.50`: thousands separated, two decimals; how pages and statements show an amount.
    public var display: String { Self.yen(description) }

    /// Millionths of a fen as yuan: `¥54.45` when whole fen, else exact (`¥54.4512`): only the line
    /// that explains a rounding shows the parts of a fen.
    public static func display(micro: Int64) -> String { yen(Micro.formatYuan(micro)) }

    /// `-1234.5678` as `-¥1,234.5678`.
    static func yen(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (negative ? "-" : "") + "¥" + whole + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }
}
