import Foundation

/// Decodes and validates a plan file, collecting every problem with its JSON path.
public struct PlanDecoder {
    private var problems: [PlanProblem] = []

    public init() {}

    /// Decodes a plan from UTF-8 JSON. Throws ``PlanErrors`` listing every problem found.
    public static func decode(_ bytes: [UInt8]) throws(PlanErrors) -> Plan {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw PlanErrors(problems: [PlanProblem(path: "", message: "not valid JSON: \(error)")])
        }
        var decoder = PlanDecoder()
        let plan = decoder.plan(json)
        if let plan, decoder.problems.isEmpty { return plan }
        throw PlanErrors(problems: decoder.problems)
    }

    // MARK: - Plan

    mutating func plan(_ json: JSONValue) -> Plan? {
        guard let root = object(json, path: "", allowed: [
            "id", "name", "description", "currency", "timezone", "base", "tiers", "capPerMember", "compliance", "rules",
        ]) else { return nil }
        let id = string(root["id"], path: "id", required: true) ?? ""
        if root["id"] != nil, id.isEmpty { problem("id", "must not be empty") }
        let name = string(root["name"], path: "name", required: false) ?? id
        let currency = string(root["currency"], path: "currency", required: false) ?? "CNY"
        let zoneName = string(root["timezone"], path: "timezone", required: false) ?? "Asia/Shanghai"
        let timeZone = TimeZone(identifier: zoneName)
        if timeZone == nil { problem("timezone", "\"\(zoneName)\" is not a known time zone (e.g. \"Asia/Shanghai\")") }
        var base = BaseKind.amount
        if let text = string(root["base"], path: "base", required: false) {
            if let b = BaseKind(rawValue: text) { base = b } else { problem("base", "\"\(text)\" is not one of amount, margin") }
        }
        let tiers = self.tiers(root["tiers"])
        let cap = root["capPerMember"].flatMap { money($0, path: "capPerMember") }
        let compliance = self.compliance(root["compliance"])
        var rules: [Rule] = []
        if let list = array(root["rules"], path: "rules", required: true) {
            var seen: [String: Int] = [:]
            for (i, item) in list.enumerated() {
                let path = "rules[\(i)]"
                if case .string(let id)? = item["id"] {
                    if let first = seen[id] {
                        problem("\(path).id", "duplicate rule id \"\(id)\" (also rules[\(first)])")
                    } else {
                        seen[id] = i
                    }
                }
                if let rule = rule(item, path: path, tiers: tiers) { rules.append(rule) }
            }
        }
        guard problems.isEmpty, let timeZone else { return nil }
        return Plan(id: id, name: name, currency: currency, timeZone: timeZone, base: base, tiers: tiers,
                    capPerMember: cap, compliance: compliance, rules: rules)
    }

    mutating func tiers(_ json: JSONValue?) -> [Tier] {
        guard let list = array(json, path: "tiers", required: true) else { return [] }
        if list.isEmpty { problem("tiers", "a plan needs at least one tier") }
        var tiers: [Tier] = []
        for (i, item) in list.enumerated() {
            let path = "tiers[\(i)]"
            guard let o = object(item, path: path, allowed: ["id", "name", "nameEn"]) else { continue }
            guard let id = string(o["id"], path: "\(path).id", required: true) else { continue }
            if id.isEmpty { problem("\(path).id", "must not be empty"); continue }
            if tiers.contains(where: { $0.id == id }) { problem("\(path).id", "duplicate tier id \"\(id)\""); continue }
            let nameEn = string(o["nameEn"], path: "\(path).nameEn", required: false)?.trimmingCharacters(in: .whitespaces)
            tiers.append(Tier(id: id, name: string(o["name"], path: "\(path).name", required: false) ?? id,
                              nameEn: nameEn.flatMap { $0.isEmpty ? nil : $0 }))
        }
        return tiers
    }

    mutating func compliance(_ json: JSONValue?) -> ComplianceSettings {
        var settings = ComplianceSettings()
        guard let json, let o = object(json, path: "compliance", allowed: ["profile", "maxDepth"]) else { return settings }
        if let text = string(o["profile"], path: "compliance.profile", required: false) {
            if let p = ComplianceSettings.Profile(rawValue: text) {
                settings.profile = p
            } else {
                problem("compliance.profile", "\"\(text)\" is not one of distribution, directSelling")
            }
        }
        if let depth = integer(o["maxDepth"], path: "compliance.maxDepth", minimum: 0) { settings.maxDepth = depth }
        return settings
    }

    // MARK: - Rules

    static let commonRuleFields: Set<String> = ["id", "type", "name", "description", "categories"]
    static let fieldsByType: [String: Set<String>] = [
        "commission": ["rate", "rates"],
        "tiered": ["brackets", "mode"],
        "differential": ["rates"],
        "sameLevel": ["rate", "generations", "tiers"],
        "override": ["rates", "requiresVolume", "compression"],
        "goalBonus": ["window", "thresholds"],
        "rankBonus": ["window", "prizes", "minimumVolume"],
    ]

    mutating func rule(_ json: JSONValue, path: String, tiers: [Tier]) -> Rule? {
        guard case .object = json else {
            problem(path, "expected an object, got \(json.shortDescription)")
            return nil
        }
        let type = string(json["type"], path: "\(path).type", required: true)
        guard let type else { return nil }
        guard let specific = Self.fieldsByType[type] else {
            problem("\(path).type", "unknown rule type \"\(type)\" (known: commission, tiered, differential, sameLevel, override, goalBonus, rankBonus)")
            return nil
        }
        guard let o = object(json, path: path, allowed: Self.commonRuleFields.union(specific)) else { return nil }
        let before = problems.count
        let id = string(o["id"], path: "\(path).id", required: true) ?? ""
        if o["id"] != nil, id.isEmpty { problem("\(path).id", "must not be empty") }
        if id == "cap" { problem("\(path).id", "\"cap\" is reserved for the cap line of results") }
        let name = string(o["name"], path: "\(path).name", required: false)?.trimmingCharacters(in: .whitespaces)
        _ = string(o["description"], path: "\(path).description", required: false)
        var categories: Set<String>?
        if let list = array(o["categories"], path: "\(path).categories", required: false) {
            var set = Set<String>()
            for (i, item) in list.enumerated() {
                if let c = string(item, path: "\(path).categories[\(i)]", required: true) { set.insert(c) }
            }
            if list.isEmpty { problem("\(path).categories", "an empty list would match no order; leave the field out to match all") }
            categories = set
        }
        let kind: RuleKind?
        switch type {
        case "commission":
            if o["rate"] != nil, o["rates"] != nil {
                problem(path, "give either rate or rates, not both")
                kind = nil
            } else if o["rate"] == nil, o["rates"] == nil {
                problem("\(path).rates", "missing (or give one rate for every tier)")
                kind = nil
            } else if let r = o["rate"] {
                kind = rate(r, path: "\(path).rate").map { .commission(CommissionRule(rates: TierRates(byTier: Array(repeating: $0, count: tiers.count)))) }
            } else {
                kind = tierRates(o["rates"], path: "\(path).rates", tiers: tiers).map { .commission(CommissionRule(rates: $0)) }
            }
        case "tiered": kind = tiered(o, path: path)
        case "differential":
            kind = tierRates(o["rates"], path: "\(path).rates", tiers: tiers).map { .differential(DifferentialRule(rates: $0)) }
        case "sameLevel": kind = sameLevel(o, path: path, tiers: tiers)
        case "override": kind = override(o, path: path)
        case "goalBonus": kind = goalBonus(o, path: path)
        default: kind = rankBonus(o, path: path)
        }
        guard problems.count == before, let kind else { return nil }
        return Rule(id: id, name: name?.isEmpty == false ? name : nil, categories: categories, kind: kind)
    }

    mutating func tiered(_ o: JSONValue, path: String) -> RuleKind? {
        var mode: TieredRule.Mode?
        if let text = string(o["mode"], path: "\(path).mode", required: true) {
            mode = TieredRule.Mode(rawValue: text)
            if mode == nil { problem("\(path).mode", "\"\(text)\" is not one of marginal, retroactive") }
        }
        guard let list = array(o["brackets"], path: "\(path).brackets", required: true) else { return nil }
        if list.isEmpty { problem("\(path).brackets", "needs at least one bracket") }
        var brackets: [TieredRule.Bracket] = []
        for (i, item) in list.enumerated() {
            let p = "\(path).brackets[\(i)]"
            guard let b = object(item, path: p, allowed: ["from", "rate"]) else { continue }
            let from = required(b["from"], path: "\(p).from").flatMap { money($0, path: "\(p).from") }
            let r = required(b["rate"], path: "\(p).rate").flatMap { rate($0, path: "\(p).rate") }
            guard let from, let r else { continue }
            if i == 0, from.fen != 0 { problem("\(p).from", "the first bracket must start at 0, not \(from)") }
            if let last = brackets.last, from <= last.from {
                problem("\(p).from", "brackets must ascend: \(from) is not above \(last.from)")
            }
            brackets.append(.init(from: from, rate: r))
        }
        guard let mode else { return nil }
        return .tiered(TieredRule(brackets: brackets, mode: mode))
    }

    mutating func sameLevel(_ o: JSONValue, path: String, tiers: [Tier]) -> RuleKind? {
        let r = required(o["rate"], path: "\(path).rate").flatMap { rate($0, path: "\(path).rate") }
        let generations = integer(o["generations"], path: "\(path).generations", minimum: 1) ?? 1
        var eligible = Array(repeating: true, count: tiers.count)
        if let list = array(o["tiers"], path: "\(path).tiers", required: false) {
            eligible = Array(repeating: false, count: tiers.count)
            for (i, item) in list.enumerated() {
                guard let id = string(item, path: "\(path).tiers[\(i)]", required: true) else { continue }
                if let t = tiers.firstIndex(where: { $0.id == id }) {
                    eligible[t] = true
                } else {
                    problem("\(path).tiers[\(i)]", "unknown tier \"\(id)\"")
                }
            }
        }
        guard let r else { return nil }
        return .sameLevel(SameLevelRule(rate: r, generations: generations, eligible: eligible))
    }

    mutating func override(_ o: JSONValue, path: String) -> RuleKind? {
        var rates: [Rate] = []
        if let list = array(o["rates"], path: "\(path).rates", required: true) {
            if list.isEmpty { problem("\(path).rates", "needs at least one generation's rate") }
            for (i, item) in list.enumerated() {
                if let r = rate(item, path: "\(path).rates[\(i)]") { rates.append(r) }
            }
        }
        let volume = o["requiresVolume"].flatMap { money($0, path: "\(path).requiresVolume") } ?? .zero
        var compression = true
        if let c = o["compression"] {
            if case .bool(let b) = c { compression = b } else { problem("\(path).compression", "expected true or false, got \(c.shortDescription)") }
        }
        return .override(OverrideRule(rates: rates, requiresVolume: volume, compression: compression))
    }

    mutating func window(_ json: JSONValue?, path: String) -> WindowKind {
        guard let text = string(json, path: path, required: false) else { return .month }
        if let w = WindowKind(rawValue: text) { return w }
        problem(path, "\"\(text)\" is not one of month, quarter, year")
        return .month
    }

    mutating func goalBonus(_ o: JSONValue, path: String) -> RuleKind? {
        let window = self.window(o["window"], path: "\(path).window")
        guard let list = array(o["thresholds"], path: "\(path).thresholds", required: true) else { return nil }
        if list.isEmpty { problem("\(path).thresholds", "needs at least one threshold") }
        var thresholds: [GoalBonusRule.Threshold] = []
        for (i, item) in list.enumerated() {
            let p = "\(path).thresholds[\(i)]"
            guard let t = object(item, path: p, allowed: ["attainment", "amount"]) else { continue }
            let a = required(t["attainment"], path: "\(p).attainment").flatMap { decimal($0, path: "\(p).attainment", what: "an attainment ratio such as \"1.0\"") }
            let amount = required(t["amount"], path: "\(p).amount").flatMap { money($0, path: "\(p).amount") }
            guard let a, let amount else { continue }
            if a.millionths <= 0 { problem("\(p).attainment", "must be above 0") }
            // Any order (the contract pays the highest threshold reached); one amount per attainment.
            if let first = thresholds.firstIndex(where: { $0.attainment == a }) {
                problem("\(p).attainment", "attainment \(a) has two thresholds (see thresholds[\(first)])")
            }
            thresholds.append(.init(attainment: a, amount: amount))
        }
        // Kept ascending by attainment, as the rule reads them.
        thresholds.sort { $0.attainment < $1.attainment }
        return .goalBonus(GoalBonusRule(window: window, thresholds: thresholds))
    }

    mutating func rankBonus(_ o: JSONValue, path: String) -> RuleKind? {
        let window = self.window(o["window"], path: "\(path).window")
        let minimum = o["minimumVolume"].flatMap { money($0, path: "\(path).minimumVolume") } ?? Money(fen: 1)
        guard let list = array(o["prizes"], path: "\(path).prizes", required: true) else { return nil }
        if list.isEmpty { problem("\(path).prizes", "needs at least one prize") }
        var prizes: [RankBonusRule.Prize] = []
        for (i, item) in list.enumerated() {
            let p = "\(path).prizes[\(i)]"
            guard let t = object(item, path: p, allowed: ["rank", "amount"]) else { continue }
            let rank = required(t["rank"], path: "\(p).rank").flatMap { integer($0, path: "\(p).rank", minimum: 1) }
            let amount = required(t["amount"], path: "\(p).amount").flatMap { money($0, path: "\(p).amount") }
            guard let rank, let amount else { continue }
            if prizes.contains(where: { $0.rank == rank }) { problem("\(p).rank", "rank \(rank) has two prizes"); continue }
            prizes.append(.init(rank: rank, amount: amount))
        }
        return .rankBonus(RankBonusRule(window: window, prizes: prizes, minimumVolume: minimum))
    }

    mutating func tierRates(_ json: JSONValue?, path: String, tiers: [Tier]) -> TierRates? {
        guard let json = required(json, path: path) else { return nil }
        guard case .object(let members) = json else {
            problem(path, "expected an object of rates by tier id, got \(json.shortDescription)")
            return nil
        }
        var rates = Array(repeating: Rate.zero, count: tiers.count)
        var ok = true
        for (key, value) in members {
            guard let t = tiers.firstIndex(where: { $0.id == key }) else {
                problem("\(path).\(key)", "unknown tier \"\(key)\" (tiers: \(tiers.map(\.id).joined(separator: ", ")))")
                ok = false
                continue
            }
            if let r = rate(value, path: "\(path).\(key)") { rates[t] = r } else { ok = false }
        }
        return ok ? TierRates(byTier: rates) : nil
    }

    // MARK: - Values

    mutating func problem(_ path: String, _ message: String, code: String = "", _ values: [String: String] = [:]) {
        problems.append(PlanProblem(path: path, message: message, code: code, values: values))
    }

    mutating func required(_ json: JSONValue?, path: String) -> JSONValue? {
        if json == nil { problem(path, "missing", code: "missing") }
        return json
    }

    mutating func object(_ json: JSONValue, path: String, allowed: Set<String>) -> JSONValue? {
        guard case .object(let members) = json else {
            problem(path, "expected an object, got \(json.shortDescription)", code: "expected_object", ["value": json.shortDescription])
            return nil
        }
        for (key, _) in members where !allowed.contains(key) {
            let list = allowed.sorted().joined(separator: ", ")
            problem(path.isEmpty ? key : "\(path).\(key)", "unknown field (allowed: \(list))", code: "unknown_field", ["allowed": list])
        }
        return json
    }

    mutating func array(_ json: JSONValue?, path: String, required: Bool) -> [JSONValue]? {
        guard let json else {
            if required { problem(path, "missing", code: "missing") }
            return nil
        }
        guard case .array(let items) = json else {
            problem(path, "expected a list, got \(json.shortDescription)", code: "expected_list", ["value": json.shortDescription])
            return nil
        }
        return items
    }

    mutating func string(_ json: JSONValue?, path: String, required: Bool) -> String? {
        guard let json else {
            if required { problem(path, "missing", code: "missing") }
            return nil
        }
        guard case .string(let s) = json else {
            problem(path, "expected a string, got \(json.shortDescription)", code: "expected_string", ["value": json.shortDescription])
            return nil
        }
        return s
    }

    mutating func integer(_ json: JSONValue?, path: String, minimum: Int) -> Int? {
        guard let json else { return nil }
        var text: String?
        if case .number(let n) = json { text = n } else if case .string(let s) = json { text = s }
        guard let text, let value = Int(text) else {
            problem(path, "\(json.shortDescription) is not a whole number", code: "not_whole", ["value": json.shortDescription])
            return nil
        }
        if value < minimum { problem(path, "must be at least \(minimum), not \(value)", code: "at_least", ["minimum": "\(minimum)", "value": "\(value)"]); return nil }
        return value
    }

    /// The literal text of a decimal given as a string or a JSON number.
    private func literal(_ json: JSONValue) -> String? {
        switch json {
        case .string(let s): return s
        case .number(let n): return n
        default: return nil
        }
    }

    mutating func money(_ json: JSONValue, path: String) -> Money? {
        guard let text = literal(json) else {
            problem(path, "\(json.shortDescription) is not an amount", code: "not_amount", ["value": json.shortDescription])
            return nil
        }
        let v = ["value": json.shortDescription]
        switch FixedPoint.parse(text, scale: 2) {
        case .success(let fen) where fen >= 0: return Money(fen: fen)
        case .success: problem(path, "\(json.shortDescription) must not be negative", code: "negative", v)
        case .failure(.tooManyDecimals): problem(path, "\(json.shortDescription) has more than 2 decimals", code: "decimals", v.merging(["max": "2"]) { $1 })
        case .failure(.overflow): problem(path, "\(json.shortDescription) is too large", code: "too_large", v)
        case .failure: problem(path, "\(json.shortDescription) is not an amount", code: "not_amount", v)
        }
        return nil
    }

    mutating func decimal(_ json: JSONValue, path: String, what: String) -> Rate? {
        let v = ["value": json.shortDescription]
        let notIt = what.hasPrefix("a rate") ? "not_rate" : "not_decimal"
        guard let text = literal(json) else {
            problem(path, "\(json.shortDescription) is not \(what)", code: notIt, v)
            return nil
        }
        switch FixedPoint.parse(text, scale: 6) {
        case .success(let value) where value >= 0: return Rate(millionths: value)
        case .success: problem(path, "\(json.shortDescription) must not be negative", code: "negative", v)
        case .failure(.tooManyDecimals): problem(path, "\(json.shortDescription) has more than 6 decimals", code: "decimals", v.merging(["max": "6"]) { $1 })
        case .failure: problem(path, "\(json.shortDescription) is not \(what)", code: notIt, v)
        }
        return nil
    }

    mutating func rate(_ json: JSONValue, path: String) -> Rate? {
        guard let r = decimal(json, path: path, what: "a rate such as \"0.05\"") else { return nil }
        if r > .one { problem(path, "\(json.shortDescription) is out of range: a rate is between 0 and 1", code: "rate_range", ["value": json.shortDescription]); return nil }
        return r
    }
}
