/// What a period pays (spec: Result). Amounts in fen; rule ids map to amounts, zeros left out.
public struct SettlementResult: Sendable {
    public struct MemberLine: Sendable {
        public var member: String
        public var total: Int64
        public var rules: [String: Int64]
        public var adjustments: [String: Int64]
        /// By rule id (and `adjustments`), present with `--explain`.
        public var explanations: [String: Explanation]?
    }

    public var period: Period
    public var plan: String
    public var currency: String
    public var total: Int64
    /// Sorted by member id (byte order); only members with a non-zero amount.
    public var members: [MemberLine]
    /// The earlier months restated by refunds dated in this period.
    public var restated: [Period]
    /// Whether explanations were asked for (they add `explanations` and `restated` keys).
    public var explained: Bool

    /// The result document. Key order follows the spec; maps are sorted by key.
    public func json() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

    /// The result document as UTF-8 bytes. Without `explanations` the members' lines leave them
    /// out (the app keeps each member's explained line apart, see `memberJSONBytes`).
    public func jsonBytes(explanations withExplanations: Bool = true) -> [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("period"); w.string(period.description)
        w.key("plan"); w.string(plan)
        w.key("currency"); w.string(currency)
        w.key("total"); w.money(total)
        if explained {
            w.key("restated"); w.beginArray()
            for p in restated { w.string(p.description) }
            w.endArray()
        }
        w.key("members"); w.beginArray()
        for m in members { write(m, explanations: withExplanations, to: &w) }
        w.endArray()
        w.endObject()
        return w.bytes + [0x0A]
    }

    /// One member's line, with its explanations, on one line without spaces: what a statement reads.
    public func memberJSONBytes(_ m: MemberLine) -> [UInt8] {
        var w = JSONWriter(compact: true)
        write(m, explanations: true, to: &w)
        return w.bytes
    }

    private func write(_ m: MemberLine, explanations withExplanations: Bool, to w: inout JSONWriter) {
        w.beginObject()
        w.key("member"); w.string(m.member)
        w.key("total"); w.money(m.total)
        w.key("rules"); w.amounts(m.rules)
        if !m.adjustments.isEmpty { w.key("adjustments"); w.amounts(m.adjustments) }
        if withExplanations, let explanations = m.explanations {
            w.key("explanations"); w.beginObject()
            for key in explanations.keys.sorted() {
                w.key(key)
                explanations[key]!.write(to: &w)
            }
            w.endObject()
        }
        w.endObject()
    }
}

/// A small JSON writer into UTF-8 bytes: two-space indentation, keys in the order written.
/// Results for a million members are written in well under a second.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// No line breaks or indentation.
    var compact = false

    init(compact: Bool = false) { self.compact = compact }
    private var depth = 0
    private var needsComma = false
    private var afterKey = false

    var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func prefix() {
        if afterKey { afterKey = false; return }
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        if depth > 0 { newline() }
    }

    private mutating func newline() {
        if compact { return }
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }

    mutating func beginObject() { prefix(); bytes.append(UInt8(ascii: "{")); depth += 1; needsComma = false }
    mutating func beginArray() { prefix(); bytes.append(UInt8(ascii: "[")); depth += 1; needsComma = false }
    mutating func endObject() { close(UInt8(ascii: "}")) }
    mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func close(_ c: UInt8) {
        depth -= 1
        if needsComma { newline() }
        bytes.append(c)
        needsComma = true
    }

    mutating func key(_ k: String) {
        prefix()
        quote(k)
        bytes.append(UInt8(ascii: ":"))
        if !compact { bytes.append(0x20) }
        afterKey = true
        needsComma = true
    }

    mutating func string(_ s: String) { prefix(); quote(s); needsComma = true }
    mutating func number(_ n: Int) { prefix(); bytes.append(contentsOf: String(n).utf8); needsComma = true }

    /// An amount of fen as a JSON string with exactly two decimals.
    mutating func money(_ fen: Int64) {
        prefix()
        bytes.append(UInt8(ascii: "\""))
        if fen < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = fen.magnitude
        var digits: [UInt8] = []
        var whole = magnitude / 100
        repeat {
            digits.append(UInt8(truncatingIfNeeded: whole % 10) + 0x30)
            whole /= 10
        } while whole > 0
        bytes.append(contentsOf: digits.reversed())
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(truncatingIfNeeded: magnitude % 100 / 10) + 0x30)
        bytes.append(UInt8(truncatingIfNeeded: magnitude % 10) + 0x30)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    mutating func amounts(_ map: [String: Int64]) {
        beginObject()
        for k in map.keys.sorted() { key(k); money(map[k]!) }
        endObject()
    }

    private mutating func quote(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
            case UInt8(ascii: "\\"): bytes.append(b); bytes.append(b)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(hex[Int(b >> 4)])
                bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
