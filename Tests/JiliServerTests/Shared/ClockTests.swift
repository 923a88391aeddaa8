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

/// `JILI_NOW`: a process on the test's (or the demo's) day whatever the machine's date.
@Suite struct GivenClockTests {
    let env = ["JILI_HOME": packageRoot, "JILI_DATA": ":memory:"]

    @Test func jiliNowStartsTheClockAtThatInstantAndItRunsOn() throws {
        let config = try AppConfig.fromEnvironment(env.merging(["JILI_NOW": "2026-12-31T23:59:00+08:00"]) { $1 }, demo: false)
        #expect(config.clockStart == Date(timeIntervalSince1970: 1_798_732_740))
        let clock = config.clock
        let first = clock.now()
        #expect(first.timeIntervalSince(Date(timeIntervalSince1970: 1_798_732_740)) >= 0)
        #expect(first.timeIntervalSince(Date(timeIntervalSince1970: 1_798_732_740)) < 5)
        #expect(clock.currentPeriod.description == "2026-12")
        #expect(clock.now() >= first)
        // Any offset; the team's month is Shanghai's: 16:00 UTC on the 31st is already January there.
        let utc = try AppConfig.fromEnvironment(env.merging(["JILI_NOW": "2026-12-31T16:00:30Z"]) { $1 }, demo: false)
        #expect(utc.clock.currentPeriod.description == "2027-01")
    }

    @Test func withoutJiliNowTheClockIsTheMachines() throws {
        let config = try AppConfig.fromEnvironment(env, demo: false)
        #expect(config.clockStart == nil)
        #expect(abs(config.clock.now().timeIntervalSince(Date())) < 5)
    }

    @Test func aJiliNowThatIsNotADateTimeWithAnOffsetIsRefused() {
        for bad in ["2026-11-29", "2026-11-29T10:00:00", "tomorrow", "2026-13-01T00:00:00+08:00"] {
            #expect(throws: ConfigError.self) { try AppConfig.fromEnvironment(env.merging(["JILI_NOW": bad]) { $1 }, demo: false) }
            do {
                _ = try AppConfig.fromEnvironment(env.merging(["JILI_NOW": bad]) { $1 }, demo: false)
            } catch let error as ConfigError {
                #expect(error.problems == ["JILI_NOW: \"\(bad)\" is not a date-time with an offset (e.g. 2026-11-29T10:00:00+08:00)"])
            } catch {}
        }
    }
}
