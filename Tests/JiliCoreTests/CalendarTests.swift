import Foundation
import Testing
@testable import JiliCore

@Suite struct CalendarTests {
    let shanghai = PlanClock(timeZone: TimeZone(identifier: "Asia/Shanghai")!)

    func month(_ text: String, _ clock: PlanClock? = nil) -> String? {
        guard let t = Timestamp(parsing: text) else { return nil }
        return (clock ?? shanghai).place(t).period.description
    }

    @Test(arguments: [
        ("2026-11-30T15:59:59Z", "2026-11"), ("2026-11-30T16:00:00Z", "2026-12"),
        ("2026-11-30T20:00:00Z", "2026-12"), ("2026-12-01T00:00:00+08:00", "2026-12"),
        ("2026-11-30T23:59:59+08:00", "2026-11"), ("2026-12-01T00:30:00+09:00", "2026-11"),
        ("2026-11-30 23:59:59", "2026-11"), ("2026-12-01", "2026-12"), ("2026-11-30T23:59", "2026-11"),
        ("2026-10-31T16:00:00.500Z", "2026-11"), ("2026-11-01T00:00:00+0800", "2026-11"), ("2026-11-01T00:00:00+08", "2026-11"),
    ])
    func timestampsAtMonthEdges(text: String, expected: String) {
        #expect(month(text) == expected)
    }

    @Test func theSameInstantFallsInAnotherMonthInAnotherZone() {
        let utc = PlanClock(timeZone: TimeZone(identifier: "UTC")!)
        #expect(month("2026-11-30T20:00:00Z", utc) == "2026-11")
        #expect(month("2026-11-30T20:00:00Z") == "2026-12")
        // A local time is the plan's local time in either zone.
        #expect(month("2026-11-30 23:00:00", utc) == "2026-11")
    }

    @Test func localTimesBecomeInstantsInThePlansZone() throws {
        let t = try #require(Timestamp(parsing: "2026-11-03 10:15:00"))
        let withOffset = try #require(Timestamp(parsing: "2026-11-03T02:15:00Z"))
        #expect(shanghai.place(t).instant == shanghai.place(withOffset).instant)
        // New York has daylight saving time: 2026-03-08 02:30 does not exist, 2026-11-01 01:30 is ambiguous.
        let ny = PlanClock(timeZone: TimeZone(identifier: "America/New_York")!)
        let summer = try #require(Timestamp(parsing: "2026-07-01T12:00:00"))
        #expect(ny.place(summer).instant == shanghai.place(try #require(Timestamp(parsing: "2026-07-01T16:00:00Z"))).instant)
        let winter = try #require(Timestamp(parsing: "2026-12-01T12:00:00"))
        #expect(ny.place(winter).instant == shanghai.place(try #require(Timestamp(parsing: "2026-12-01T17:00:00Z"))).instant)
    }

    @Test(arguments: ["2026-13-01", "2026-02-29", "2026-11-31", "2026-11-03T24:00", "2026/11/03", "20261103", "2026-11-03T10:15:00+25:00", "2026-11-03X", "", "tomorrow"])
    func badTimestampsAreRefused(text: String) {
        #expect(Timestamp(parsing: text) == nil)
    }

    @Test func leapDayIsAccepted() {
        #expect(month("2028-02-29") == "2028-02")
    }

    @Test func windows() {
        let nov = Period(parsing: "2026-11")!
        let dec = Period(parsing: "2026-12")!
        #expect(WindowKind.quarter.monthsUpTo(nov) == Period(parsing: "2026-10")!.index...nov.index)
        #expect(WindowKind.year.monthsUpTo(nov).count == 11)
        #expect(WindowKind.month.ends(in: nov))
        #expect(!WindowKind.quarter.ends(in: nov) && WindowKind.quarter.ends(in: dec))
        #expect(!WindowKind.year.ends(in: nov) && WindowKind.year.ends(in: dec))
        #expect(WindowKind.quarter.key(for: nov) == "2026-Q4")
        #expect(WindowKind.year.key(for: nov) == "2026")
        #expect(GoalWindow(parsing: "2026-Q1")?.lastMonth == Period(parsing: "2026-03"))
        #expect(GoalWindow(parsing: "2026")?.lastMonth == Period(parsing: "2026-12"))
        #expect(GoalWindow(parsing: "2026-Q5") == nil)
        #expect(Period(parsing: "2026-00") == nil && Period(parsing: "2026-1") == nil)
        #expect(Period(parsing: "2026-01")!.previous.description == "2025-12")
    }

    /// A month is four digits of a year of this century and two of a month (`0874-09` was read back
    /// as `874-09`).
    @Test func monthsAreFourDigitYearsInASaneRange() {
        for bad in ["0874-09", "1999-12", "2100-01", "+202-11", "２０２６-11", "2026-+1", "-2026-11", "2026--11", "10000-01"] {
            #expect(Period(parsing: bad) == nil, "\(bad)")
        }
        #expect(Period(parsing: "2000-01")?.description == "2000-01")
        #expect(Period(parsing: "2099-12")?.description == "2099-12")
        for bad in ["0874", "0874-Q1", "2100", "+202"] { #expect(GoalWindow(parsing: bad) == nil, "\(bad)") }
        #expect(GoalWindow(parsing: "2026")?.description == "2026")
    }

    @Test func civilDatesRoundTrip() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let d = CivilDate.date(days: days)
            #expect(CivilDate.days(year: d.year, month: d.month, day: d.day) == days)
        }
        #expect(CivilDate.days(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilDate.days(year: 2026, month: 11, day: 29) == 20_786)
    }
}
