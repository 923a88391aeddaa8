import Foundation
import Fluent
import JiliCore
import Testing
@testable import JiliServer

/// A long line's statement page reads the line as the page shows it, stored with the run (issue 18):
/// each rule's 50 largest sources and how many more, while the CSV has them all.
@Suite struct StatementPageLineTests {
    @Test func aLongLinesPageShowsItsLargestSourcesFromTheStoredPageLine() async throws {
        try await withTestApp { app in
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let rows = try await PayRunMember.query(on: app.db).filter(\.$run.$id == run.id!).all()
            var texts: [String: String] = [:]
            for row in rows where !row.pageLine.isEmpty { texts[row.memberCode] = try await RunLines.json(run: run, member: row.memberCode, on: app.db) }
            let long = try #require(rows.filter { !$0.pageLine.isEmpty }.max { texts[$0.memberCode]!.count < texts[$1.memberCode]!.count })
            let longText = texts[long.memberCode]!
            // Lines a page shows whole have none.
            #expect(rows.filter { $0.pageLine.isEmpty }.count > 200)
            let whole = try JSONDecoder().decode(RunResult.MemberLine.self, from: Data(longText.utf8))
            let (rule, e) = try #require(whole.explanations?.first { $0.value.lines.count > 50 })
            let page = try #require(try await RunLines.pageLine(run: run, member: long.memberCode, on: app.db))
            #expect(page.more[rule] == e.lines.count - 50)
            #expect(page.line.explanations?[rule]?.lines.count == 50 && page.line.total == whole.total)
            // The 50 kept are the 50 largest.
            func size(_ l: RunResult.Line) -> Double { abs(Double(l.amount) ?? 0) }
            let smallestKept = page.line.explanations![rule]!.lines.map(size).min()!
            let largestLeft = e.lines.map(size).sorted(by: >).dropFirst(50).first ?? 0
            #expect(smallestKept >= largestLeft)
            // The page says how many more, and the CSV has every source.
            var finance = try await Visitor.signedIn(app, "finance")
            let html = try await finance.get("/statements/2026-10?member=\(long.memberCode)").body.visibleText
            #expect(html.contains("只列出金额最大的 50 项；另有 \(e.lines.count - 50) 项来源在 CSV 中。"))
            let csv = try await finance.get("/statements/2026-10/csv?member=\(long.memberCode)").body
            let lines = csv.split(whereSeparator: \.isNewline).count
            #expect(lines > whole.explanations!.values.reduce(0) { $0 + $1.lines.count })
            // A run stored before page lines were is trimmed by the migration to the same page.
            let migrated = try M043AddPageLines.pageLine(longText)
            struct Page: Decodable { var more: [String: Int]; var line: RunResult.MemberLine }
            let m = try JSONDecoder().decode(Page.self, from: Data(migrated.utf8))
            #expect(m.more == page.more)
            #expect(m.line.explanations?[rule]?.lines.map(\.amount) == page.line.explanations?[rule]?.lines.map(\.amount))
        }
    }
}
