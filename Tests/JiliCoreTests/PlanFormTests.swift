import JiliCore
import Testing

struct PlanFormTests {
    func doc(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func pathsReadTheWayProblemsNameThem() {
        #expect(JSONValue.components("rules[0].rates.vip") == [.key("rules"), .index(0), .key("rates"), .key("vip")])
        #expect(JSONValue.components("rules[2].rates[1]") == [.key("rules"), .index(2), .key("rates"), .index(1)])
        #expect(JSONValue.components("capPerMember") == [.key("capPerMember")])
        for bad in ["", "[0]", "rules[", "rules[x]", "rules[-1]", "a..b", "rules[0]x"] { #expect(JSONValue.components(bad) == nil, "\(bad)") }
    }

    @Test(arguments: PlanTemplates.ids)
    func everyTemplateIsAcceptedByTheComplianceCheck(id: String) throws {
        let json = try #require(PlanTemplates.json(id))
        let plan = try PlanDecoder.decode(Array(json.utf8))
        #expect(!ComplianceReport(plan: plan).refused, "\(id)")
        // Written back unchanged, a template decodes to the same plan.
        let again = try PlanDecoder.decode(Array(try doc(json).rendered().utf8))
        #expect(again.rules.map(\.id) == plan.rules.map(\.id) && again.tiers == plan.tiers)
    }

    @Test func theFormOffersTheNumbersOfEachRule() throws {
        let groups = PlanForm.groups(try doc(PlanTemplates.json("standard")!))
        #expect(groups.map(\.rule) == [nil, "retail", "volume", "jicha", "pingji", "team", "goal", "champion"])
        #expect(groups[0].fields.map(\.path) == ["name", "tiers[0].name", "tiers[1].name", "tiers[2].name", "tiers[3].name", "capPerMember", "compliance.maxDepth"])
        #expect(groups[0].fields.last?.value == "3")
        #expect(groups[1].fields.map(\.key) == [.tierRate(tier: "vip"), .tierRate(tier: "agent"), .tierRate(tier: "general"), .tierRate(tier: "director")])
        #expect(groups[1].fields.map(\.value) == ["0.05", "0.08", "0.12", "0.15"])
        #expect(groups[2].fields.map(\.path) == ["rules[1].brackets[0].from", "rules[1].brackets[0].rate", "rules[1].brackets[1].from",
                                                  "rules[1].brackets[1].rate", "rules[1].brackets[2].from", "rules[1].brackets[2].rate"])
        #expect(groups[4].fields.map(\.key) == [.rate, .generations] && groups[4].fields[1].value == "1")
        #expect(groups[5].fields.map(\.key) == [.generationRate(generation: 1), .generationRate(generation: 2), .requiresVolume])
        #expect(groups[6].fields.map(\.value) == ["1.0", "200", "1.5", "500"])
        #expect(groups[7].fields.map(\.key) == [.prize(rank: 1), .prize(rank: 2), .prize(rank: 3), .minimumVolume])
    }

    @Test func savingTheFormChangesExactlyTheFieldsGiven() throws {
        let base = try doc(PlanTemplates.json("retail")!)
        let edited = PlanForm.apply(["name": "零售提成 2027", "rules[0].rates.vip": " 0.06 ", "capPerMember": "30000",
                                     "compliance.maxDepth": "1", "rules[0].type": "override", "unknown": "x"], to: base)
        let plan = try PlanDecoder.decode(Array(edited.rendered().utf8))
        #expect(plan.name == "零售提成 2027")
        #expect(plan.capPerMember == Money(fen: 3_000_000))
        #expect(plan.compliance.maxDepth == 1)
        guard case .commission(let c) = plan.rules[0].kind else { Issue.record("the type is not a form field"); return }
        #expect(c.rates[0] == Rate(millionths: 60_000) && c.rates[1] == Rate(millionths: 80_000))
        #expect(edited["compliance"]?["maxDepth"] == .number("1"))
        // Emptied: the cap and a tier rate are left out; other fields stay and the decoder names them.
        let emptied = PlanForm.apply(["capPerMember": "", "rules[0].rates.vip": "", "rules[0].rates.agent": "1O%"], to: edited)
        #expect(emptied["capPerMember"] == nil && emptied["rules"]?.value(at: [.index(0), .key("rates"), .key("vip")]) == nil)
        #expect(throws: PlanErrors.self) { try PlanDecoder.decode(Array(emptied.rendered().utf8)) }
        do {
            _ = try PlanDecoder.decode(Array(emptied.rendered().utf8))
        } catch {
            #expect(error.problems.map(\.path) == ["rules[0].rates.agent"])
        }
        // A depth that is not a whole number stays text, and the decoder says so at its path.
        let depth = PlanForm.apply(["compliance.maxDepth": "two"], to: base)
        #expect(depth["compliance"]?["maxDepth"] == .string("two"))
    }

    @Test func aMissingObjectOnTheWayIsCreated() throws {
        let plain = try doc(#"{"id": "p", "rules": []}"#)
        let set = try #require(plain.setting(JSONValue.components("compliance.maxDepth")!, to: .number("2")))
        #expect(set.compact() == #"{"id": "p", "rules": [], "compliance": {"maxDepth": 2}}"#)
        #expect(plain.setting(JSONValue.components("rules[3].rate")!, to: .number("2")) == nil)
        #expect(JSONValue.string("a\"b\\c\n\u{1}").compact() == #""a\"b\\c\n\u0001""#)
    }

    /// The common problems carry a code and values, so that pages can say them in the reader's language.
    @Test func problemsCarryACodeForTheMessageCatalogue() throws {
        let json = #"{"id": "x", "tiers": [{"id": "vip", "name": "V"}], "capPerMember": "1.234", "compliance": {"maxDepth": "two"}, "rules": [{"id": "r", "type": "commission", "rate": "5%"}, {"id": "s", "type": "commission", "rate": "1.5"}]}"#
        do {
            _ = try PlanDecoder.decode(Array(json.utf8))
            Issue.record("the plan has problems")
        } catch {
            let byPath = Dictionary(uniqueKeysWithValues: error.problems.map { ($0.path, ($0.code, $0.values)) })
            #expect(byPath["capPerMember"]?.0 == "decimals" && byPath["capPerMember"]?.1 == ["value": "\"1.234\"", "max": "2"])
            #expect(byPath["compliance.maxDepth"]?.0 == "not_whole")
            #expect(byPath["rules[0].rate"]?.0 == "not_rate" && byPath["rules[0].rate"]?.1 == ["value": "\"5%\""])
            #expect(byPath["rules[1].rate"]?.0 == "rate_range")
            // The English message stays for the command line.
            #expect(error.problems.first { $0.path == "rules[0].rate" }?.message == #""5%" is not a rate such as "0.05""#)
        }
    }
}
