import Foundation

/// Places timestamps on the plan's calendar: the instant they name and the month they fall in.
///
/// Offsets of the time zone are looked up once per UTC day and kept in a table indexed by day, so
/// reading millions of rows costs an array lookup per row rather than a time-zone calculation.
public final class PlanClock {
    public let timeZone: TimeZone
    /// The UTC day that `dayOffsets[0]` is about.
    private var firstDay: Int64 = 0
    /// Offset in seconds of each day from `firstDay` when it is the same all day; `unknown` not
    /// looked up yet; `changes` on a day the offset changes (looked up per instant).
    private var dayOffsets: [Int32] = []
    private static let unknown = Int32.max
    private static let changes = Int32.min
    /// Beyond this many days the table stops growing and lookups go to the time zone.
    private static let maxDays: Int64 = 200_000

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    private func exactOffset(_ instant: Int64) -> Int32 {
        Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    /// The zone's offset from UTC at an instant (seconds since 1970).
    public func offset(atInstant instant: Int64) -> Int32 {
        let day = instant >= 0 ? instant / 86_400 : (instant - 86_399) / 86_400
        if dayOffsets.isEmpty { firstDay = day }
        if day < firstDay {
            guard firstDay - day + Int64(dayOffsets.count) <= Self.maxDays else { return exactOffset(instant) }
            dayOffsets.insert(contentsOf: repeatElement(Self.unknown, count: Int(firstDay - day)), at: 0)
            firstDay = day
        } else if day - firstDay >= Int64(dayOffsets.count) {
            guard day - firstDay < Self.maxDays else { return exactOffset(instant) }
            dayOffsets.append(contentsOf: repeatElement(Self.unknown, count: Int(day - firstDay) + 1 - dayOffsets.count))
        }
        let slot = Int(day - firstDay)
        var cached = dayOffsets[slot]
        if cached == Self.unknown {
            let atStart = exactOffset(day * 86_400)
            let atEnd = exactOffset(day * 86_400 + 86_399)
            cached = atStart == atEnd ? atStart : Self.changes
            dayOffsets[slot] = cached
        }
        return cached == Self.changes ? exactOffset(instant) : cached
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
