/// An ISO 8601 timestamp as written in a file, before the plan's time zone is applied.
///
/// Accepted: `2026-11-03`, `2026-11-03T10:15`, `2026-11-03T10:15:00`, `2026-11-03 10:15:00`,
/// fractions of a second (`10:15:00.250`), and an offset `Z`, `+08:00`, `+0800` or `+08`.
/// Without an offset the time is local to the plan's time zone; a bare date is local midnight.
public struct Timestamp: Hashable, Sendable {
    /// Seconds since 1970-01-01T00:00 of the written wall-clock time, as if it were UTC.
    public var wallSeconds: Int64
    /// The written offset from UTC in seconds, or nil for a local time.
    public var offsetSeconds: Int32?

    public init(wallSeconds: Int64, offsetSeconds: Int32?) {
        self.wallSeconds = wallSeconds
        self.offsetSeconds = offsetSeconds
    }

    /// The written year and month (of the wall-clock time).
    public var wallPeriod: Period {
        let days = wallSeconds >= 0 ? wallSeconds / 86_400 : (wallSeconds - 86_399) / 86_400
        let d = CivilDate.date(days: days)
        return Period(year: d.year, month: d.month)
    }

    public init?(parsing text: String) {
        var copy = text
        guard let value = copy.withUTF8({ Timestamp.parse($0) }) else { return nil }
        self = value
    }

    /// Parses ASCII bytes; nil when they are not one of the accepted forms or name an impossible date.
    @inlinable
    public static func parse(_ raw: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        var start = 0
        var end = raw.count
        while start < end, raw[start] == 0x20 { start += 1 }
        while end > start, raw[end - 1] == 0x20 { end -= 1 }
        let b = UnsafeBufferPointer(rebasing: raw[start..<end])
        let n = b.count
        @inline(__always) func digit(_ i: Int) -> Int? {
            guard i < n else { return nil }
            let c = b[i]
            return c >= 0x30 && c <= 0x39 ? Int(c &- 0x30) : nil
        }
        @inline(__always) func two(_ i: Int) -> Int? {
            guard let a = digit(i), let c = digit(i + 1) else { return nil }
            return a * 10 + c
        }
        guard n >= 10, let y1 = two(0), let y2 = two(2), b[4] == 0x2D, let month = two(5), b[7] == 0x2D,
              let day = two(8)
        else { return nil }
        let year = y1 * 100 + y2
        guard year >= 1, (1...12).contains(month), day >= 1,
              day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var i = 10
        if i < n, b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "t") {
            guard let h = two(i + 1), i + 3 < n, b[i + 3] == 0x3A, let m = two(i + 4) else { return nil }
            hour = h
            minute = m
            i += 6
            if i < n, b[i] == 0x3A {
                guard let s = two(i + 1) else { return nil }
                second = s
                i += 3
                if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    let fractionStart = i
                    while digit(i) != nil { i += 1 }
                    if i == fractionStart { return nil }
                }
            }
            guard hour <= 23, minute <= 59, second <= 59 else { return nil }
        }
        var offset: Int32? = nil
        if i < n {
            let c = b[i]
            if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                offset = 0
                i += 1
            } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                guard let oh = two(i + 1) else { return nil }
                var om = 0
                i += 3
                if i < n, b[i] == 0x3A {
                    guard let m = two(i + 1) else { return nil }
                    om = m
                    i += 3
                } else if i < n {
                    guard let m = two(i) else { return nil }
                    om = m
                    i += 2
                }
                guard oh <= 18, om <= 59 else { return nil }
                let magnitude = Int32(oh * 3600 + om * 60)
                offset = c == UInt8(ascii: "-") ? -magnitude : magnitude
            } else {
                return nil
            }
        }
        guard i == n else { return nil }
        let days = CivilDate.days(year: year, month: month, day: day)
        let wall = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Timestamp(wallSeconds: wall, offsetSeconds: offset)
    }
}
