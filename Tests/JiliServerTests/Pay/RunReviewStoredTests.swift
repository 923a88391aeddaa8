import Foundation
import Fluent
import JiliCore
import Testing
@testable import JiliServer

/// A run's review is broken down when the run is written and read back (issue 18): the page does not
/// read the whole team for it.
@Suite struct RunReviewStoredTests {
    @Test func theStoredBreakdownIsTheRunsAmountsOverTheTeam() async throws {
        try await withTestApp { app in
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let stored = try JSONDecoder().decode(RunReview.Breakdown.self, from: Data(run.review.utf8))
            let result = try await RunResult.read(run, on: app.db)
            let fresh = try await RunReview.breakdown(result.members.map { .init(member: $0.member, total: $0.total, rules: $0.rules, adjustments: $0.adjustments) }, on: app.db)
            #expect(stored == fresh)
            // Every fen of the run is in the rules, in the departments and in the teams.
            #expect(stored.rules.values.reduce(0, +) + stored.adjusted.values.reduce(0, +) == run.totalFen)
            #expect(stored.departments.reduce(0) { $0 + $1.amount } == run.totalFen)
            #expect(stored.teams.reduce(0) { $0 + $1.amount } == run.totalFen)
            #expect(stored.members == result.members.count && stored.paid == result.members.filter { $0.total != 0 }.count)
            let largest = result.members.map(\.total).sorted(by: >).prefix(10)
            #expect(stored.top.map(\.total) == Array(largest))
            // The page shows the ten largest by name, from the stored breakdown.
            var finance = try await Visitor.signedIn(app, "finance")
            let page = try await finance.get("/pay/runs/2026-10").body.visibleText
            let first = try #require(try await Member.query(on: app.db).filter(\.$code == stored.top[0].code).first())
            #expect(page.contains("\(first.name) \(first.code) \(Money(fen: stored.top[0].total).display)"))
        }
    }
}
