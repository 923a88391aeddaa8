import Foundation
import Testing
@testable import JiliServer

@Suite struct ClockTests {
    @Test func datesAreWrittenInTheTeamsTimeZone() {
        let clock = JiliClock(now: { testNow })
        #expect(clock.format(testNow) == "2026-11-29 12:00")
        #expect(clock.format(testNow, "yyyyMMdd") == "20261129")
        #expect(clock.format(testNow.addingTimeInterval(65), "MM-dd HH:mm:ss") == "11-29 12:01:05")
        // 2026-12-31 16:00:00 UTC is already the new year in Shanghai.
        let newYear = Date(timeIntervalSince1970: 1_798_732_800)
        #expect(clock.format(newYear, "yyyy-MM-dd HH:mm:ss") == "2027-01-01 00:00:00")
        #expect(clock.format(newYear.addingTimeInterval(-1), "yyyy-MM-dd HH:mm:ss") == "2026-12-31 23:59:59")
        #expect(clock.format(newYear, "yyyy年MM月dd日") == "2027年01月01日")
    }
}
