import Foundation
import JiliCore

/// The time, passed in so that tests can fix it. This is the one place the server reads the
/// machine's date: everything else asks a clock it was given.
public struct JiliClock: Sendable {
    public var now: @Sendable () -> Date
    public var timeZone: TimeZone

    /// The team's time zone: months, days and deadlines are Shanghai's.
    public static let teamTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// The machine's clock, unless `now` says otherwise (tests fix it).
    public init(now: @escaping @Sendable () -> Date = { Date() }, timeZone: TimeZone = JiliClock.teamTimeZone) {
        self.now = now
        self.timeZone = timeZone
    }

    /// A clock that reads `start` now and runs on from there at the machine's pace (`JILI_NOW`: a
    /// process started by a test, or a demo, lives on the test's day whatever the machine's date).
    /// The pace is measured on the monotonic clock, so a change of the machine's date does not move it.
    public static func running(from start: Date) -> JiliClock {
        let started = ContinuousClock.now
        return JiliClock(now: {
            let elapsed = ContinuousClock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return start.addingTimeInterval(seconds)
        })
    }

    /// The month of an instant in the team's time zone.
    public func period(of date: Date) -> Period {
        PlanClock(timeZone: timeZone).period(ofInstant: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    public var currentPeriod: Period { period(of: now()) }

    /// The first instant of a month in the team's time zone.
    public func start(of period: Period) -> Date {
        let wall = CivilDate.days(year: period.year, month: period.month, day: 1) * 86_400
        return Date(timeIntervalSince1970: Double(PlanClock(timeZone: timeZone).instant(fromWall: wall)))
    }

    /// Dates for pages, in the team's time zone: `yyyy-MM-dd HH:mm` unless another pattern is given.
    /// The pattern's letters are `yyyy`, `MM`, `dd`, `HH`, `mm` and `ss` (numbers, zero-padded); any
    /// other character is written as it is. (A DateFormatter made per call cost a tenth of a page.)
    public func format(_ date: Date, _ pattern: String = "yyyy-MM-dd HH:mm") -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var out = ""
        var rest = Substring(pattern)
        func pad(_ v: Int?, _ width: Int) -> String {
            let digits = String(v ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        while let first = rest.first {
            let run = rest.prefix { $0 == first }
            switch first {
            case "y": out += pad(c.year, run.count)
            case "M": out += pad(c.month, run.count)
            case "d": out += pad(c.day, run.count)
            case "H": out += pad(c.hour, run.count)
            case "m": out += pad(c.minute, run.count)
            case "s": out += pad(c.second, run.count)
            default: out += run
            }
            rest = rest.dropFirst(run.count)
        }
        return out
    }
}
