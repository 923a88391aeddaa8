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

    @Test func explanationsAddUpAndNameTheirSources() throws {
        let result = try settleExample(explain: true)
        let a = try #require(result.members.first { $0.member == "A" })
        let jicha = try #require(a.explanations?["jicha"])
        #expect(jicha.lines.map { $0.from } == ["B", "C", "D", "E"])
        #expect(jicha.lines.map { $0.orders } == [["o6"], ["o1"], ["o2"], ["o3"]])
        #expect(Micro.roundToFen(jicha.lines.reduce(0) { $0 + $1.micro }) == 8750)
        #expect(jicha.zh.contains("87.50"))
        // 级差 sentences name both rates; the one subtracted is what was paid below (B took 10% before A on C's order).
        #expect(jicha.lines[2].zh == "刘洋 (D)（代理）的 1 笔订单（o2）销售 500.00 元；您的比例 15% − 其比例 10% = 5% → 25.00 元")
        #expect(jicha.lines[1].zh.contains("张伟 (C)（VIP）") && jicha.lines[1].zh.contains("15% − 下方已发比例 10% = 5% → 50.00 元"))
        #expect(jicha.lines[2].en == "刘洋 (D) (代理) sold 500.00 in 1 order (o2); your rate 15% − their rate 10% = 5% → 25.00")
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
