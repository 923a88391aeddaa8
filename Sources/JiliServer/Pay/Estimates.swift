import Fluent
import Foundation
import JiliCore
import SQLKit

/// The open month's pay so far, estimated by settling it with the version in force: the whole team
/// at once, so never on a page. The background of `jili serve` (and `jili jobs`, the demo, an import)
/// computes it when the month's orders, the members or the plan changed, at most every
/// `every` seconds, and stores each member's total; the home page reads a member's with the time
/// it was computed.
struct Estimates {
    static let table = "team_estimates"
    /// The shortest time between two estimates of a month whose data keeps changing.
    static let every: TimeInterval = 600
    /// The longest: the fingerprint reads the usual inputs (orders, members, tier changes, refunds,
    /// goals), and an hour bounds what it would miss.
    static let atLeastEvery: TimeInterval = 3_600

    let db: any Database
    let clock: JiliClock

    /// A member's estimate of `period`, and when it was computed; nil when none was.
    func total(of memberID: Int, period: String) async throws -> (fen: Int64, computedAt: Date)? {
        // When it was computed, and the member's row (none: the month pays them nothing so far), in one read.
        guard let row = try await db.sql.raw("""
            SELECT r.computed_at, e.total_fen FROM \(ident: TeamFigures.runs) r
            LEFT JOIN \(ident: Self.table) e ON e.period = \(bind: period) AND e.member_id = \(bind: memberID)
            WHERE r.name = \(bind: Self.name(period))
            """).first() else { return nil }
        return (try row.decode(column: "total_fen", as: Int64?.self) ?? 0, try row.decode(column: "computed_at", as: Date.self))
    }

    static func name(_ period: String) -> String { "estimate:\(period)" }

    /// What else a month's settlement reads, as counts and last ids: tier changes, refunds, goals.
    static func otherInputs(_ db: any Database) async throws -> String {
        var parts: [String] = []
        for table in ["tier_changes", "refunds", "goals"] {
            let row = try await db.sql.select().column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n").column(SQLRaw("CAST(COALESCE(MAX(id), 0) AS BIGINT)"), as: "last")
                .from(table).first()
            parts.append("\(try row?.decode(column: "n", as: Int64.self) ?? 0)-\(try row?.decode(column: "last", as: Int64.self) ?? 0)")
        }
        return parts.joined(separator: "-")
    }

    /// Estimates the open month when it is due: not approved, a version in force, and either never
    /// estimated or changed since and the last estimate `every` seconds old. Returns whether it did.
    @discardableResult
    func refresh(force: Bool = false) async throws -> Bool {
        let period = clock.currentPeriod
        guard try await PayQueries(db: db).approvedRun(period.description) == nil,
              let version = try await PayService(db: db, clock: clock).versionInForce(period) else { return false }
        // The months' orders and the members as the team's figures, computed just before in the same
        // round, last read them (read again when they were never computed).
        let figures = TeamFigures(db: db, clock: clock)
        func months(_ p: Period) async throws -> String {
            if let run = try await TeamFigures.run("team:\(p.description)", on: db) { return run.fingerprint }
            return try await figures.fingerprint(p.description)
        }
        let fingerprint = "v\(version.id ?? 0)-" + (try await months(period)) + "/" + (try await months(period.previous))
            + "/" + (try await Self.otherInputs(db))
        if !force, let last = try await TeamFigures.run(Self.name(period.description), on: db) {
            let age = clock.now().timeIntervalSince(last.at)
            if age < Self.every || (last.fingerprint == fingerprint && age < Self.atLeastEvery) { return false }
        }
        let plan = try PlanDecoder.decode(Array(version.json.utf8))
        let input = try await SettlementSource(db: db).input(for: plan, period: period)
        let result = try SettlementEngine(plan: plan, input: input).settle(period: period)
        struct Row: Decodable { let id: Int; let code: String }
        var ids: [String: Int] = [:]
        for m in try await db.sql.select().columns("id", "code").from(Member.schema).all(decoding: Row.self) { ids[m.code] = m.id }
        let totals = result.members.compactMap { m in ids[m.member].map { ($0, m.total) } }
        let at = clock.now()
        try await db.transaction { db in
            let sql = db.sql
            try await sql.delete(from: Self.table).where("period", .equal, SQLBind(period.description)).run()
            for start in stride(from: 0, to: totals.count, by: 1_000) {
                var insert = sql.insert(into: Self.table).columns("period", "member_id", "total_fen")
                for (id, fen) in totals[start..<min(totals.count, start + 1_000)] {
                    insert = insert.values(SQLBind(period.description), SQLBind(id), SQLBind(fen))
                }
                try await insert.run()
            }
            try await TeamFigures.record(Self.name(period.description), at: at, fingerprint: fingerprint, on: db)
        }
        return true
    }
}
