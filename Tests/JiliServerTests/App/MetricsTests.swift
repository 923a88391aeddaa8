import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// `/metrics` in Prometheus text, for the leader's token (or the machine itself): requests by route,
/// readiness; nothing for anyone else.
@Suite struct MetricsTests {
    func get(_ app: Application, _ token: String?) async throws -> (HTTPStatus, String, HTTPHeaders) {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        var out: (HTTPStatus, String, HTTPHeaders)?
        try await app.testing().test(.GET, "/metrics", headers: headers) { res in out = (res.status, res.body.string, res.headers) }
        return out!
    }

    @Test func theLeadersTokenReadsTheMetricsAndNobodyElse() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/dashboard").status == .ok)
            let leader = try await token(app, as: "leader")
            let (status, text, headers) = try await get(app, leader)
            #expect(status == .ok && headers.contentType?.description.hasPrefix("text/plain") == true)
            // Requests counted by route (the pattern, not the address), with their durations.
            #expect(text.contains(#"http_requests_total{method="GET",path="/dashboard",status="200"}"#), "\(text.prefix(2_000))")
            #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
            #expect(text.contains("jili_ready 1"))
            // Another role's token, no token, a signed-in page visitor: nothing there.
            #expect(try await get(app, try await token(app, as: "finance")).0 == .notFound)
            #expect(try await get(app, nil).0 == .notFound)
            #expect(try await agent.get("/metrics").status == .notFound)
            #expect(try await get(app, "jili_not_a_token").0 == .notFound)
        }
    }
}
