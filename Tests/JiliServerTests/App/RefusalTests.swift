import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// A refusal reaches the person: back on the form they filled in, with the reason and what they
/// typed, once; said on a page when there is no form to go back to; in the API as JSON.
@Suite struct RefusalTests {
    @Test func aRefusedFormGoesBackToItsPageWithTheReasonAndWhatWasTyped() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let token = try await agent.get("/statements/2026-10").csrf ?? ""
            let refused = try await agent.request(.POST, "/statements/2026-10/disputes",
                                                  form: ["_csrf": token, "rule": "retail", "message": "   "],
                                                  headers: [("Referer", "http://localhost/statements/2026-10"), ("Host", "localhost")])
            #expect(refused.status == .seeOther && refused.location == "/statements/2026-10")
            let back = try await agent.get("/statements/2026-10")
            #expect(back.body.visibleText.contains("请填写内容（不超过 1000 字）。"))
            let form = try #require(back.kept, "\(back.body.components(separatedBy: "<main>").last?.prefix(400) ?? "")")
            #expect(form["form"] as? String == "/statements/2026-10/disputes")
            #expect(form["field"] as? String == "message")
            #expect((form["values"] as? [String: String]) == ["rule": "retail", "message": "   "])
            // Shown once: a reload shows the page as it is, and posts nothing.
            let reload = try await agent.get("/statements/2026-10")
            let keptOnReload = reload.kept
            #expect(!reload.body.visibleText.contains("请填写内容") && keptOnReload == nil)
            #expect(try await Dispute.query(on: app.db).count() == 0)
            // Taken: back to the statement with a notice, once.
            let sent = try await agent.post("/statements/2026-10/disputes", ["rule": "retail", "message": "零售佣金少了一笔"], from: "/statements/2026-10")
            #expect(sent.status == .seeOther)
            #expect(try await agent.get("/statements/2026-10").body.visibleText.contains("问题已提交。答复会显示在这份对账单的顶部，并通知你。"))
            #expect(!(try await agent.get("/statements/2026-10")).body.visibleText.contains("已提交。"))
        }
    }

    /// "2026-11 already approved" was "出错了，请稍后再试" on the page.
    @Test func aRefusalWithNoFormToGoBackToIsSaidOnThePage() async throws {
        try await withTestApp { app in
            var finance = try await Visitor.signedIn(app, "finance")
            #expect(try await finance.post("/pay/runs", ["month": "2026-11"], from: "/pay").status == .seeOther)
            let december = PayService(db: app.db, clock: JiliClock(now: { decemberNow }))
            _ = try await december.draft(Period(parsing: "2026-11")!, by: .system)
            try await december.approve(Period(parsing: "2026-11")!, by: .system)
            let again = try await finance.post("/pay/runs/2026-11/approve", ["confirm": "yes", "fingerprint": "0-0"], from: "/pay/runs/2026-11")
            #expect(again.status == .conflict)
            #expect(again.body.visibleText.contains("2026-11 已审批，不能再改变。"))
            #expect(!again.body.visibleText.contains("出错了"))
            #expect(again.headers.first(name: "X-Frame-Options") == "DENY")
            // A Referer of another site is not followed.
            let token = try await finance.get("/pay/runs/2026-11").csrf ?? ""
            let elsewhere = try await finance.request(.POST, "/pay/runs/2026-11/approve", form: ["_csrf": token, "confirm": "yes", "fingerprint": "0-0"],
                                                      headers: [("Referer", "https://evil.example/pay"), ("Host", "localhost")])
            #expect(elsewhere.status == .conflict && elsewhere.location == nil)
        }
    }

    /// Several problems: the top counts the fields (each once) and says the reasons that belong to none;
    /// a payee's numbers are never kept in the session.
    @Test func aFormsProblemsAreCountedByFieldAndPersonalNumbersAreNotKept() async throws {
        try await withTestApp(demo: false) { app in
            let req = Request(application: app, on: app.eventLoopGroup.next())
            req.headers.replaceOrAdd(name: .acceptLanguage, value: "zh-CN")
            let r = try #require(Refusal.all([Refusal(key: "contest_error_team", values: ["value": "m8"], field: "teams"),
                                              Refusal(key: "contest_error_team", values: ["value": "m9"], field: "teams"),
                                              Refusal(key: "contest_error_tier", values: ["value": "x"])]))
            #expect(r.summary(req) == "有 2 处需要修改，见标出的字段。 没有“x”这个级别。")
            #expect(r.fieldTexts(req) == ["teams": "没有编号为“m8”的成员。"])
            #expect(["password", "id_number", "bank_card"].allSatisfy { name in Request.neverKept.contains { name.contains($0) } })
        }
    }
}
