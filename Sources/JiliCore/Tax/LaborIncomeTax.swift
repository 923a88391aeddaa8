/// Pre-withholding of individual income tax on 劳务报酬所得 (remuneration for labour services), at the
/// statutory rates (国家税务总局公告 2018 年第 61 号, in force since 2019):
///
/// - the income of one payment (for continuing services: of one calendar month) less an expense
///   deduction of ¥800 when it is at most ¥4,000, else of 20 % of it, is the taxable amount;
/// - the taxable amount is withheld at 20 % up to ¥20,000, 30 % less ¥2,000 up to ¥50,000, and 40 %
///   less ¥7,000 above.
///
/// Everything is integer fen; the exact tax is rounded half up to the fen once.
public enum LaborIncomeTax {
    public struct Bracket: Sendable, Equatable {
        /// Upper bound of the taxable amount, in fen (nil: no bound).
        public var upToFen: Int64?
        public var percent: Int64
        public var quickDeductionFen: Int64
    }

    public static let brackets: [Bracket] = [
        Bracket(upToFen: 2_000_000, percent: 20, quickDeductionFen: 0),
        Bracket(upToFen: 5_000_000, percent: 30, quickDeductionFen: 200_000),
        Bracket(upToFen: nil, percent: 40, quickDeductionFen: 700_000),
    ]

    /// What is withheld from a month's (or one payment's) income of `incomeFen`.
    public static func withholding(incomeFen: Int64) -> Int64 {
        guard incomeFen > 80_000 else { return 0 }
        // Taxable amount in tenths of a fen, exact: income − 800, or income × 80 %.
        let taxableTenths = incomeFen <= 400_000 ? (incomeFen - 80_000) * 10 : incomeFen * 8
        let bracket = brackets.first { $0.upToFen.map { taxableTenths <= $0 * 10 } ?? true }!
        // tax = taxable × percent − quick deduction, in thousandths of a fen, rounded half up to the fen.
        let thousandths = taxableTenths * bracket.percent - bracket.quickDeductionFen * 1000
        return (thousandths + 500) / 1000
    }

    /// What to withhold from a further payment of `paymentFen` in a month where `paidFen` was already
    /// paid and `withheldFen` withheld: the month's tax on the new total, less what was withheld.
    /// Never more than the payment, never negative.
    public static func withholding(paymentFen: Int64, monthPaidFen: Int64, monthWithheldFen: Int64) -> Int64 {
        let due = withholding(incomeFen: monthPaidFen + paymentFen) - monthWithheldFen
        return min(max(due, 0), paymentFen)
    }
}
