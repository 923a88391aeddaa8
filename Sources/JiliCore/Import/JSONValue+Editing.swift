/// Editing a JSON document by path and writing it back: what the plan form does to a plan.
/// Paths are the ones plan problems use: `capPerMember`, `rules[0].rates.vip`, `tiers[2].name`.
extension JSONValue {
    public enum PathComponent: Equatable, Sendable {
        case key(String)
        case index(Int)
    }

    /// `rules[0].rates.vip` → key rules, index 0, key rates, key vip; nil when it is not a path.
    public static func components(_ path: String) -> [PathComponent]? {
        var out: [PathComponent] = []
        // Each dotted part is a key, then any number of `[index]`.
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            let name = part.prefix { $0 != "[" }
            guard !name.isEmpty else { return nil }
            out.append(.key(String(name)))
            var rest = part.dropFirst(name.count)
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let i = Int(rest[rest.index(after: rest.startIndex)..<close]), i >= 0 else { return nil }
                out.append(.index(i))
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else { return nil }
        }
        return out
    }

    public func value(at path: [PathComponent]) -> JSONValue? {
        guard let first = path.first else { return self }
        switch (first, self) {
        case (.key(let k), .object(let members)): return members.first { $0.key == k }?.value.value(at: Array(path.dropFirst()))
        case (.index(let i), .array(let items)): return i < items.count ? items[i].value(at: Array(path.dropFirst())) : nil
        default: return nil
        }
    }

    /// The document with the value at `path` replaced, or added as the last key of its object.
    /// Nil when the path leads through something that is not there (an index past the end, a key
    /// of something that is not an object).
    public func setting(_ path: [PathComponent], to new: JSONValue) -> JSONValue? {
        guard let first = path.first else { return new }
        let rest = Array(path.dropFirst())
        switch (first, self) {
        case (.key(let k), .object(var members)):
            if let i = members.firstIndex(where: { $0.key == k }) {
                guard let v = members[i].value.setting(rest, to: new) else { return nil }
                members[i].value = v
            } else if rest.isEmpty {
                members.append((key: k, value: new))
            } else {
                // A missing object on the way is created (`compliance.maxDepth` in a plan without `compliance`).
                guard case .key = rest[0], let v = JSONValue.object([]).setting(rest, to: new) else { return nil }
                members.append((key: k, value: v))
            }
            return .object(members)
        case (.index(let i), .array(var items)):
            guard i < items.count, let v = items[i].setting(rest, to: new) else { return nil }
            items[i] = v
            return .array(items)
        default:
            return nil
        }
    }

    /// Written back as JSON: the top object one key per line, lists of objects one item per line,
    /// everything deeper on one line; number literals exactly as they were.
    public func rendered() -> String {
        guard case .object(let members) = self else { return compact() }
        let lines = members.map { m -> String in
            let key = Self.quoted(m.key)
            if case .array(let items) = m.value, items.contains(where: { if case .object = $0 { return true }; return false }) {
                return "  \(key): [\n" + items.map { "    " + $0.compact() }.joined(separator: ",\n") + "\n  ]"
            }
            return "  \(key): \(m.value.compact())"
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    public func compact() -> String {
        switch self {
        case .object(let members): return "{" + members.map { "\(Self.quoted($0.key)): \($0.value.compact())" }.joined(separator: ", ") + "}"
        case .array(let items): return "[" + items.map { $0.compact() }.joined(separator: ", ") + "]"
        case .string(let s): return Self.quoted(s)
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(u.value, radix: 16).count) + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
