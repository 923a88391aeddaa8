import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// Points and rewards through the API, as the pages allow them.
@Suite struct RewardAPITests {

    @Test func aMembersAppReadsPointsRedeemsAndCancels() async throws {
        try await withTestApp { app in
            let agent = try await token(app, as: "agent")
            let (status, body) = try await call(app, .GET, "/api/v1/points", agent)
            let points = try #require(body as? [String: Any])
            #expect(status == .ok && points["member"] as? String == "m10")
            let balance = try #require(points["balance"] as? Int)
            let history = try #require(points["history"] as? [[String: Any]])
            #expect(history.contains { ($0["reason"] as? String)?.hasPrefix("Order ") == true })
            #expect(history.last?["reason"] as? String == "Redeemed \"护肤小样套装\"")
            // Someone outside the agent's reach does not exist for them.
            #expect(try await call(app, .GET, "/api/v1/points?member=m1", agent).0 == .notFound)

            let (_, items) = try await call(app, .GET, "/api/v1/rewards", agent)
            let catalogue = try #require(items as? [[String: Any]])
            let sample = try #require(catalogue.first { $0["name"] as? String == "护肤小样套装" })
            #expect(sample["available"] as? Int == 19 && sample["price"] as? Int == 500)
            let cash = try #require(catalogue.first { $0["kind"] as? String == "cash" })
            #expect(cash["available"] is NSNull)

            let (created, redemption) = try await call(app, .POST, "/api/v1/redemptions", agent, json: #"{"item": \#(sample["id"] as! Int)}"#)
            let r = try #require(redemption as? [String: Any])
            #expect(created == .created && r["status"] as? String == "approved" && r["points"] as? Int == 500 && r["member"] as? String == "m10")
            #expect((try await call(app, .GET, "/api/v1/points", agent).1 as? [String: Any])?["balance"] as? Int == balance - 500)
            let (_, mine) = try await call(app, .GET, "/api/v1/redemptions", agent)
            #expect((mine as? [[String: Any]])?.count == 2)
            // Too dear: 422 with the reason in English.
            let dear = try await RewardService(db: app.db, clock: app.jiliClock).create(
                .init(name: "旅游", kind: "prize", price: 99_999_999, stock: 1), by: .system)
            let (refused, reason) = try await call(app, .POST, "/api/v1/redemptions", agent, json: #"{"item": \#(dear.id!)}"#)
            #expect(refused == .unprocessableEntity && ((reason as? [String: Any])?["message"] as? String)?.hasPrefix("Not enough points: 99999999 needed") == true)
            // Cancelled: the points are back.
            let (cancelled, back) = try await call(app, .POST, "/api/v1/redemptions/\(r["id"] as! Int)/cancel", agent)
            #expect(cancelled == .ok && (back as? [String: Any])?["status"] as? String == "cancelled")
            #expect((try await call(app, .GET, "/api/v1/points", agent).1 as? [String: Any])?["balance"] as? Int == balance)
            // Another member's redemption cannot be cancelled through one's token.
            let director = try await token(app, as: "director")
            #expect(try await call(app, .POST, "/api/v1/redemptions/\(r["id"] as! Int)/cancel", director).0 == .notFound)
        }
    }

    /// Two apps asking for the last unit at once, over real HTTP to a running server: one gets it.
    @Test func twoRequestsRacingForTheLastItemGetItOnce() async throws {
        try await withTestApp { app in
            let last = try await RewardService(db: app.db, clock: app.jiliClock).create(
                .init(name: "最后一台", kind: "prize", price: 1, stock: 1), by: .system)
            let tokens = [try await token(app, as: "agent"), try await token(app, as: "leader")]
            try await app.asyncBoot()
            let port = Int.random(in: 20_000...40_000)
            try await app.server.start(address: .hostname("127.0.0.1", port: port))
            func redeem(_ token: String) async -> HTTPStatus {
                let response = try? await app.client.post(URI(string: "http://127.0.0.1:\(port)/api/v1/redemptions")) { req in
                    req.headers.bearerAuthorization = BearerAuthorization(token: token)
                    try req.content.encode(["item": last.id!], as: .json)
                }
                return response?.status ?? .internalServerError
            }
            async let first = redeem(tokens[0])
            async let second = redeem(tokens[1])
            let statuses = await [first, second]
            await app.server.shutdown()
            #expect(statuses.map(\.code).sorted() == [201, 422], "\(statuses)")
            #expect(try await RewardItem.find(last.id, on: app.db)?.reserved == 1)
            #expect(try await Redemption.query(on: app.db).filter(\.$item.$id == last.id!).count() == 1)
        }
    }
}
