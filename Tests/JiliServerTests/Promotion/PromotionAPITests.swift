import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// The promotion ladder through the API, as the pages allow it.
@Suite struct PromotionAPITests {
    @Test func anAppReadsTheLadderAProgressAndAManagerDecides() async throws {
        try await withTestApp { app in
            let agent = try await token(app, as: "agent")
            let (status, body) = try await call(app, .GET, "/api/v1/tiers", agent)
            let ladder = try #require(body as? [String: Any])
            let tiers = try #require(ladder["tiers"] as? [[String: Any]])
            #expect(status == .ok && ladder["published"] as? Bool == true && tiers.map { $0["tier"] as? String } == ["vip", "agent", "general", "director"])
            let agentReach = try #require((tiers[1]["reach"] as? [[String: Any]])?.first)
            #expect(agentReach["kind"] as? String == "personalVolume" && agentReach["target"] as? String == "10000.00" && agentReach["months"] as? Int == 3)
            #expect(agentReach["text"] as? String == "Own sales ≥ ¥10,000.00 over 3 month(s)")

            // The agent's progress: still a course to go, in English.
            let (_, p) = try await call(app, .GET, "/api/v1/promotion/progress", agent)
            let progress = try #require(p as? [String: Any])
            #expect(progress["member"] as? String == "m10" && progress["tier"] as? String == "agent" && progress["next"] as? String == "general")
            #expect(progress["still_needed"] as? String == "Still to go: 1 course(s)")
            let courses = try #require((progress["measures"] as? [[String: Any]])?.first { $0["kind"] as? String == "courses" })
            #expect(courses["actual"] as? String == "0" && courses["shortfall"] as? String == "1" && courses["met"] as? Bool == false)
            // Someone else's progress is read as their pay is: not the leader's, by an agent.
            #expect(try await call(app, .GET, "/api/v1/promotion/progress?member=m1", agent).0 == .notFound)
            // Proposals are for those who decide.
            #expect(try await call(app, .GET, "/api/v1/promotion/proposals", agent).0 == .forbidden)

            let manager = try await token(app, as: "manager")
            let (_, list) = try await call(app, .GET, "/api/v1/promotion/proposals", manager)
            let proposals = try #require(list as? [[String: Any]])
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            let inScope = try await PromotionProposal.query(on: app.db).with(\.$member).all().filter { $0.member.path.hasPrefix(m3.path) && $0.member.id != m3.id }
            #expect(Set(proposals.compactMap { $0["id"] as? Int }) == Set(inScope.map { $0.id! }) && !proposals.isEmpty)
            let ids = proposals.compactMap { $0["id"] as? Int }
            let (decided, result) = try await call(app, .POST, "/api/v1/promotion/proposals/decide", manager,
                                                   json: #"{"ids": [\#(ids.map(String.init).joined(separator: ","))], "action": "approve", "note": "ok"}"#)
            #expect(decided == .ok && (result as? [String: Any])?["decided"] as? Int == ids.count)
            #expect(try await TierChange.query(on: app.db).count() == ids.count)
            let (bad, reason) = try await call(app, .POST, "/api/v1/promotion/proposals/decide", manager, json: #"{"ids": [1], "action": "promote"}"#)
            #expect(bad == .unprocessableEntity && ((reason as? [String: Any])?["message"] as? String) == "action: must be approve or reject")
        }
    }
}
