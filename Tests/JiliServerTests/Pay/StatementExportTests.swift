import Fluent
import SQLKit
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
            let mine = try #require(try await RunLines.line(run: run, member: "m10", on: app.db))
            // One row per explained line, plus the total.
            let lines = mine.rules.keys.reduce(0) { $0 + (mine.explanations?[$1]?.lines.count ?? 1) } + (mine.explanations?["adjustments"]?.lines.count ?? 0)
            #expect(rows.count == 1 + lines + 1)
            #expect(rows.last?.hasPrefix("2026-10,m10,") == true && rows.last?.contains(",本月收入,\(Money(fen: mine.total).description),") == true)
            // The source amounts of the lines of each rule add up to the rule (rounded once to the fen).
            for (rule, amount) in mine.rules {
                let micro = try mine.explanations?[rule]?.lines.reduce(Int64(0)) { $0 + (try FixedPoint.parse($1.amount, scale: 8).get()) } ?? 0
                #expect(Micro.roundToFen(micro) == amount, "rule \(rule)")
                #expect(rows.contains { $0.contains(",\(demoRuleNames[rule]!),\(Money(fen: amount).description),") }, "rule \(rule)")
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
            let mine = try #require(try await RunLines.line(run: run, member: "m10", on: app.db))
            let text = page.body.visibleText
            #expect(text.contains("2026年10月收入") && text.contains("本月收入 \(Money(fen: mine.total).display)"))
            for e in mine.explanations?.values.flatMap(\.lines) ?? [] { #expect(text.contains(e.zh)) }
            #expect(text.contains("打印于 2026-11-29 12:00"))
        }
    }
}

@Suite struct RunLinesTests {
    /// A run stored whole (as before the lines had a table of their own, M014) and then upgraded
    /// past M045 (the document and the lines in tables apart) keeps every amount and explanation;
    /// its document no longer carries the explanations.
    @Test func aRunStoredWholeIsSplitWithNothingLost() async throws {
        try await withTestApp { app in
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let codes = try await PayRunMember.query(on: app.db).filter(\.$run.$id == run.id!).all().map(\.memberCode)
            var before: [String: RunResult.MemberLine] = [:]
            for code in codes { before[code] = try #require(try await RunLines.line(run: run, member: code, on: app.db)) }
            let document = try await PayQueries(db: app.db).document(of: run)
            #expect(!document.contains("explanations"))

            // Back to the tables before M045, then to a run stored whole as before M014.
            try await M045MoveRunTextsApart().revert(on: app.db)
            let sql = app.db.sql
            let rows = try await sql.select().columns("member_code", "line").from(PayRunMember.schema).where("run_id", .equal, run.id!)
                .orderBy("member_code").all()
            #expect(rows.count == codes.count)
            var doc = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
            doc["members"] = try rows.map { try JSONSerialization.jsonObject(with: Data(try $0.decode(column: "line", as: String.self).utf8)) }
            let whole = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
            #expect(whole.contains("explanations"))
            try await sql.update(PayRun.schema).set("result", to: whole).where("id", .equal, run.id!).run()
            try await sql.delete(from: PayRunMember.schema).where("run_id", .equal, run.id!).run()

            try await M014SplitRunLines.split(run: run.id!, result: whole, on: app.db)
            try await M045MoveRunTextsApart().prepare(on: app.db)
            #expect(!(try await PayQueries(db: app.db).document(of: run)).contains("explanations"))
            let summary = try await RunResult.read(run, on: app.db)
            #expect(summary.members.reduce(0) { $0 + $1.total } == run.totalFen)
            for (code, line) in before {
                let after = try #require(try await RunLines.line(run: run, member: code, on: app.db))
                #expect(after.total == line.total && after.rules == line.rules && after.adjustments == line.adjustments)
                #expect(after.explanations?.mapValues { $0.lines.map(\.zh) } == line.explanations?.mapValues { $0.lines.map(\.zh) })
            }
            #expect(before.count == summary.members.count)
            // The page reads the member's row, which no longer holds the line.
            let columns = try await sql.select().column(SQLLiteral.all).from(PayRunMember.schema).limit(1).all().first?.allColumns ?? []
            #expect(columns.contains("page_line") && !columns.contains("line"))
        }
    }
}

@Suite struct LongStatementTests {
    /// A leader's 级差 comes from many downline members: the page lists the 50 largest sources and
    /// says how many more the CSV holds.
    @Test func aLongRuleShowsItsLargestSourcesAndPointsToTheCSV() async throws {
        try await withTestApp { app in
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            var longest: (code: String, rule: String, lines: [RunResult.Line])?
            for row in try await PayRunMember.query(on: app.db).filter(\.$run.$id == run.id!).all() {
                let line = try #require(try await RunLines.line(run: run, member: row.memberCode, on: app.db))
                for (rule, e) in line.explanations ?? [:] where e.lines.count > (longest?.lines.count ?? 0) { longest = (row.memberCode, rule, e.lines) }
            }
            let (code, _, lines) = try #require(longest)
            #expect(lines.count > 50, "the demo team has a rule with more than 50 sources")
            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.get("/statements/2026-10?member=\(code)").body.visibleText
            #expect(page.contains("只列出金额最大的 50 项；另有 \(lines.count - 50) 项来源在 CSV 中。"))
            let biggest = try #require(lines.max { (try? FixedPoint.parse($0.amount, scale: 8).get()) ?? 0 < (try? FixedPoint.parse($1.amount, scale: 8).get()) ?? 0 })
            #expect(page.contains(biggest.zh))
            let shown = lines.filter { page.contains($0.zh) }.count
            #expect(shown == 50)
            let csv = try await leader.get("/statements/2026-10/csv?member=\(code)").body
            #expect(lines.allSatisfy { csv.contains($0.zh) })
        }
    }
}
