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
    /// A run stored whole (as before the lines had a table of their own) is split with every amount
    /// and explanation kept; its document no longer carries the explanations.
    @Test func aRunStoredWholeIsSplitWithNothingLost() async throws {
        try await withTestApp { app in
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let rows = try await PayRunMember.query(on: app.db).filter(\.$run.$id == run.id!).all()
            let before = try Dictionary(uniqueKeysWithValues: rows.map { ($0.memberCode, try JSONDecoder().decode(RunResult.MemberLine.self, from: Data($0.line.utf8))) })
            // Put it back whole: the document with each member's explained line in it.
            var doc = try #require(try JSONSerialization.jsonObject(with: Data(run.result.utf8)) as? [String: Any])
            doc["members"] = try rows.sorted { $0.memberCode < $1.memberCode }.map { try JSONSerialization.jsonObject(with: Data($0.line.utf8)) }
            run.result = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
            try await run.save(on: app.db)
            try await PayRunMember.query(on: app.db).filter(\.$run.$id == run.id!).delete()

            try await M014SplitRunLines.split(run, on: app.db)
            #expect(!run.result.contains("explanations"))
            let summary = try await RunResult.read(run, on: app.db)
            #expect(summary.members.reduce(0) { $0 + $1.total } == run.totalFen)
            for (code, line) in before {
                let after = try #require(try await RunLines.line(run: run, member: code, on: app.db))
                #expect(after.total == line.total && after.rules == line.rules && after.adjustments == line.adjustments)
                #expect(after.explanations?.mapValues { $0.lines.map(\.zh) } == line.explanations?.mapValues { $0.lines.map(\.zh) })
            }
            #expect(before.count == summary.members.count)
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
                let line = try JSONDecoder().decode(RunResult.MemberLine.self, from: Data(row.line.utf8))
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
