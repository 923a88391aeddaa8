import Metrics
import NIOCore
import Prometheus
import Vapor

/// `/metrics` in Prometheus text: Vapor's request counts and durations by route (its swift-metrics
/// reporting: `http_requests_total`, `http_request_duration_seconds` by method, route and status),
/// and Jili's own — the background jobs' runs and failures in this instance, how each job last
/// ended on any instance or process (``JobRuns``), messages by result, readiness. Read by the
/// leader's API token
/// or from the machine itself (a Prometheus beside it).
enum JiliMetrics {
    /// One registry for the process; the metrics system is bootstrapped with it once, at the first use.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// A batch job's run in this instance (`jobs`, `figures`, `messages`): `ok`, `failed`, or `skipped`
    /// (another instance held it). Through ``JiliServer/recorded(_:_:_:)``.
    static func job(_ name: String, _ result: String) {
        Counter(label: "jili_job_runs_total", dimensions: [("job", name), ("result", result)]).increment()
    }

    /// What one pass of the outbox did.
    static func messages(_ outcome: MessageSender.Outcome) {
        for (kind, n) in [("sent", outcome.sent), ("undeliverable", outcome.undeliverable), ("later", outcome.later), ("failed", outcome.failed)] where n > 0 {
            Counter(label: "jili_messages_total", dimensions: [("result", kind)]).increment(by: n)
        }
    }
}

struct MetricsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.metrics, use: metrics)
    }

    /// From this machine, or with the leader's API token; 404 for anyone else (nothing to find there).
    @Sendable func metrics(req: Request) async throws -> Response {
        let local = req.remoteAddress.map { Self.isLoopback($0) } ?? false
        var allowed = local && req.headers.first(name: "X-Forwarded-For") == nil
        if !allowed, let bearer = req.headers.bearerAuthorization {
            try await ApiTokenAuthenticator().authenticate(bearer: bearer, for: req)
            allowed = req.auth.get(ApiClient.self)?.account.roleValue == .leader
        }
        guard allowed else { throw Abort(.notFound) }
        Gauge(label: "jili_ready").record(req.application.isReady ? 1 : 0)
        // How each job last ended, wherever it ran (`jili jobs` included): a job that stopped running shows.
        for row in (try? await JobRuns(db: req.db).all()) ?? [] {
            let job = [("job", row.job)]
            Gauge(label: "jili_job_recorded_runs", dimensions: job).record(Double(row.runs))
            Gauge(label: "jili_job_recorded_failures", dimensions: job).record(Double(row.failures))
            if let at = row.last_ok_at { Gauge(label: "jili_job_last_success_timestamp_seconds", dimensions: job).record(at.timeIntervalSince1970) }
            if let at = row.last_failed_at { Gauge(label: "jili_job_last_failure_timestamp_seconds", dimensions: job).record(at.timeIntervalSince1970) }
        }
        let response = Response(status: .ok, body: .init(data: Data(JiliMetrics.registry.emitToBuffer())))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "plain", parameters: ["version": "0.0.4", "charset": "utf-8"])
        return response
    }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let a): return a.host.hasPrefix("127.")
        case .v6(let a): return a.host == "::1" || a.host.hasPrefix("::ffff:127.")
        case .unixDomainSocket: return true
        }
    }
}
