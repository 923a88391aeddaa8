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

    /// How each background job last ended is kept in the database by whoever ran it (`jili jobs` is
    /// a process of its own, whose counters end with it), and `/metrics` shows it; a run that found
    /// another instance holding the job is not one.
    @Test func jobRunsAreKeptWhereverTheyRanAndShown() async throws {
        try await withTestApp { app in
            for _ in 0..<2 {
                let lines = try await JiliServer.recorded("jobs", app) { try await InstanceLock(app: app).ifFree("jobs") { try await JiliServer.jobs(app) } }
                #expect(lines?.isEmpty == false)
            }
            struct Broken: Error {}
            await #expect(throws: Broken.self) { _ = try await JiliServer.recorded("figures", app) { () async throws -> Int? in throw Broken() } }
            #expect(try await JiliServer.recorded("messages", app) { () async throws -> Int? in nil } == nil)
            // A job stopped by a shutdown is no failure.
            await #expect(throws: CancellationError.self) { _ = try await JiliServer.recorded("messages", app) { () async throws -> Int? in throw CancellationError() } }

            let rows = try await JobRuns(db: app.db).all()
            // At the machine's time (the app's clock is fixed in tests): what Prometheus compares with.
            let now = Date().timeIntervalSince1970
            #expect(rows.map(\.job) == ["figures", "jobs"])
            let jobs = try #require(rows.last), figures = try #require(rows.first)
            #expect(jobs.runs == 2 && jobs.failures == 0 && jobs.last_failed_at == nil && jobs.last_error == nil)
            #expect(abs((jobs.last_ok_at?.timeIntervalSince1970 ?? 0) - now) < 120)
            #expect(figures.runs == 1 && figures.failures == 1 && figures.last_ok_at == nil && figures.last_error == "Broken")

            let (status, text, _) = try await get(app, try await token(app, as: "leader"))
            #expect(status == .ok)
            let shown = text.split(separator: "\n").filter { $0.hasPrefix("jili_job_") && !$0.hasPrefix("jili_job_runs_total") }.map(String.init)
            #expect(shown.contains(#"jili_job_recorded_runs{job="jobs"} 2.0"#), "\(shown)")
            #expect(shown.contains(#"jili_job_recorded_failures{job="jobs"} 0.0"#), "\(shown)")
            #expect(shown.contains(#"jili_job_recorded_failures{job="figures"} 1.0"#), "\(shown)")
            #expect(shown.contains { $0.hasPrefix(#"jili_job_last_success_timestamp_seconds{job="jobs"} "#) && abs((Double($0.split(separator: " ").last!) ?? 0) - now) < 120 }, "\(shown)")
            #expect(shown.contains { $0.hasPrefix(#"jili_job_last_failure_timestamp_seconds{job="figures"} "#) }, "\(shown)")

            // A record that cannot be written changes nothing about the job that ran.
            try await app.db.schema(JobRuns.table).delete()
            #expect(try await JiliServer.recorded("jobs", app) { () async throws -> Int? in 7 } == 7)
        }
    }
}
