import Foundation

/// The plan form: the numbers of a plan a leader changes most (names, rates, amounts, thresholds,
/// the cap and the depth limit) as fields keyed by their JSON path. Saving the form sets those
/// paths in the plan's JSON and decodes the result, so the form and the JSON editor share one
/// validation and a problem names the field it belongs to.
public enum PlanForm {
    /// What a field holds, for its label.
    public enum Key: Equatable, Sendable {
        case planName, cap, maxDepth
        case tierName(id: String)
        /// A single rate for every tier (`commission` with `rate`, `sameLevel`).
        case rate
        case tierRate(tier: String)
        case generationRate(generation: Int)
        case generations, requiresVolume, minimumVolume
        case bracketFrom(bracket: Int), bracketRate(bracket: Int)
        case attainment(threshold: Int), thresholdAmount(threshold: Int)
        case prize(rank: Int)
    }

    public struct Field: Equatable, Sendable {
        public var path: String
        public var key: Key
        public var value: String
    }

    public struct Group: Equatable, Sendable {
        /// Nil for the plan's own settings; else the rule's id and type.
        public var rule: String?
        public var type: String?
        public var fields: [Field]
    }

    /// The form of a plan document. Tier rates are offered for every tier, present or not.
    public static func groups(_ doc: JSONValue) -> [Group] {
        func text(_ v: JSONValue?) -> String {
            switch v {
            case .string(let s)?: return s
            case .number(let n)?: return n
            default: return ""
            }
        }
        func list(_ v: JSONValue?) -> [JSONValue] { if case .array(let a)? = v { return a }; return [] }
        let tierIDs = list(doc["tiers"]).map { text($0["id"]) }
        var plan = Group(rule: nil, type: nil, fields: [Field(path: "name", key: .planName, value: text(doc["name"]))])
        for (i, tier) in list(doc["tiers"]).enumerated() {
            plan.fields.append(Field(path: "tiers[\(i)].name", key: .tierName(id: text(tier["id"])), value: text(tier["name"])))
        }
        plan.fields.append(Field(path: "capPerMember", key: .cap, value: text(doc["capPerMember"])))
        plan.fields.append(Field(path: "compliance.maxDepth", key: .maxDepth, value: text(doc["compliance"]?["maxDepth"])))
        var groups = [plan]
        for (r, rule) in list(doc["rules"]).enumerated() {
            let p = "rules[\(r)]"
            let type = text(rule["type"])
            var fields: [Field] = []
            func tierRates() {
                for id in tierIDs { fields.append(Field(path: "\(p).rates.\(id)", key: .tierRate(tier: id), value: text(rule["rates"]?[id]))) }
            }
            switch type {
            case "commission":
                if rule["rate"] != nil { fields.append(Field(path: "\(p).rate", key: .rate, value: text(rule["rate"]))) } else { tierRates() }
            case "differential":
                tierRates()
            case "sameLevel":
                fields.append(Field(path: "\(p).rate", key: .rate, value: text(rule["rate"])))
                fields.append(Field(path: "\(p).generations", key: .generations, value: text(rule["generations"] ?? .number("1"))))
            case "override":
                for (g, rate) in list(rule["rates"]).enumerated() {
                    fields.append(Field(path: "\(p).rates[\(g)]", key: .generationRate(generation: g + 1), value: text(rate)))
                }
                fields.append(Field(path: "\(p).requiresVolume", key: .requiresVolume, value: text(rule["requiresVolume"] ?? .string("0"))))
            case "tiered":
                for (b, bracket) in list(rule["brackets"]).enumerated() {
                    fields.append(Field(path: "\(p).brackets[\(b)].from", key: .bracketFrom(bracket: b + 1), value: text(bracket["from"])))
                    fields.append(Field(path: "\(p).brackets[\(b)].rate", key: .bracketRate(bracket: b + 1), value: text(bracket["rate"])))
                }
            case "goalBonus":
                for (t, threshold) in list(rule["thresholds"]).enumerated() {
                    fields.append(Field(path: "\(p).thresholds[\(t)].attainment", key: .attainment(threshold: t + 1), value: text(threshold["attainment"])))
                    fields.append(Field(path: "\(p).thresholds[\(t)].amount", key: .thresholdAmount(threshold: t + 1), value: text(threshold["amount"])))
                }
            case "rankBonus":
                for (k, prize) in list(rule["prizes"]).enumerated() {
                    let rank = Int(text(prize["rank"])) ?? k + 1
                    fields.append(Field(path: "\(p).prizes[\(k)].amount", key: .prize(rank: rank), value: text(prize["amount"])))
                }
                fields.append(Field(path: "\(p).minimumVolume", key: .minimumVolume, value: text(rule["minimumVolume"] ?? .string("0.01"))))
            default:
                break
            }
            groups.append(Group(rule: text(rule["id"]), type: type, fields: fields))
        }
        return groups
    }

    /// The document with the form's values set: only paths the form offers are taken; a number
    /// field that holds a number stays a JSON number, anything else is written as a string for
    /// the decoder to judge. An emptied optional field (the cap, a tier rate) is left out.
    public static func apply(_ values: [String: String], to doc: JSONValue) -> JSONValue {
        var out = doc
        for group in groups(doc) {
            for field in group.fields {
                guard let raw = values[field.path], let path = JSONValue.components(field.path) else { continue }
                let text = raw.trimmingCharacters(in: .whitespaces)
                let current = doc.value(at: path)
                if text.isEmpty {
                    switch field.key {
                    case .cap, .tierRate:
                        out = out.removing(path) ?? out
                        continue
                    default:
                        if current == nil { continue }
                    }
                }
                let isNumber: Bool
                switch field.key {
                case .maxDepth, .generations: isNumber = true
                default: if case .number? = current { isNumber = true } else { isNumber = false }
                }
                let value: JSONValue = isNumber && !text.isEmpty && text.allSatisfy(\.isASCII) && text.allSatisfy(\.isNumber) ? .number(text) : .string(text)
                out = out.setting(path, to: value) ?? out
            }
        }
        return out
    }
}

extension JSONValue {
    /// The document without the key at the end of `path` (nil when there is nothing to remove).
    public func removing(_ path: [PathComponent]) -> JSONValue? {
        guard let last = path.last, case .key(let k) = last else { return nil }
        let parent = Array(path.dropLast())
        guard case .object(let members)? = value(at: parent), members.contains(where: { $0.key == k }) else { return nil }
        return setting(parent, to: .object(members.filter { $0.key != k }))
    }
}
