import Testing
@testable import JiliCore

@Suite struct PlanDecoderTests {
    func problems(_ json: String) -> [String] {
        do {
            _ = try PlanDecoder.decode(Array(json.utf8))
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func decodesTheWorkedExamplePlan() throws {
        let p = try PlanDecoder.decode(Array(plan(UplineRuleTests.differential).utf8))
        #expect(p.tiers.map(\.id) == ["vip", "agent", "general"])
        #expect(p.timeZone.identifier == "Asia/Shanghai")
        #expect(p.base == .amount)
        #expect(p.capPerMember == nil)
        guard case .differential(let d) = p.rules[0].kind else { Issue.record("not a differential"); return }
        #expect(d.rates.byTier.map(\.millionths) == [50_000, 100_000, 150_000])
    }

    @Test func anAmountThatIsNotOneNamesItsPath() {
        let json = plan(#"""
            {"id": "a", "type": "commission", "rate": "0.1"},
            {"id": "b", "type": "commission", "rate": "0.1"},
            {"id": "c", "type": "commission", "rate": "0.1"},
            {"id": "d", "type": "tiered", "mode": "marginal", "brackets": [{"from": "0", "rate": "0.01"}, {"from": "1O00", "rate": "0.02"}]}
            """#)
        #expect(problems(json) == [#"rules[3].brackets[1].from: "1O00" is not an amount"#])
    }

    @Test func structuralProblems() {
        let json = """
        {"id": "x", "timezone": "Mars/Olympus", "base": "profit", "capPerMember": 1.234,
         "tiers": [{"id": "vip"}, {"id": "vip"}],
         "compliance": {"profile": "mlm", "maxDepth": -1},
         "rules": [
          {"id": "a", "type": "commission", "rates": {"vip": "1.5", "boss": "0.1"}},
          {"id": "a", "type": "bribe"},
          {"id": "t", "type": "tiered", "mode": "stepwise", "brackets": [{"from": "100", "rate": "0.01"}, {"from": "50", "rate": "-0.02"}]},
          {"id": "o", "type": "override", "rates": ["0.03"], "colour": "red"},
          {"id": "cap", "type": "commission", "rate": "0.1"},
          {"id": "s", "type": "sameLevel", "rate": "0.1", "tiers": ["boss"], "generations": 0},
          {"id": "g", "type": "goalBonus", "window": "week", "thresholds": [{"attainment": "1.2", "amount": "10"}, {"attainment": "1.0", "amount": "5"}, {"attainment": "1.20", "amount": "7"}]},
          {"id": "r", "type": "rankBonus", "prizes": [{"rank": 1, "amount": "10"}, {"rank": 1, "amount": "5"}, {"rank": 0, "amount": "1"}]},
          {"id": "c2", "type": "commission"}
         ]}
        """
        let found = problems(json)
        let expected = [
            #"timezone: "Mars/Olympus" is not a known time zone (e.g. "Asia/Shanghai")"#,
            #"base: "profit" is not one of amount, margin"#,
            #"tiers[1].id: duplicate tier id "vip""#,
            "capPerMember: 1.234 has more than 2 decimals",
            #"compliance.profile: "mlm" is not one of distribution, directSelling"#,
            "compliance.maxDepth: must be at least 0, not -1",
            #"rules[0].rates.vip: "1.5" is out of range: a rate is between 0 and 1"#,
            #"rules[0].rates.boss: unknown tier "boss" (tiers: vip)"#,
            #"rules[1].type: unknown rule type "bribe" (known: commission, tiered, differential, sameLevel, override, goalBonus, rankBonus)"#,
            #"rules[2].mode: "stepwise" is not one of marginal, retroactive"#,
            "rules[2].brackets[0].from: the first bracket must start at 0, not 100.00",
            #"rules[2].brackets[1].rate: "-0.02" must not be negative"#,
            "rules[3].colour: unknown field (allowed: categories, compression, description, id, name, rates, requiresVolume, type)",
            #"rules[4].id: "cap" is reserved for the cap line of results"#,
            "rules[5].generations: must be at least 1, not 0",
            #"rules[5].tiers[0]: unknown tier "boss""#,
            #"rules[6].window: "week" is not one of month, quarter, year"#,
            "rules[6].thresholds[2].attainment: attainment 1.2 has two thresholds (see thresholds[0])",
            "rules[7].prizes[1].rank: rank 1 has two prizes",
            "rules[7].prizes[2].rank: must be at least 1, not 0",
            "rules[8].rates: missing (or give one rate for every tier)",
        ]
        for e in expected { #expect(found.contains(e), "missing: \(e)\nfound:\n\(found.joined(separator: "\n"))") }
    }

    @Test func duplicateRuleIdsAndBracketsOutOfOrder() {
        let json = plan(#"""
            {"id": "a", "type": "commission", "rate": "0.1"},
            {"id": "a", "type": "tiered", "mode": "retroactive", "brackets": [{"from": "0", "rate": "0.01"}, {"from": "500", "rate": "0.02"}, {"from": "500", "rate": "0.03"}]}
            """#)
        #expect(problems(json) == [
            #"rules[1].id: duplicate rule id "a" (also rules[0])"#,
            "rules[1].brackets[2].from: brackets must ascend: 500.00 is not above 500.00",
        ])
    }

    @Test func syntaxErrorsNameLineAndColumn() {
        #expect(problems("{\n  \"id\": \"x\",\n  \"tiers\": [\n}") == ["not valid JSON: line 4, column 1: unexpected character"])
        #expect(problems("{\"id\": \"x\", \"id\": \"y\"}").first?.contains("duplicate key \"id\"") == true)
        #expect(problems("[]") == ["expected an object, got a list"])
    }

    @Test func numbersAreTakenExactlyFromTheirLiteralText() throws {
        let p = try PlanDecoder.decode(Array(plan(#"{"id": "r", "type": "commission", "rate": 0.1}"#, extra: #""capPerMember": 50000.5,"#).utf8))
        #expect(p.capPerMember == Money(fen: 5_000_050))
        guard case .commission(let c) = p.rules[0].kind else { Issue.record("not a commission"); return }
        #expect(c.rates[0] == Rate(millionths: 100_000))
    }
}

@Suite struct ComplianceTests {
    func report(_ rules: String, profile: String = "distribution", maxDepth: Int? = nil) throws -> ComplianceReport {
        let compliance = maxDepth.map { #""maxDepth": \#($0), "# } ?? ""
        let json = """
        {"id": "c", "tiers": [{"id": "vip"}, {"id": "agent"}, {"id": "general"}],
         "compliance": {\(compliance)"profile": "\(profile)"}, "rules": [\(rules)]}
        """
        return ComplianceReport(plan: try PlanDecoder.decode(Array(json.utf8)))
    }

    @Test func defaultMaxDepthIsTwo() throws {
        let r = try report(#"{"id": "team", "type": "override", "rates": ["0.03", "0.02", "0.01"]}"#)
        #expect(r.settings.maxDepth == 2)
        #expect(r.refused)
        #expect(r.refusals.map(\.description) == [#"REFUSED rules[0]: override "team" can pay 3 uplines on one order, more than maxDepth 2"#])
        #expect(try !report(#"{"id": "team", "type": "override", "rates": ["0.03", "0.01"]}"#).refused)
    }

    @Test func differentialDepthIsTheNumberOfDistinctHigherRates() throws {
        let three = #"{"id": "j", "type": "differential", "rates": {"vip": "0.05", "agent": "0.10", "general": "0.15"}}"#
        // vip 5 % → agent 10 % → general 15 %: two uplines at most.
        #expect(try report(three).uplinesPaid.first?.count == 2)
        #expect(try !report(three).refused)
        #expect(try report(three, maxDepth: 1).refused)
        // vip left out is rate 0: three distinct rates above it.
        let four = #"{"id": "j", "type": "differential", "rates": {"agent": "0.10", "general": "0.15"}}"#
        #expect(try report(four, maxDepth: 2).uplinesPaid.first?.count == 2)
        let equal = #"{"id": "j", "type": "differential", "rates": {"vip": "0.10", "agent": "0.10", "general": "0.15"}}"#
        #expect(try report(equal, maxDepth: 1).uplinesPaid.first?.count == 1)
        #expect(try !report(equal, maxDepth: 1).refused)
    }

    @Test func sameLevelDepthIsGenerationsTimesEligibleTiers() throws {
        let all = #"{"id": "p", "type": "sameLevel", "rate": "0.02"}"#
        #expect(try report(all).refused)                 // 3 levels × 1 > 2
        #expect(try !report(all, maxDepth: 3).refused)
        let two = #"{"id": "p", "type": "sameLevel", "rate": "0.02", "generations": 2, "tiers": ["general"]}"#
        #expect(try !report(two).refused)
        #expect(try report(two, maxDepth: 1).refused)
    }

    @Test func everyUplineRuleWarnsOfTeamPay() throws {
        let r = try report(#"""
            {"id": "retail", "type": "commission", "rate": "0.1"},
            {"id": "team", "type": "override", "rates": ["0.03"]}
            """#)
        #expect(!r.refused)
        #expect(r.warnings.count == 1)
        #expect(r.warnings[0].description.contains("团队计酬"))
        #expect(r.warnings[0].path == "rules[1]")
    }

    @Test func directSellingAllowsOnlyOwnSalesRules() throws {
        let r = try report(#"{"id": "j", "type": "differential", "rates": {"general": "0.05"}}"#, profile: "directSelling", maxDepth: 9)
        #expect(r.refused)
        #expect(r.refusals[0].message.contains("directSelling"))
        let ok = try report(#"""
            {"id": "retail", "type": "commission", "rates": {"vip": "0.1", "general": "0.2"}},
            {"id": "step", "type": "tiered", "mode": "marginal", "brackets": [{"from": "0", "rate": "0"}, {"from": "1000", "rate": "0.1"}]},
            {"id": "goal", "type": "goalBonus", "thresholds": [{"attainment": "1", "amount": "100"}]}
            """#, profile: "directSelling")
        #expect(!ok.refused)
        #expect(ok.findings.isEmpty)
    }

    @Test func directSellingCapsCommissionPlusTieredAtThirtyPercent() throws {
        let over = try report(#"""
            {"id": "retail", "type": "commission", "rates": {"vip": "0.1", "general": "0.2"}},
            {"id": "step", "type": "tiered", "mode": "marginal", "brackets": [{"from": "0", "rate": "0"}, {"from": "1000", "rate": "0.100001"}]}
            """#, profile: "directSelling")
        #expect(over.refusals.map(\.message) == ["commission plus tiered rates reach 30.0001%, above the 30% that the directSelling profile allows (《直销管理条例》 art. 24)"])
        // Rules on different categories never pay on the same order.
        let split = try report(#"""
            {"id": "a", "type": "commission", "rate": "0.25", "categories": ["food"]},
            {"id": "b", "type": "commission", "rate": "0.25", "categories": ["skincare"]}
            """#, profile: "directSelling")
        #expect(!split.refused)
        let both = try report(#"""
            {"id": "a", "type": "commission", "rate": "0.25", "categories": ["food"]},
            {"id": "b", "type": "commission", "rate": "0.25"}
            """#, profile: "directSelling")
        #expect(both.refusals.first?.message.contains("50%") == true)
    }

    @Test func aRefusedPlanCannotBeSettled() throws {
        let s = Scenario(plan: plan(#"{"id": "team", "type": "override", "rates": ["0.03", "0.02", "0.01"]}"#, maxDepth: 2),
                         members: members("A,,general"), orders: orders("o1,A,2026-11-02,100"))
        #expect(throws: SettlementError.self) { try s.settle("2026-11") }
    }
}
