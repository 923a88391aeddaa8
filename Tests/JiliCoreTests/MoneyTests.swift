import Testing
@testable import JiliCore

@Suite struct MoneyTests {
    @Test(arguments: [("1234.5", 123_450), ("0.05", 5), ("0", 0), (" 12 ", 1200), ("+3", 300), ("-12.30", -1230), ("007.1", 710)])
    func parsesYuan(text: String, fen: Int64) throws {
        #expect(try Money(parsing: text).fen == fen)
    }

    @Test func refusesWhatIsNotAnAmount() {
        #expect(throws: FixedPoint.Failure.notANumber) { try Money(parsing: "1O00") }
        #expect(throws: FixedPoint.Failure.tooManyDecimals(2)) { try Money(parsing: "1.005") }
        #expect(throws: FixedPoint.Failure.notANumber) { try Money(parsing: "1,000") }
        #expect(throws: FixedPoint.Failure.notANumber) { try Money(parsing: "1e3") }
        #expect(throws: FixedPoint.Failure.notANumber) { try Money(parsing: ".") }
        #expect(throws: FixedPoint.Failure.empty) { try Money(parsing: " ") }
        #expect(throws: FixedPoint.Failure.overflow) { try Money(parsing: "92233720368547758.08") }
        #expect(throws: FixedPoint.Failure.overflow) { try Money(parsing: "999999999999999999999") }
    }

    @Test func formatsWithExactlyTwoDecimals() {
        #expect(Money(fen: 123_450).description == "1234.50")
        #expect(Money(fen: -1230).description == "-12.30")
        #expect(Money(fen: 5).description == "0.05")
        #expect(Money(fen: 0).description == "0.00")
        #expect(Money(fen: Int64.min).description == "-92233720368547758.08")
    }

    @Test func additionOverflowIsAnErrorNotAWrap() throws {
        #expect(throws: MoneyOverflow()) { try Money(fen: Int64.max).adding(Money(fen: 1)) }
        #expect(try Money(fen: 1).adding(Money(fen: 2)) == Money(fen: 3))
    }

    @Test func ratesAreExactMillionths() throws {
        #expect(try Rate(parsing: "0.035").millionths == 35_000)
        #expect(try Rate(parsing: "1").description == "1")
        #expect(try Rate(parsing: "0.123456").percent == "12.3456%")
        #expect(throws: FixedPoint.Failure.tooManyDecimals(6)) { try Rate(parsing: "0.1234567") }
        #expect(Rate(millionths: 50_000).apply(toFen: 1000) == 50_000_000)
        #expect(Rate(millionths: 1_000_000).apply(toFen: Int64.max) == nil)
        #expect(Micro.formatYuan(250_000_000) == "2.50")
        #expect(Micro.formatYuan(123_456) == "0.00123456")
    }
}
