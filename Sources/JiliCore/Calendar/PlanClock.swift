import Foundation

/// Places timestamps on the plan's calendar: the instant they name and the month they fall in.
///
/// Offsets of the time zone are looked up once per UTC day and cached, so reading millions of
/// rows costs a dictionary lookup per row rather than a time-zone calculation.
public final class PlanClock {
    public let timeZone: TimeZone
    /// UTC day → offset in seconds when the offset is the same all day, else `Int32.min`.
    private var dayOffsets: [Int64: Int32] = [:]

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    /// The zone's offset from UTC at an instant (seconds since 1970).
    public func offset(atInstant instant: Int64) -> Int32 {
        let day = instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
        if let cached = dayOffsets[day] {
            if cached != Int32.min { return cached }
            return Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
        }
        let atStart = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(day * 86_400)))
        let atEnd = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(day * 86_400 + 86_399)))
        dayOffsets[day] = atStart == atEnd ? Int32(atStart) : Int32.min
        if atStart == atEnd { return Int32(atStart) }
        return Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    /// The instant of a local wall-clock time; in a gap (spring forward) the later offset applies.
    public func instant(fromWall wall: Int64) -> Int64 {
        let guess = offset(atInstant: wall)
        let first = offset(atInstant: wall - Int64(guess))
        if first == guess { return wall - Int64(guess) }
        let second = offset(atInstant: wall - Int64(first))
        return wall - Int64(second)
    }

    /// The month an instant falls in, on the plan's calendar.
    public func period(ofInstant instant: Int64) -> Period {
        let local = instant + Int64(offset(atInstant: instant))
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let d = CivilDate.date(days: days)
        return Period(year: d.year, month: d.month)
    }

    /// The instant and the month of a timestamp as written in a file.
    public func place(_ t: Timestamp) -> (instant: Int64, period: Period) {
        if let offset = t.offsetSeconds {
            let instant = t.wallSeconds - Int64(offset)
            return (instant, period(ofInstant: instant))
        }
        return (instant(fromWall: t.wallSeconds), t.wallPeriod)
    }
}
