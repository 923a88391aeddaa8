import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

@Suite struct APITests {
    /// Creates a token through the leader's page, as the leader would.
    func token(_ app: Application, name: String = "shop") async throws -> String {
        var leader = try await Visitor.signedIn(app, "leader")
        let page = try await leader.post("/tokens", ["name": name], from: "/tokens")
        #expect(page.status == .ok)
        let marker = "<code class=\"token\">"
        let start = try #require(page.body.range(of: marker))
        return String(page.body[start.upperBound...].prefix { $0 != "<" })
    }

    func call(_ app: Application, _ method: HTTPMethod, _ path: String, token: String?, json: String? = nil) async throws -> (HTTPStatus, [String: Any]) {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        if json != nil { headers.contentType = .json }
        var result: (HTTPStatus, [String: Any])?
        try await app.testing().test(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) }) { res in
            #expect(res.headers.contentType == .json, "\(path) answered \(res.headers.contentType?.description ?? "nothing")")
            result = (res.status, (try? JSONSerialization.jsonObject(with: Data(res.body.readableBytesView))) as? [String: Any] ?? [:])
        }
        return result!
    }

    @Test func everyApiRouteIsInTheOpenAPIDocumentAndBack() async throws {
        try await withTestApp(demo: false) { app in
            let (status, doc) = try await call(app, .GET, "/api/v1/openapi.json", token: nil)
            #expect(status == .ok)
            #expect(doc["openapi"] as? String == "3.1.0")
            let paths = doc["paths"] as! [String: [String: Any]]
            let documented = Set(paths.flatMap { path, ops in ops.keys.map { "\($0.uppercased()) \(path)" } })
            let registered = Set(app.routes.all.filter { $0.path.first?.description == "api" }.map { route in
                "\(route.method.rawValue) /" + route.path.map { c -> String in
                    if case .parameter(let name) = c { return "{\(name)}" }
                    return c.description
                }.joined(separator: "/")
            })
            #expect(documented == registered, "only documented: \(documented.subtracting(registered)); only registered: \(registered.subtracting(documented))")
        }
    }

    @Test func withoutAValidTokenTheAnswerIs401JSON() async throws {
        try await withTestApp { app in
            let (none, body) = try await call(app, .GET, "/api/v1/members", token: nil)
            #expect(none == .unauthorized && body["code"] as? String == "unauthorized")
            #expect(try await call(app, .GET, "/api/v1/members", token: "jili_forged").0 == .unauthorized)
            // A session cookie is not an API credential.
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.get("/api/v1/members").status == .unauthorized)
        }
    }

    @Test func pagedListsAndGets() async throws {
        try await withTestApp { app in
            let t = try await token(app)
            let (status, page) = try await call(app, .GET, "/api/v1/members?page=2&per=100", token: t)
            #expect(status == .ok)
            #expect(page["total"] as? Int == 300 && page["page"] as? Int == 2 && (page["items"] as? [Any])?.count == 100)
            let (_, m10) = try await call(app, .GET, "/api/v1/members/m10", token: t)
            #expect(m10["id"] as? String == "m10" && m10["sponsor_id"] as? String == "m3" && m10["tier"] as? String == "agent")
            #expect((m10["joined_at"] as? String)?.hasSuffix("Z") == true)
            let (missing, error) = try await call(app, .GET, "/api/v1/members/nobody", token: t)
            #expect(missing == .notFound && error["code"] as? String == "not_found")
            let (_, products) = try await call(app, .GET, "/api/v1/products", token: t)
            #expect(products["total"] as? Int == 20)
            let (_, p1) = try await call(app, .GET, "/api/v1/products/p1", token: t)
            #expect(p1["price"] as? String == "128.00")
            let (_, orders) = try await call(app, .GET, "/api/v1/orders?month=2026-10&per=5", token: t)
            #expect(orders["total"] as? Int == (try await Order.query(on: app.db).filter(\.$period == "2026-10").count()))
            #expect(try await call(app, .GET, "/api/v1/orders?month=october", token: t).0 == .badRequest)
            // Absurd page numbers are an empty page, not an overflow (schemathesis found that one).
            let (far, empty) = try await call(app, .GET, "/api/v1/products?page=9223372036854775807&per=200", token: t)
            #expect(far == .ok && (empty["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func creatingAnOrderTwiceWithTheSameIdCreatesOne() async throws {
        try await withTestApp { app in
            let t = try await token(app)
            let json = #"{"id": "shop-1001", "member_id": "m10", "paid_at": "2026-11-28T09:30:00+08:00", "lines": [{"product_id": "p1", "quantity": 2}]}"#
            let (first, order) = try await call(app, .POST, "/api/v1/orders", token: t, json: json)
            #expect(first == .created)
            #expect(order["amount"] as? String == "256.00" && order["member_id"] as? String == "m10")
            #expect((order["lines"] as? [[String: Any]])?.first?["product_id"] as? String == "p1")
            let (second, again) = try await call(app, .POST, "/api/v1/orders", token: t, json: json)
            #expect(second == .ok && again["id"] as? String == "shop-1001")
            #expect(try await Order.query(on: app.db).filter(\.$code == "shop-1001").count() == 1)
            let audit = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "order").filter(\.$entityID == "shop-1001").first())
            #expect(audit.actor == "api:shop")
            // Refunds: partial, then more than what is left is refused; the refund id is its key too.
            let (r1, refund) = try await call(app, .POST, "/api/v1/refunds", token: t, json: #"{"id": "shop-r1", "order_id": "shop-1001", "amount": "100"}"#)
            #expect(r1 == .created && refund["amount"] as? String == "100.00")
            #expect(try await call(app, .POST, "/api/v1/refunds", token: t, json: #"{"id": "shop-r1", "order_id": "shop-1001", "amount": "100"}"#).0 == .ok)
            let (tooMuch, error) = try await call(app, .POST, "/api/v1/refunds", token: t, json: #"{"order_id": "shop-1001", "amount": "156.01"}"#)
            #expect(tooMuch == .unprocessableEntity && error["code"] as? String == "invalid")
            #expect((error["message"] as? String)?.contains("¥156.00") == true)
            let (bad, unknown) = try await call(app, .POST, "/api/v1/orders", token: t, json: #"{"member_id": "m10", "lines": [{"product_id": "p999", "quantity": 1}]}"#)
            #expect(bad == .unprocessableEntity && (unknown["message"] as? String)?.contains("lines[0].product_id") == true)
        }
    }

    @Test func aRevokedTokenNoLongerWorks() async throws {
        try await withTestApp { app in
            let t = try await token(app, name: "old")
            #expect(try await call(app, .GET, "/api/v1/products", token: t).0 == .ok)
            var leader = try await Visitor.signedIn(app, "leader")
            let record = try #require(try await ApiToken.query(on: app.db).filter(\.$name == "old").first())
            #expect(record.tokenHash != t && record.tokenHash == ApiTokens.hash(t))
            #expect(try await leader.post("/tokens/\(record.id!)/revoke", [:], from: "/tokens").status == .seeOther)
            #expect(try await call(app, .GET, "/api/v1/products", token: t).0 == .unauthorized)
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.get("/tokens").status == .forbidden)
        }
    }
}
