import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct StatementExportTests {
    /// The CSV has one row per source line, the amounts as numbers, and adds up to the statement.
    @Test func theStatementAsCSVForExcelAddsUpToTheMonth() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let response = try await agent.get("/statements/2026-10/csv")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentDisposition)?.contains("statement-2026-10-m10.csv") == true)
            let bytes = Array(response.body.utf8)
            #expect(bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
            let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
            let rows = text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(rows.first == "月份,成员编号,姓名,项目,项目金额,来源,说明,来源金额")
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let mine = try #require(try RunResult.read(run).members.first { $0.member == "m10" })
            // One row per explained line, plus the total.
            let lines = mine.rules.keys.reduce(0) { $0 + (mine.explanations?[$1]?.lines.count ?? 1) } + (mine.explanations?["adjustments"]?.lines.count ?? 0)
            #expect(rows.count == 1 + lines + 1)
            #expect(rows.last?.hasPrefix("2026-10,m10,") == true && rows.last?.contains(",应付合计,\(Money(fen: mine.total).description),") == true)
            // The source amounts of the lines of each rule add up to the rule (rounded once to the fen).
            for (rule, amount) in mine.rules {
                let micro = try mine.explanations?[rule]?.lines.reduce(Int64(0)) { $0 + (try FixedPoint.parse($1.amount, scale: 8).get()) } ?? 0
                #expect(Micro.roundToFen(micro) == amount, "rule \(rule)")
                #expect(rows.contains { $0.contains(",\(rule),\(Money(fen: amount).description),") })
            }
            // English headers for an English reader; no CSV of someone outside one's scope.
            let english = String(decoding: Array(try await agent.get("/statements/2026-10/csv?lang=en").body.utf8).dropFirst(3), as: UTF8.self)
            #expect(english.hasPrefix("Month,Member,Name,Item,Item amount,From,Explanation,Source amount\r\n"))
            #expect(try await agent.get("/statements/2026-10/csv?member=m1").status == .notFound)
        }
    }

    @Test func thePrintVersionShowsEveryLineWithoutNavigation() async throws {
        try await withTestApp { app in
            var manager = try await Visitor.signedIn(app, "manager")
            let page = try await manager.get("/statements/2026-10/print?member=m10")
            #expect(page.status == .ok)
            let html = page.body
            #expect(!html.contains("<nav") && !html.contains("<form"))
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let mine = try #require(try RunResult.read(run).members.first { $0.member == "m10" })
            let text = page.body.visibleText
            #expect(text.contains("应付合计 \(Money(fen: mine.total).display)"))
            for e in mine.explanations?.values.flatMap(\.lines) ?? [] { #expect(text.contains(e.zh)) }
            #expect(text.contains("打印于 2026-11-29 12:00"))
        }
    }
}
