import Foundation
import Testing
@testable import JiliCore

@Suite struct WorkedExampleTests {
    func settleExample(explain: Bool = false) throws -> SettlementResult {
        let files = SettlementFiles(plan: exampleFolder + "/plan.json", members: exampleFolder + "/members.csv",
                                    orders: exampleFolder + "/orders.csv", refunds: exampleFolder + "/refunds.csv",
                                    goals: exampleFolder + "/goals.csv")
        let (plan, input) = try files.load().get()
        return try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-11")!, explain: explain)
    }

    @Test func givesExactlyTheExpectedResult() throws {
        let result = try settleExample()
        let actual = try JSONSerialization.jsonObject(with: Data(result.json().utf8)) as! NSDictionary
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: exampleFolder + "/expected-2026-11.json"))
        let expected = try JSONSerialization.jsonObject(with: expectedData) as! NSDictionary
        #expect(actual == expected)
    }

    /// examples/basic is a copy of the spec's example; where the spec sits beside the clone, they must agree.
    @Test func exampleIsTheSpecsExample() throws {
        let spec = packageRoot + "/../shared/spec/examples/basic"
        guard FileManager.default.fileExists(atPath: spec) else { return }
        for file in try FileManager.default.contentsOfDirectory(atPath: spec) {
            #expect(FileManager.default.contents(atPath: "\(spec)/\(file)") == FileManager.default.contents(atPath: "\(exampleFolder)/\(file)"),
                    "examples/basic/\(file) differs from the spec's")
        }
    }

    /// A rule the plan names is called by its name in the explanations (its id never shows); the
    /// result, keyed by ids, is the same.
    @Test func aNamedRuleIsExplainedByItsName() throws {
        let files = SettlementFiles(plan: exampleFolder + "/plan.json", members: exampleFolder + "/members.csv",
                                    orders: exampleFolder + "/orders.csv", refunds: exampleFolder + "/refunds.csv",
                                    goals: exampleFolder + "/goals.csv")
        var (plan, input) = try files.load().get()
        let r = try #require(plan.rules.firstIndex { $0.id == "jicha" })
        plan.rules[r].name = "团队级差"
        let named = try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-11")!, explain: true)
        let jicha = try #require(named.members.first { $0.member == "A" }?.explanations?["jicha"])
        #expect(jicha.zh.hasPrefix("团队级差：¥87.50，") && jicha.en.hasPrefix("团队级差: ¥87.50 from"))
        let plain = try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-11")!, explain: false)
        #expect(try plain.json() == settleExample().json())
        // The decoder keeps the name, trimmed; an empty name is no name.
        let json = try String(contentsOfFile: exampleFolder + "/plan.json", encoding: .utf8)
        let decoded = try PlanDecoder.decode(Array(json.replacingOccurrences(of: #"{"id": "jicha","#, with: #"{"id": "jicha", "name": " 级差 ","#).utf8))
        #expect(decoded.rules.first { $0.id == "jicha" }?.name == "级差")
        let unnamed = try PlanDecoder.decode(Array(json.replacingOccurrences(of: #"{"id": "jicha","#, with: #"{"id": "jicha", "name": "","#).utf8))
        #expect(unnamed.rules.first { $0.id == "jicha" }?.name == nil)
        #expect(Money.display(micro: 5_445_125_000) == "¥54.45125" && Money.display(micro: 123_456_700_000_000) == "¥1,234,567.00")
        // A tier's English name (`nameEn`, optional) is what the English explanations call it; the result is the same.
        let english = try PlanDecoder.decode(Array(json.replacingOccurrences(of: #"{"id": "agent", "name": "代理"}"#, with: #"{"id": "agent", "name": "代理", "nameEn": " Agent "}"#).utf8))
        #expect(english.tiers.map(\.englishName) == ["VIP", "Agent", "总代"] && english.tiers[1].name == "代理")
        let translated = try SettlementEngine(plan: english, input: input).settle(period: Period(parsing: "2026-11")!, explain: true)
        let line = try #require(translated.members.first { $0.member == "A" }?.explanations?["jicha"]?.lines[2])
        #expect(line.en == "刘洋 (D) (Agent) sold ¥500.00 in 1 order (o2); your rate 15% − their rate 10% = 5% → ¥25.00")
        #expect(line.zh == "刘洋 (D)（代理）的 1 笔订单（o2）销售 ¥500.00；您的比例 15% − 其比例 10% = 5% → ¥25.00")
        #expect(try SettlementEngine(plan: english, input: input).settle(period: Period(parsing: "2026-11")!, explain: false).json() == settleExample().json())
    }

    @Test func explanationsAddUpAndNameTheirSources() throws {
        let result = try settleExample(explain: true)
        let a = try #require(result.members.first { $0.member == "A" })
        let jicha = try #require(a.explanations?["jicha"])
        #expect(jicha.lines.map { $0.from } == ["B", "C", "D", "E"])
        #expect(jicha.lines.map { $0.orders } == [["o6"], ["o1"], ["o2"], ["o3"]])
        #expect(Micro.roundToFen(jicha.lines.reduce(0) { $0 + $1.micro }) == 8750)
        // The rule by its type's name (the example's plan does not name it), amounts as ¥.
        #expect(jicha.zh == "级差奖：¥87.50，共 \(jicha.lines.count) 项来源，各项精确相加后四舍五入到分。", "\(jicha.zh)")
        #expect(jicha.en == "differential bonus: ¥87.50 from \(jicha.lines.count) sources, added exactly and rounded once to the fen.", "\(jicha.en)")
        // 级差 sentences name both rates; the one subtracted is what was paid below (B took 10% before A on C's order).
        #expect(jicha.lines[2].zh == "刘洋 (D)（代理）的 1 笔订单（o2）销售 ¥500.00；您的比例 15% − 其比例 10% = 5% → ¥25.00")
        #expect(jicha.lines[1].zh.contains("张伟 (C)（VIP）") && jicha.lines[1].zh.contains("15% − 下方已发比例 10% = 5% → ¥50.00"))
        #expect(jicha.lines[2].en == "刘洋 (D) (代理) sold ¥500.00 in 1 order (o2); your rate 15% − their rate 10% = 5% → ¥25.00")
        let adjustment = try #require(a.explanations?["adjustments"])
        #expect(adjustment.lines.count == 1)
        #expect(adjustment.lines[0].before == 4500 && adjustment.lines[0].after == 3000)
        #expect(adjustment.lines[0].refunds == ["r1"])
        let d = try #require(result.members.first { $0.member == "D" })
        #expect(d.explanations?["team"]?.lines.first?.generation == 1)
        #expect(d.explanations?["team"]?.lines.first?.from == "E")
        let c = try #require(result.members.first { $0.member == "C" })
        #expect(c.explanations?["goal"]?.lines.first?.target == 100_000)
        #expect(c.explanations?["champion"]?.lines.first?.rank == 1)
        // Explanations are extra keys: the amounts are the same as without them.
        #expect(result.table == (try settleExample()).table)
        #expect(result.json().contains("\"restated\": [\n    \"2026-10\""))
    }
}
