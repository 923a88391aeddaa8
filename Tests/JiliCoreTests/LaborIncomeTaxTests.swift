import JiliCore
import Testing

/// 劳务报酬 pre-withholding at the statutory rates, at every boundary of the deduction and the brackets.
struct LaborIncomeTaxTests {
    @Test(arguments: [
        // income (fen), tax (fen)
        (0, 0), (80_000, 0), (80_001, 0), (80_003, 1), (80_100, 20),
        (100_000, 4_000),            // (1000 − 800) × 20 %
        (400_000, 64_000),           // (4000 − 800) × 20 %: the last income with the ¥800 deduction
        (400_001, 64_000),           // 4000.01 × 80 % × 20 % = 640.0016
        (500_000, 80_000),           // 4000 × 20 %
        (2_500_000, 400_000),        // taxable exactly 20,000: still 20 %
        (2_500_001, 400_000),        // 20,000.008 × 30 % − 2,000 = 4,000.0024
        (3_000_000, 520_000),        // 24,000 × 30 % − 2,000
        (6_250_000, 1_300_000),      // taxable exactly 50,000: 30 % − 2,000 = 13,000
        (6_250_100, 1_300_032),      // 50,000.80 × 40 % − 7,000 = 13,000.32
        (10_000_000, 2_500_000),     // 80,000 × 40 % − 7,000
    ] as [(Int64, Int64)])
    func statutoryRates(income: Int64, tax: Int64) {
        #expect(LaborIncomeTax.withholding(incomeFen: income) == tax)
    }

    @Test func theBracketsJoinWithoutAJump() {
        // At each bracket's upper bound the next bracket gives the same tax (the quick deductions fit).
        for (i, b) in LaborIncomeTax.brackets.dropLast().enumerated() {
            let next = LaborIncomeTax.brackets[i + 1]
            let bound = b.upToFen!
            #expect(bound * b.percent / 100 - b.quickDeductionFen == bound * next.percent / 100 - next.quickDeductionFen)
        }
    }

    @Test func paymentsInOneMonthAreTaxedTogether() {
        // ¥3,000 then ¥3,000 in one month: the month's ¥6,000 owes 960; 440 was withheld on the first.
        let first = LaborIncomeTax.withholding(paymentFen: 300_000, monthPaidFen: 0, monthWithheldFen: 0)
        #expect(first == 44_000)
        let second = LaborIncomeTax.withholding(paymentFen: 300_000, monthPaidFen: 300_000, monthWithheldFen: first)
        #expect(second == 52_000)
        #expect(first + second == LaborIncomeTax.withholding(incomeFen: 600_000))
        // Never more than the payment, never negative.
        #expect(LaborIncomeTax.withholding(paymentFen: 100, monthPaidFen: 10_000_000, monthWithheldFen: 0) == 100)
        #expect(LaborIncomeTax.withholding(paymentFen: 100, monthPaidFen: 0, monthWithheldFen: 50_000) == 0)
    }
}
