import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The training API: courses, sessions and enrollment, study claims through both approvals, events.
@Suite struct TrainingAPITests {
    @Test func aMemberEnrollsClaimsAndAppliesAndTheClaimIsApprovedTwice() async throws {
        try await withTestApp { app in
            let agent = try await token(app, as: "agent")
            let (_, courses) = try await call(app, .GET, "/api/v1/training/courses", agent)
            let product = try #require((courses as? [[String: Any]])?.first { $0["category"] as? String == "product" })
            #expect(product["pass_mark"] as? Int == 80 && product["questions"] as? Int == 2 && product["certificate"] == nil)
            let lessons = try #require(product["lessons"] as? [[String: Any]])
            #expect(lessons.map { $0["kind"] as? String } == ["text", "video"] && lessons[1]["url"] as? String == "https://example.com/videos/mask-demo")

            let (_, december) = try await call(app, .GET, "/api/v1/training/sessions?month=2026-12", agent)
            let sessions = try #require(december as? [[String: Any]])
            #expect(sessions.count == 2 && sessions[0]["seats_left"] as? Int == 20 && sessions[0]["starts_at"] as? String == "2026-12-06T06:00:00Z")
            #expect(try await call(app, .GET, "/api/v1/training/sessions?month=dec", agent).0 == .badRequest)
            let id = try #require(sessions[0]["id"] as? Int)
            let (enrolled, e) = try await call(app, .POST, "/api/v1/training/sessions/\(id)/enroll", agent)
            #expect(enrolled == .ok && (e as? [String: Any])?["status"] as? String == "requested")
            let (again, refusal) = try await call(app, .POST, "/api/v1/training/sessions/\(id)/enroll", agent)
            #expect(again == .unprocessableEntity && ((refusal as? [String: Any])?["message"] as? String)?.isEmpty == false)
            let (_, mine) = try await call(app, .GET, "/api/v1/training/enrollments", agent)
            #expect((mine as? [[String: Any]])?.map { $0["session_id"] as? Int } == [id])

            // A claim with its receipt in base64; above the allowance it is refused in English.
            let receipt = Data(WallTests.png).base64EncodedString()
            let (made, claim) = try await call(app, .POST, "/api/v1/training/claims", agent,
                                               json: #"{"kind":"book","title":"销售心理学","spent_on":"2026-11-02","amount":"68.00","receipt_base64":"\#(receipt)"}"#)
            let claimID = try #require((claim as? [String: Any])?["id"] as? Int)
            #expect(made == .ok && (claim as? [String: Any])?["status"] as? String == "submitted")
            let (over, message) = try await call(app, .POST, "/api/v1/training/claims", agent,
                                                 json: #"{"kind":"course","title":"课程","spent_on":"2026-11-02","amount":"2999","receipt_base64":"\#(receipt)"}"#)
            #expect(over == .unprocessableEntity)
            #expect((message as? [String: Any])?["message"] as? String == "Above the 2026 study allowance: ¥3,000.00, of which ¥68.00 is used (including claims being decided); at most ¥2,932.00 can be claimed.")
            let (_, allowance) = try await call(app, .GET, "/api/v1/training/claims", agent)
            #expect((allowance as? [String: Any])?["left"] as? String == "2932.00" && (allowance as? [String: Any])?["limit"] as? String == "3000.00")
            // Someone who is not a member cannot claim.
            let trainer = try await token(app, as: "trainer")
            #expect(try await call(app, .POST, "/api/v1/training/claims", trainer, json: #"{"kind":"book","title":"x","spent_on":"2026-11-02","amount":"1","receipt_base64":""}"#).0 == .forbidden)

            // The manager's step, then finance's.
            let manager = try await token(app, as: "manager"), finance = try await token(app, as: "finance")
            #expect(try await call(app, .GET, "/api/v1/training/claims/waiting", finance).1 as? [Any] != nil)
            #expect((try await call(app, .GET, "/api/v1/training/claims/waiting", finance).1 as? [Any])?.count == 0)
            #expect((try await call(app, .GET, "/api/v1/training/claims/waiting", manager).1 as? [[String: Any]])?.map { $0["id"] as? Int } == [claimID])
            let (_, step1) = try await call(app, .POST, "/api/v1/training/claims/\(claimID)/decide", manager, json: #"{"action":"approve"}"#)
            #expect((step1 as? [String: Any])?["status"] as? String == "manager_approved" && (step1 as? [String: Any])?["manager_by"] as? String == "manager")
            let (_, step2) = try await call(app, .POST, "/api/v1/training/claims/\(claimID)/decide", finance, json: #"{"action":"approve"}"#)
            #expect((step2 as? [String: Any])?["status"] as? String == "approved")
            #expect(try await Ledger(db: app.db).balance("expense:study") == 6_800)
            #expect(try await call(app, .POST, "/api/v1/training/claims/\(claimID)/decide", finance, json: #"{"action":"approve"}"#).0 == .unprocessableEntity)
            #expect(try await call(app, .POST, "/api/v1/training/claims/\(claimID)/decide", finance, json: #"{"action":"pay"}"#).0 == .unprocessableEntity)

            // The demo's industry event: apply.
            let (_, events) = try await call(app, .GET, "/api/v1/training/events", agent)
            let event = try #require((events as? [[String: Any]])?.first)
            #expect(event["name"] as? String == "中国美妆私域增长大会" && event["starts_on"] as? String == "2026-12-20" && event["application"] == nil)
            let (_, applied) = try await call(app, .POST, "/api/v1/training/events/\(event["id"] as! Int)/apply", agent, json: #"{"reason":"学习"}"#)
            #expect((applied as? [String: Any])?["status"] as? String == "requested")
        }
    }
}
