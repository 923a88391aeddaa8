import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Pay under /api/v1, with tokens acting as the demo accounts and their permissions.
@Suite struct PayAPITests {
    /// A token made by the leader on the tokens page, acting as `username`.

    @Test func financeManagesPlansAndRunsThroughTheAPI() async throws {
        try await withTestApp(now: decemberNow) { app in
            let finance = try await token(app, as: "finance")
            let (listed, versions) = try await call(app, .GET, "/api/v1/plans", finance)
            #expect(listed == .ok && (versions as? [[String: Any]])?.first?["status"] as? String == "active")
            let (_, one) = try await call(app, .GET, "/api/v1/plans/1", finance)
            let detail = try #require(one as? [String: Any])
            #expect(((detail["plan"] as? [String: Any])?["rules"] as? [Any])?.count == 7 && detail["refused"] as? Bool == false)
            // A plan with a mistake: 422 with the problem at its path; nothing made.
            let bad = #"{"name": "bad", "plan": {"id": "x", "tiers": [{"id": "vip", "name": "V"}], "rules": [{"id": "r", "type": "commission", "rate": "5%"}]}}"#
            let (refused, problems) = try await call(app, .POST, "/api/v1/plans", finance, json: bad)
            #expect(refused == .unprocessableEntity)
            #expect(((problems as? [String: Any])?["problems"] as? [[String: Any]])?.first?["path"] as? String == "rules[0].rate")
            // A good one: made, then activated from December.
            let good = #"{"name": "retail 2027", "plan": \#(PlanTemplates.json("retail")!)}"#
            let (created, made) = try await call(app, .POST, "/api/v1/plans", finance, json: good)
            #expect(created == .created)
            let id = try #require(((made as? [String: Any])?["version"] as? [String: Any])?["id"] as? Int)
            // A month is four digits of a year in range (`0874-09` was taken and read back as `874-09`).
            for bad in ["0874-09", "874-09", "2026-13"] {
                let (status, body) = try await call(app, .POST, "/api/v1/plans/\(id)/activate", finance, json: #"{"from": "\#(bad)"}"#)
                #expect(status == .unprocessableEntity && (body as? [String: Any])?["message"] as? String == "from: a month such as 2026-12", "\(bad)")
            }
            let (activated, after) = try await call(app, .POST, "/api/v1/plans/\(id)/activate", finance, json: #"{"from": "2026-12"}"#)
            #expect(activated == .ok && ((after as? [String: Any])?["version"] as? [String: Any])?["effective_from"] as? String == "2026-12")
            // November: computed, read with its result, approved once.
            let (computed, run) = try await call(app, .POST, "/api/v1/runs", finance, json: #"{"period": "2026-11"}"#)
            #expect(computed == .created && (run as? [String: Any])?["status"] as? String == "draft")
            let stored = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first())
            let (_, read) = try await call(app, .GET, "/api/v1/runs/2026-11", finance)
            let result = try #require((read as? [String: Any])?["result"] as? [String: Any])
            #expect(result["total"] as? String == Money(fen: stored.totalFen).description)
            #expect((result["members"] as? [Any])?.count == (try await RunResult.read(stored, on: app.db)).members.count)
            #expect(try await call(app, .POST, "/api/v1/runs/2026-11/approve", finance).0 == .ok)
            #expect(try await call(app, .POST, "/api/v1/runs/2026-11/approve", finance).0 == .conflict)
            #expect(try await call(app, .POST, "/api/v1/runs", finance, json: #"{"period": "2026-11"}"#).0 == .unprocessableEntity)
            // The audit log says it was the API client.
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "approve").filter(\.$actor == "api:finance app").count() == 1)
        }
    }

    @Test func anAgentReadsTheirStatementAndBalanceAndRaisesADispute() async throws {
        try await withTestApp { app in
            let agent = try await token(app, as: "agent")
            let october = try #require(try await PayRun.query(on: app.db).filter(\.$period == "2026-10").first())
            let mine = try #require(try await RunResult.read(october, on: app.db).members.first { $0.member == "m10" })
            let (ok, statement) = try await call(app, .GET, "/api/v1/statements/2026-10", agent)
            let s = try #require(statement as? [String: Any])
            #expect(ok == .ok && s["member"] as? String == "m10")
            let line = try #require(s["line"] as? [String: Any])
            #expect(line["total"] as? String == Money(fen: mine.total).description)
            #expect((line["explanations"] as? [String: Any])?.isEmpty == false)
            #expect(try await call(app, .GET, "/api/v1/statements/2026-10?member=m1", agent).0 == .notFound)
            let (_, balance) = try await call(app, .GET, "/api/v1/balance", agent)
            let owed = -(try await Ledger(db: app.db).balance("payable:m10"))
            #expect((balance as? [String: Any])?["owed"] as? String == Money(fen: owed).description)
            #expect(((balance as? [String: Any])?["entries"] as? [Any])?.count == 3)
            // Plans, runs and payouts are not an agent's; nor is the whole member list.
            for path in ["/api/v1/plans", "/api/v1/runs", "/api/v1/payouts", "/api/v1/members", "/api/v1/orders"] {
                #expect(try await call(app, .GET, path, agent).0 == .forbidden, "\(path)")
            }
            // A dispute: raised by the agent, answered by finance with an adjustment.
            let (raised, dispute) = try await call(app, .POST, "/api/v1/disputes", agent, json: #"{"period": "2026-10", "rule": "retail", "message": "少了一单？"}"#)
            #expect(raised == .created)
            let id = try #require((dispute as? [String: Any])?["id"] as? Int)
            #expect(try await call(app, .POST, "/api/v1/disputes/\(id)/answer", agent, json: #"{"answer": "x"}"#).0 == .forbidden)
            let finance = try await token(app, as: "finance")
            let (answered, done) = try await call(app, .POST, "/api/v1/disputes/\(id)/answer", finance, json: #"{"answer": "补发", "adjustment": "12.50"}"#)
            #expect(answered == .ok && (done as? [String: Any])?["status"] as? String == "adjusted")
            let (_, listed) = try await call(app, .GET, "/api/v1/disputes", agent)
            #expect((listed as? [[String: Any]])?.map { $0["adjustment"] as? String } == ["12.50"])
        }
    }

    @Test func financePaysWithTaxWithheldAndRecordsAReference() async throws {
        try await withTestApp { app in
            let finance = try await token(app, as: "finance")
            let owed = try await PayoutService(db: app.db, clock: JiliClock(now: { testNow })).owed()
            // Without `withhold_tax` the API withholds, as the page does by default.
            let (created, batch) = try await call(app, .POST, "/api/v1/payouts", finance, json: #"{"minimum": "0.01"}"#)
            #expect((batch as? [String: Any])?["withholds_tax"] as? Bool == true)
            #expect(created == .created)
            let transfers = try #require((batch as? [String: Any])?["transfers"] as? [[String: Any]])
            #expect(transfers.count == owed.count)
            for t in transfers {
                let amount = try #require(owed[t["member"] as! String])
                #expect(t["amount"] as? String == Money(fen: amount).description)
                #expect(t["tax"] as? String == Money(fen: LaborIncomeTax.withholding(incomeFen: amount)).description)
            }
            let first = try #require(transfers.first?["id"] as? Int)
            let (recorded, transfer) = try await call(app, .POST, "/api/v1/payouts/transfers/\(first)", finance, json: #"{"reference": "4200001234"}"#)
            #expect(recorded == .ok && (transfer as? [String: Any])?["reference"] as? String == "4200001234")
            #expect(try await call(app, .POST, "/api/v1/payouts", finance, json: "{}").0 == .unprocessableEntity)
            let manager = try await token(app, as: "manager")
            #expect(try await call(app, .POST, "/api/v1/payouts", manager, json: "{}").0 == .forbidden)
        }
    }
}
