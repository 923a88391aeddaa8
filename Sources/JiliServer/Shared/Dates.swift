import Foundation
import JiliCore

/// Days as forms and files write them, for every area.
enum Dates {
    /// `2026-11-30` → days since 1970-01-01, when it is a real date written so (four, two and two
    /// digits: not `-2026-11-30`, `2026--11-30` or `+202-11-30`).
    static func day(_ text: String) -> Int64? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.map(\.count) == [4, 2, 2], parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= CivilDate.daysInMonth(year: y, month: m) else { return nil }
        return CivilDate.days(year: y, month: m, day: d)
    }

    /// Days since 1970-01-01 → `2026-11-30`.
    static func text(_ day: Int64) -> String {
        let d = CivilDate.date(days: day)
        return String(format: "%04d-%02d-%02d", d.year, d.month, d.day)
    }
}

extension JiliClock {
    /// Today in the team's time zone, as days since 1970-01-01.
    var today: Int64 { Dates.day(format(now(), "yyyy-MM-dd"))! }
}
