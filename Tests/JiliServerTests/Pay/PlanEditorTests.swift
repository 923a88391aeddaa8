import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct PlanEditorTests {
    static func base(_ template: String) throws -> String { try JSONValue.parse(Array(PlanTemplates.json(template)!.utf8)).rendered() }

    @Test func aLadderFromItsTemplateWithTheRatesChangedInTheForm() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            let page = try await finance.get("/pay/versions/new?template=ladder").body.visibleText
            #expect(page.contains("jicha · 级差奖") && page.contains("董事 比例") && page.contains("最多向上计酬层数（合规上限）"))
            // Fields in the order listed: plan name, four tier names, cap, depth; retail's four rates; jicha's four.
            let created = try await finance.post("/pay/versions/form", [
                "base": try Self.base("ladder"), "version": "2027 级差", "f0": "级差方案 2027", "f5": "20000",
                "f13": "0.20", "f14": "0.30",
            ], from: "/pay/versions/new?template=ladder")
            #expect(created.status == .seeOther)
            let v = try #require(try await PlanVersion.query(on: app.db).filter(\.$name == "2027 级差").first())
            #expect(created.location == "/pay/versions/\(v.id!)" && v.status == .draft)
            let plan = try PlanDecoder.decode(Array(v.json.utf8))
            #expect(plan.name == "级差方案 2027" && plan.capPerMember == Money(fen: 2_000_000))
            guard case .differential(let d) = plan.rules[1].kind else { Issue.record("jicha is a differential"); return }
            #expect(d.rates.byTier.map(\.millionths) == [50_000, 50_000, 200_000, 300_000])
            let versionPage = try await finance.get("/pay/versions/\(v.id!)").body.visibleText
            #expect(versionPage.contains("提示：规则 jicha（级差奖）按下级的销售向上级计酬（团队计酬风险，《禁止传销条例》第七条），每笔订单最多 2 层。"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "plan_version").filter(\.$entityID == "\(v.id!)").filter(\.$action == "create").count() == 1)
        }
    }

    @Test func aProblemIsShownAtItsFieldAndNothingIsSaved() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let before = try await PlanVersion.query(on: app.db).count()
            let refused = try await leader.post("/pay/versions/form", ["base": try Self.base("retail"), "version": "x", "f7": "5%", "f6": "two"],
                                                from: "/pay/versions/new?template=retail")
            #expect(refused.status == .unprocessableEntity)
            #expect(try await PlanVersion.query(on: app.db).count() == before)
            let text = refused.body.visibleText
            // At the field, with what was typed kept.
            #expect(refused.body.contains(#"value="5%" inputmode="decimal" aria-invalid="true""#))
            #expect(text.contains(#""5%" 不是比例（请写小数，如 0.05 表示 5%）"#))
            // And listed at the top by the field's name, so the first screen says what is wrong.
            #expect(text.contains(#"方案有问题，未保存： 方案 · 最多向上计酬层数（合规上限）: "two" 不是整数 retail · 零售提成 · VIP 比例: "5%" 不是比例"#))
            #expect(text.contains("compliance.maxDepth") == false)
            #expect(refused.body.contains(#"value="two" inputmode="decimal" aria-invalid="true""#))
            // JSON that does not parse comes back in the JSON editor with the position of the mistake.
            let broken = try await leader.post("/pay/versions", ["name": "y", "json": "{\"id\": "], from: "/pay")
            #expect(broken.status == .unprocessableEntity && broken.body.visibleText.contains("line 1"))
            #expect(broken.body.contains("{&quot;id&quot;: </textarea>") || broken.body.contains("{\"id\": </textarea>"))
        }
    }

    @Test func aNewVersionFromAnActiveOneAndAPlanTheChecksRefuse() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let active = try #require(try await PlanVersion.query(on: app.db).filter(\.$status == .active).first())
            let copy = try await leader.get("/pay/versions/new?from=\(active.id!)").body
            #expect(copy.contains("演示方案 2026"))
            // The standard plan with depth 2: its 级差 can pay three uplines, so it is refused and cannot be activated.
            let refused = try await leader.post("/pay/versions/form", ["base": try Self.base("standard"), "version": "too deep", "f6": "2"],
                                                from: "/pay/versions/new")
            #expect(refused.status == .seeOther)
            let v = try #require(try await PlanVersion.query(on: app.db).filter(\.$name == "too deep").first())
            let page = try await leader.get("/pay/versions/\(v.id!)").body.visibleText
            #expect(page.contains("不通过：规则 jicha（级差奖）一笔订单最多可向上支付 3 层，超过了允许的 2 层。"))
            #expect(try await leader.post("/pay/versions/\(v.id!)/activate", ["month": "2026-12"], from: "/pay/versions/\(v.id!)").status == .unprocessableEntity)
            #expect(try await leader.get("/pay/versions/\(v.id!)?lang=en").body.visibleText
                .contains("Refused: Rule jicha (differential bonus) can pay 3 uplines on one order, more than the 2 allowed."))
        }
    }
}
