import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct PayTests {
    func service(_ app: Application) -> PayService { PayService(db: app.db, clock: JiliClock(now: { testNow })) }

    /// One engine: the app's run of a month equals `jili settle` on the same data exported as files.
    @Test func theAppSettlesExactlyAsTheCommandLineDoes() async throws {
        try await withTestApp { app in
            let pay = service(app)
            let version = try await pay.createVersion(name: "demo", json: DemoGenerator.planJSON, by: .system)
            try await pay.activate(version, from: Period(parsing: "2026-08")!, by: .system)
            let run = try await pay.draft(Period(parsing: "2026-10")!, by: .system)

            let export = ExportService(db: app.db, clock: JiliClock(now: { testNow }))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-pay-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            func write(_ name: String, _ parts: [[UInt8]]) throws {
                // One header, then every month's rows.
                var lines: [String] = []
                for (i, bytes) in parts.enumerated() {
                    let text = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
                    lines += i == 0 ? text : Array(text.dropFirst())
                }
                try lines.joined(separator: "\n").write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
            }
            let months = ["2026-08", "2026-09", "2026-10", "2026-11"]
            try write("members.csv", [try await export.members(scope: .all)])
            var orderParts: [[UInt8]] = []
            var refundParts: [[UInt8]] = []
            for m in months {
                orderParts.append(try await export.orders(scope: .all, period: m))
                refundParts.append(try await export.refunds(scope: .all, period: m))
            }
            try write("orders.csv", orderParts)
            try write("refunds.csv", refundParts)
            try DemoGenerator.planJSON.write(toFile: "\(folder)/plan.json", atomically: true, encoding: .utf8)
            let files = SettlementFiles(plan: "\(folder)/plan.json", members: "\(folder)/members.csv", orders: "\(folder)/orders.csv",
                                        refunds: "\(folder)/refunds.csv")
            let (plan, input) = try files.load().get()
            let cli = try SettlementEngine(plan: plan, input: input).settle(period: Period(parsing: "2026-10")!)

            let app = try RunResult.read(run)
            #expect(run.totalFen == cli.total && cli.total > 0)
            #expect(app.members.count == cli.members.count)
            for (a, c) in zip(app.members, cli.members) {
                #expect(a.member == c.member)
                #expect(a.rules == c.rules.mapValues { Money(fen: $0).description })
                #expect((a.adjustments ?? [:]) == c.adjustments.mapValues { Money(fen: $0).description })
            }
        }
    }

    @Test func versionsApplyFromTheirMonthAndRefusedPlansCannotBeActivated() async throws {
        try await withTestApp { app in
            let pay = service(app)
            let first = try await pay.createVersion(name: "v1", json: DemoGenerator.planJSON, by: .system)
            try await pay.activate(first, from: Period(parsing: "2026-08")!, by: .system)
            let richer = DemoGenerator.planJSON.replacingOccurrences(of: #""vip": "0.05", "agent": "0.08", "general": "0.12", "director": "0.15"}},"#,
                                                                    with: #""vip": "0.06", "agent": "0.08", "general": "0.12", "director": "0.15"}},"#)
            #expect(richer != DemoGenerator.planJSON)
            let second = try await pay.createVersion(name: "v2", json: richer, by: .system)
            try await pay.activate(second, from: Period(parsing: "2026-11")!, by: .system)
            #expect(try await pay.versionInForce(Period(parsing: "2026-10")!)?.id == first.id)
            #expect(try await pay.versionInForce(Period(parsing: "2026-11")!)?.id == second.id)
            #expect(try await pay.versionInForce(Period(parsing: "2026-07")!) == nil)
            // An active version is not activated again (nor edited): a change is a new version.
            await #expect(throws: OrderService.Refusal.self) { try await pay.activate(first, from: Period(parsing: "2026-12")!, by: .system) }
            // A refused plan (3 override generations, default maxDepth 2) cannot be activated.
            let refused = try await pay.createVersion(name: "deep", json: """
                {"id": "deep", "tiers": [{"id": "vip"}, {"id": "agent"}, {"id": "general"}, {"id": "director"}],
                 "rules": [{"id": "team", "type": "override", "rates": ["0.03", "0.02", "0.01"]}]}
                """, by: .system)
            await #expect(throws: OrderService.Refusal.self) { try await pay.activate(refused, from: Period(parsing: "2026-12")!, by: .system) }
            // A plan that does not decode is refused with its problems.
            do {
                _ = try await pay.createVersion(name: "bad", json: #"{"id": "x", "tiers": [], "rules": []}"#, by: .system)
                Issue.record("a bad plan was accepted")
            } catch let refusal as OrderService.Refusal {
                #expect(refusal.values["problems"]?.contains("tiers: a plan needs at least one tier") == true)
            }
        }
    }

    @Test func anApprovedMonthNeverChanges() async throws {
        try await withTestApp { app in
            let pay = service(app)
            let v = try await pay.createVersion(name: "v1", json: DemoGenerator.planJSON, by: .system)
            try await pay.activate(v, from: Period(parsing: "2026-08")!, by: .system)
            let october = Period(parsing: "2026-10")!
            let draft = try await pay.draft(october, by: .system)
            let again = try await pay.draft(october, by: .system)
            #expect(again.id == draft.id && again.totalFen == draft.totalFen)
            try await pay.approve("2026-10", by: .system)
            // Approving twice: the second is refused; computing an approved month is refused.
            await #expect(throws: OrderService.Refusal.self) { try await pay.approve("2026-10", by: .system) }
            await #expect(throws: OrderService.Refusal.self) { _ = try await pay.draft(october, by: .system) }
            // No new version may start in a closed month.
            let v2 = try await pay.createVersion(name: "v2", json: DemoGenerator.planJSON, by: .system)
            await #expect(throws: OrderService.Refusal.self) { try await pay.activate(v2, from: october, by: .system) }
            let run = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            #expect(run.status == "approved" && run.totalFen == draft.totalFen)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "pay_run").filter(\.$action == "approve").count() == 1)
        }
    }

    @Test func twoApprovalsAtOnceMakeExactlyOne() async throws {
        try await withTestApp { app in
            let pay = service(app)
            let v = try await pay.createVersion(name: "v1", json: DemoGenerator.planJSON, by: .system)
            try await pay.activate(v, from: Period(parsing: "2026-08")!, by: .system)
            _ = try await pay.draft(Period(parsing: "2026-09")!, by: .system)
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        (try? await pay.approve("2026-09", by: Actor(accountID: nil, name: "finance-\(i)"))) != nil
                    }
                }
                var results: [Bool] = []
                for await r in group { results.append(r) }
                return results
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "pay_run").filter(\.$action == "approve").count() == 1)
        }
    }
}
