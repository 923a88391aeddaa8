import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// A statement's lines: order numbers open the order, for those who may see it; tiers are named in
/// the reader's language.
@Suite struct StatementLineTests {
    @Test func orderNumbersInAStatementOpenTheOrder() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/statements/2026-10").body
            let links = try NSRegularExpression(pattern: #"<a href="/orders/([^"]+)">"#)
            let codes = links.matches(in: page, range: NSRange(page.startIndex..., in: page)).map { String(page[Range($0.range(at: 1), in: page)!]) }
            #expect(!codes.isEmpty)
            // Each is an order the line was computed from, and the agent may open it.
            let run = try #require(try await PayQueries(db: app.db).approvedRun("2026-10"))
            let line = try #require(try await RunLines.line(run: run, member: "m10", on: app.db))
            let named = Set((line.explanations ?? [:]).values.flatMap { $0.lines.flatMap { $0.orders ?? [] } })
            #expect(Set(codes).isSubset(of: named))
            for code in codes.prefix(5) { #expect(try await agent.get("/orders/\(code)").status == .ok, "\(code)") }
            // The agent's manager reads the same links and may open them (the orders are in their team).
            var manager = try await Visitor.signedIn(app, "manager")
            let managers = try await manager.get("/statements/2026-10?member=m10").body
            #expect(codes.allSatisfy { managers.contains("<a href=\"/orders/\($0)\">") })
            #expect(try await manager.get("/orders/\(codes[0])").status == .ok)
        }
    }

    @Test func anEnglishStatementNamesTiersInEnglish() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let english = try await leader.get("/statements/2026-10?lang=en").body.visibleText
            #expect(english.contains(" sold ¥") && (english.contains("(Agent) sold") || english.contains("(General agent) sold") || english.contains("(Director) sold")))
            #expect(!english.contains("(代理)") && !english.contains("(总代)") && !english.contains("(董事)"))
            let chinese = try await leader.get("/statements/2026-10?lang=zh-CN").body.visibleText
            #expect(chinese.contains("（代理）的") || chinese.contains("（总代）的"))
        }
    }
}
