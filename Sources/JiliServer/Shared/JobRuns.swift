import Fluent
import Foundation
import SQLKit
import Vapor

/// How each background job last ended, kept in the database by whichever instance or process ran
/// it: `jili jobs` is a process of its own whose counters end with it, and a job that stopped
/// running on every instance must still show. `/metrics` reads it (``JiliMetrics``). A run that
/// found another instance holding the job's lock is not a run here.
struct JobRuns {
    static let table = "job_runs"
    let db: any Database

    struct Row: Decodable, Equatable {
        let job: String
        let runs: Int64
        let failures: Int64
        let last_ok_at: Date?
        let last_failed_at: Date?
        /// The kind of the last failure (the error's type, never its text: it can hold what was read).
        let last_error: String?
    }

    /// One run of `job`, ended at `at`: ok, or failed with `error`.
    func record(_ job: String, at: Date, failed error: (any Error)? = nil) async throws {
        let ok = error == nil
        let kind = error.map { String(describing: type(of: $0)) }
        try await db.sql.raw("""
            INSERT INTO \(ident: Self.table) (job, runs, failures, last_ok_at, last_failed_at, last_error)
            VALUES (\(bind: job), 1, \(bind: ok ? 0 : 1), \(bind: ok ? at : nil), \(bind: ok ? nil : at), \(bind: kind))
            ON CONFLICT (job) DO UPDATE SET runs = \(ident: Self.table).runs + 1,
              failures = \(ident: Self.table).failures + excluded.failures,
              last_ok_at = COALESCE(excluded.last_ok_at, \(ident: Self.table).last_ok_at),
              last_failed_at = COALESCE(excluded.last_failed_at, \(ident: Self.table).last_failed_at),
              last_error = COALESCE(excluded.last_error, \(ident: Self.table).last_error)
            """).run()
    }

    /// Every job that ever ran, by name.
    func all() async throws -> [Row] {
        try await db.sql.select().columns("job", "runs", "failures", "last_ok_at", "last_failed_at", "last_error").from(Self.table)
            .orderBy("job").all(decoding: Row.self)
    }
}

extension JiliServer {
    /// Runs a background job and records how it ended: in this instance's counters
    /// (`jili_job_runs_total`) and in ``JobRuns``, at the machine's time (what Prometheus compares
    /// with, even when the app's clock is set by `JILI_NOW`). `body` returns nil when another
    /// instance holds the job (`skipped`, counted here only). A failure is recorded and thrown again;
    /// a job stopped by the server shutting down is not a failure. A record that cannot be written is
    /// logged and changes nothing about the job.
    static func recorded<T>(_ job: String, _ app: Application, _ body: () async throws -> T?) async throws -> T? {
        let runs = JobRuns(db: app.db)
        func keep(_ error: (any Error)?) async {
            do { try await runs.record(job, at: Date(), failed: error) } catch {
                app.logger.warning("recording the run of \(job): \(String(describing: type(of: error)))")
            }
        }
        let value: T?
        do {
            value = try await body()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            JiliMetrics.job(job, "failed")
            await keep(error)
            throw error
        }
        guard let value else {
            JiliMetrics.job(job, "skipped")
            return nil
        }
        JiliMetrics.job(job, "ok")
        await keep(nil)
        return value
    }
}
