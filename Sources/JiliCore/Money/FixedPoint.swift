/// Parsing and formatting of exact decimal numbers held as scaled integers.
///
/// Money is held in fen (scale 2) and rates in millionths (scale 6). Parsing never goes through
/// floating point: the digits are read one by one and every step is checked for overflow.
public enum FixedPoint {
    /// Why a decimal string was refused.
    public enum Failure: Error, Equatable, Sendable {
        case empty
        case notANumber
        case tooManyDecimals(Int)
        case overflow
    }

    /// Parses ASCII bytes such as `1234.5`, `-0.05` or `+3` into an integer scaled by 10^scale.
    /// Leading and trailing spaces are ignored; thousands separators and exponents are refused.
    @inlinable
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Result<Int64, Failure> {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        if start == end { return .failure(.empty) }
        var negative = false
        if bytes[start] == UInt8(ascii: "-") || bytes[start] == UInt8(ascii: "+") {
            negative = bytes[start] == UInt8(ascii: "-")
            start += 1
        }
        var value: Int64 = 0
        var digits = 0
        var decimals = 0
        var seenPoint = false
        var i = start
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: ".") {
                if seenPoint { return .failure(.notANumber) }
                seenPoint = true
            } else if c >= 0x30 && c <= 0x39 {
                if seenPoint {
                    decimals += 1
                    if decimals > scale { return .failure(.tooManyDecimals(scale)) }
                }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(c &- 0x30))
                if o1 || o2 { return .failure(.overflow) }
                value = a
                digits += 1
            } else {
                return .failure(.notANumber)
            }
            i += 1
        }
        if digits == 0 { return .failure(.notANumber) }
        var remaining = scale - decimals
        while remaining > 0 {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return .failure(.overflow) }
            value = m
            remaining -= 1
        }
        return .success(negative ? -value : value)
    }

    /// Parses a Swift string; see ``parse(_:scale:)-(UnsafeBufferPointer<UInt8>,_)``.
    public static func parse(_ text: String, scale: Int) -> Result<Int64, Failure> {
        var copy = text
        return copy.withUTF8 { parse($0, scale: scale) }
    }

    /// Formats a scaled integer with exactly `minimumDecimals` decimals, or more (up to `scale`)
    /// when the value needs them. `format(-1230, scale: 2, minimumDecimals: 2)` is `-12.30`.
    public static func format(_ value: Int64, scale: Int, minimumDecimals: Int) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        var divisor: UInt64 = 1
        for _ in 0..<scale { divisor *= 10 }
        let whole = magnitude / divisor
        var fraction = magnitude % divisor
        var fractionDigits = scale
        while fractionDigits > minimumDecimals && fraction % 10 == 0 {
            fraction /= 10
            fractionDigits -= 1
        }
        var text = negative ? "-" : ""
        text += String(whole)
        if fractionDigits > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
        return text
    }
}
