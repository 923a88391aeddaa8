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

    /// The amount of a member under a rule, or nil.
    public func amount(member: String, rule: String) -> Int64? {
        members.first { $0.member == member }?.rules[rule]
    }

    /// The result document. Key order follows the spec; maps are sorted by key.
    public func json() -> String {
        var w = JSONWriter()
        w.beginObject()
        w.key("period"); w.string(period.description)
        w.key("plan"); w.string(plan)
        w.key("currency"); w.string(currency)
        w.key("total"); w.string(Money(fen: total).description)
        if explained {
            w.key("restated"); w.beginArray()
            for p in restated { w.string(p.description) }
            w.endArray()
        }
        w.key("members"); w.beginArray()
        for m in members {
            w.beginObject()
            w.key("member"); w.string(m.member)
            w.key("total"); w.string(Money(fen: m.total).description)
            w.key("rules"); w.amounts(m.rules)
            if !m.adjustments.isEmpty { w.key("adjustments"); w.amounts(m.adjustments) }
            if let explanations = m.explanations {
                w.key("explanations"); w.beginObject()
                for key in explanations.keys.sorted() {
                    w.key(key)
                    explanations[key]!.write(to: &w)
                }
                w.endObject()
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.text + "\n"
    }
}

/// A small JSON writer: two-space indentation, keys in the order written.
struct JSONWriter {
    private(set) var text = ""
    private var depth = 0
    private var needsComma = false
    private var afterKey = false

    private mutating func prefix() {
        if afterKey { afterKey = false; return }
        if needsComma { text += "," }
        if depth > 0 { text += "\n" + String(repeating: "  ", count: depth) }
    }

    mutating func beginObject() { prefix(); text += "{"; depth += 1; needsComma = false }
    mutating func beginArray() { prefix(); text += "["; depth += 1; needsComma = false }
    mutating func endObject() { close("}") }
    mutating func endArray() { close("]") }

    private mutating func close(_ c: String) {
        depth -= 1
        if needsComma { text += "\n" + String(repeating: "  ", count: depth) }
        text += c
        needsComma = true
    }

    mutating func key(_ k: String) {
        prefix()
        text += Self.quote(k) + ": "
        afterKey = true
        needsComma = true
    }

    mutating func string(_ s: String) { prefix(); text += Self.quote(s); needsComma = true }
    mutating func number(_ n: Int) { prefix(); text += String(n); needsComma = true }

    mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { string(s) }
        endArray()
    }

    mutating func amounts(_ map: [String: Int64]) {
        beginObject()
        for k in map.keys.sorted() { key(k); string(Money(fen: map[k]!).description) }
        endObject()
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
