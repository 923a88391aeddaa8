/// An exact decimal with six decimals, held as millionths: rates (`"0.035"` is 35 000) and
/// attainment ratios (`"1.2"` is 1 200 000).
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var millionths: Int64

    public static let one = Rate(millionths: 1_000_000)
    public static let zero = Rate(millionths: 0)

    @inlinable public init(millionths: Int64) { self.millionths = millionths }

    public init(parsing text: String) throws(FixedPoint.Failure) {
        switch FixedPoint.parse(text, scale: 6) {
        case .success(let value): self.millionths = value
        case .failure(let failure): throw failure
        }
    }

    /// The shortest exact decimal: `"0.05"`, `"1"`, `"0.035"`.
    public var description: String { FixedPoint.format(millionths, scale: 6, minimumDecimals: 0) }

    /// As a percentage for sentences: `5%`, `3.5%`.
    public var percent: String { FixedPoint.format(millionths, scale: 4, minimumDecimals: 0) + "%" }

    public static func < (a: Rate, b: Rate) -> Bool { a.millionths < b.millionths }

    /// `fen × rate` in millionths of a fen, exact; nil when it does not fit in 64 bits.
    @inlinable
    public func apply(toFen fen: Int64) -> Int64? {
        let (product, overflow) = fen.multipliedReportingOverflow(by: millionths)
        return overflow ? nil : product
    }
}
