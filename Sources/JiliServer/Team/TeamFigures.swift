import Fluent
import Foundation
import JiliCore
import SQLKit

/// A month's figures of the whole team, of each department and of each member's branch (them and
/// everyone below): net sales, headcount, active members, and the best sellers of the team and of
/// each department. Computing them reads every member and the month's orders, so no page does: they
/// are computed by the jobs that change them (an import, the demo, `jili jobs`, and in the
/// background of `jili serve` when the orders or the members changed), stored, and read with the
/// moment they were computed.
struct TeamFigures {
    static let table = "team_figures"
    static let runs = "figure_runs"
    /// How many best sellers are kept per scope.
    static let topCount = 5

    let db: any Database
    let clock: JiliClock

    struct Figure: Equatable, Sendable {
        var sales: Int64 = 0
        var members = 0
        var active = 0
        /// The best sellers, best first: the team and departments only.
        var top: [Seller] = []
    }

    /// A member and their own net sales of the month.
    struct Seller: Equatable, Sendable {
        var id: Int
        var fen: Int64
    }

    /// Where a scope's figures are kept.
    static func key(_ scope: MemberScope) -> (kind: String, id: Int) {
        switch scope {
        case .all: return ("all", 0)
        case .department(let id): return ("department", id)
        case .subtree(let path), .selfAndDownlineSummary(let path): return ("branch", Self.top(of: path))
        }
    }

    /// The member at the top of a branch: the last id of its path (`/1/2/5/` → 5).
    static func top(of path: String) -> Int { path.split(separator: "/").last.flatMap { Int($0) } ?? 0 }

    // MARK: Reading

    /// A scope's figures in each of these months, with when each month was computed (a month never
    /// computed is absent from both; a computed month without a row of the scope is all zero).
    func figures(_ scope: MemberScope, periods: [String]) async throws -> (figures: [String: Figure], computedAt: [String: Date]) {
        guard !periods.isEmpty else { return ([:], [:]) }
        struct Row: Decodable {
            let name: String
            let computed_at: Date
            let sales_fen: Int64?
            let members: Int?
            let active: Int?
            let top: String?
        }
        // Each computed month (its run named `team:2026-11`) with the scope's row, in one read.
        let key = Self.key(scope)
        let names = periods.map { "team:\($0)" }
        var figures: [String: Figure] = [:], at: [String: Date] = [:]
        for row in try await db.sql.raw("""
            SELECT r.name, r.computed_at, f.sales_fen, f.members, f.active, f.top FROM \(ident: Self.runs) r
            LEFT JOIN \(ident: Self.table) f ON f.period = SUBSTR(r.name, 6) AND f.scope_kind = \(bind: key.kind) AND f.scope_id = \(bind: key.id)
            WHERE r.name IN (\(binds: names))
            """).all(decoding: Row.self) {
            let period = String(row.name.dropFirst(5))
            at[period] = row.computed_at
            figures[period] = Figure(sales: row.sales_fen ?? 0, members: row.members ?? 0, active: row.active ?? 0, top: Self.parseTop(row.top ?? ""))
        }
        return (figures, at)
    }

    /// A scope's net sales in each of these months that were computed.
    func sales(_ scope: MemberScope, periods: [String]) async throws -> [String: Int64] {
        guard !periods.isEmpty else { return [:] }
        let key = Self.key(scope)
        var out: [String: Int64] = [:]
        for row in try await db.sql.select().columns("period", "sales_fen").from(Self.table)
            .where("period", .in, SQLBind.group(periods)).where("scope_kind", .equal, SQLBind(key.kind)).where("scope_id", .equal, SQLBind(key.id)).all() {
            out[try row.decode(column: "period", as: String.self)] = try row.decode(column: "sales_fen", as: Int64.self)
        }
        return out
    }

    /// The branch figures of these members in a month (a member without orders below has none stored: zero).
    func branches(_ ids: [Int], period: String) async throws -> [Int: Figure] {
        var out: [Int: Figure] = [:]
        for chunk in ids.chunked(500) {
            for row in try await db.sql.select().columns("scope_id", "sales_fen", "members", "active").from(Self.table)
                .where("period", .equal, SQLBind(period)).where("scope_kind", .equal, SQLBind("branch")).where("scope_id", .in, SQLBind.group(chunk)).all() {
                out[try row.decode(column: "scope_id", as: Int.self)] = Figure(
                    sales: try row.decode(column: "sales_fen", as: Int64.self), members: try row.decode(column: "members", as: Int.self),
                    active: try row.decode(column: "active", as: Int.self))
            }
        }
        return out
    }

    /// When a month's figures were computed.
    func computedAt(_ period: String) async throws -> Date? {
        try await Self.run("team:\(period)", on: db)?.at
    }

    static func run(_ name: String, on db: any Database) async throws -> (at: Date, fingerprint: String)? {
        guard let row = try await db.sql.select().columns("computed_at", "fingerprint").from(runs).where("name", .equal, SQLBind(name)).first() else { return nil }
        return (try row.decode(column: "computed_at", as: Date.self), try row.decode(column: "fingerprint", as: String.self))
    }

    static func record(_ name: String, at: Date, fingerprint: String, on db: any Database) async throws {
        try await db.sql.delete(from: runs).where("name", .equal, SQLBind(name)).run()
        try await db.sql.insert(into: runs).columns("name", "computed_at", "fingerprint").values(SQLBind(name), SQLBind(at), SQLBind(fingerprint)).run()
    }

    static func parseTop(_ text: String) -> [Seller] {
        text.split(separator: ",").compactMap { part in
            let p = part.split(separator: ":")
            guard p.count == 2, let id = Int(p[0]), let fen = Int64(p[1]) else { return nil }
            return Seller(id: id, fen: fen)
        }
    }

    // MARK: Computing

    /// What the figures of a month are computed from, in a few aggregate reads: the month's orders
    /// (how many, the last id, net sales, and net sales weighted by seller) and the members (how
    /// many, and sums that move when one changes sponsor, department or status). Equal fingerprints:
    /// nothing to compute again.
    func fingerprint(_ period: String) async throws -> String {
        let sql = db.sql
        let orders = try await sql.select()
            .column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n")
            .column(SQLRaw("CAST(COALESCE(MAX(id), 0) AS BIGINT)"), as: "last")
            .column(SQLRaw("CAST(COALESCE(SUM(amount_fen - refunded_fen), 0) AS BIGINT)"), as: "net")
            .column(SQLRaw("CAST(COALESCE(SUM((amount_fen - refunded_fen) % 1009 * member_id), 0) AS BIGINT)"), as: "weighted")
            .from("orders").where("period", .equal, SQLBind(period)).first()
        let members = try await sql.select()
            .column(SQLRaw("CAST(COUNT(*) AS BIGINT)"), as: "n")
            .column(SQLRaw("CAST(COALESCE(SUM(id * COALESCE(sponsor_id, 0)), 0) AS BIGINT)"), as: "tree")
            .column(SQLRaw("CAST(COALESCE(SUM(id * COALESCE(department_id, 0)), 0) AS BIGINT)"), as: "departments")
            .column(SQLRaw("CAST(COALESCE(SUM(CASE WHEN status = 'active' THEN id ELSE 0 END), 0) AS BIGINT)"), as: "active")
            .from(Member.schema).first()
        func v(_ row: (any SQLRow)?, _ c: String) throws -> Int64 { try row?.decode(column: c, as: Int64.self) ?? 0 }
        return try [v(orders, "n"), v(orders, "last"), v(orders, "net"), v(orders, "weighted"),
                    v(members, "n"), v(members, "tree"), v(members, "departments"), v(members, "active")].map(String.init).joined(separator: "-")
    }

    /// Computes a month's figures and replaces the stored ones, in one transaction (`fingerprint`: the
    /// month's, when the caller has just read it).
    @discardableResult
    func compute(_ period: String, fingerprint known: String? = nil) async throws -> Int {
        let fingerprint: String
        if let known { fingerprint = known } else { fingerprint = try await self.fingerprint(period) }
        struct Row: Decodable { let id: Int; let sponsor_id: Int?; let department_id: Int?; let status: String }
        let members = try await db.sql.select().columns("id", "sponsor_id", "department_id", "status").from(Member.schema).all(decoding: Row.self)
        let own = try await TeamQueries(db: db).monthVolumes(period: period)

        // Branches: children before their sponsor, each adding itself to the sponsor.
        var index: [Int: Int] = [:]
        index.reserveCapacity(members.count)
        for (i, m) in members.enumerated() { index[m.id] = i }
        var children = [[Int]](repeating: [], count: members.count)
        var roots: [Int] = []
        for (i, m) in members.enumerated() {
            if let s = m.sponsor_id, let p = index[s], p != i { children[p].append(i) } else { roots.append(i) }
        }
        var branch = members.map { m in Figure(sales: own[m.id] ?? 0, members: 1, active: m.status == MemberStatus.active.rawValue ? 1 : 0) }
        var order: [Int] = []
        order.reserveCapacity(members.count)
        var stack = roots
        while let i = stack.popLast() {
            order.append(i)
            stack.append(contentsOf: children[i])
        }
        for i in order.reversed() {
            for c in children[i] {
                branch[i].sales += branch[c].sales
                branch[i].members += branch[c].members
                branch[i].active += branch[c].active
            }
        }
        // The team and each department, with their best sellers.
        var team = Figure()
        var departments: [Int: Figure] = [:]
        var sellers: [Int: [Seller]] = [:]   // department id (0: the team) → sellers
        for m in members {
            let active = m.status == MemberStatus.active.rawValue ? 1 : 0
            let fen = own[m.id] ?? 0
            team.members += 1; team.active += active; team.sales += fen
            if let d = m.department_id {
                departments[d, default: Figure()].members += 1
                departments[d, default: Figure()].active += active
                departments[d, default: Figure()].sales += fen
            }
            if fen > 0 {
                sellers[0, default: []].append(Seller(id: m.id, fen: fen))
                if let d = m.department_id { sellers[d, default: []].append(Seller(id: m.id, fen: fen)) }
            }
        }
        func top(_ key: Int) -> String {
            (sellers[key] ?? []).sorted { $0.fen != $1.fen ? $0.fen > $1.fen : $0.id < $1.id }.prefix(Self.topCount)
                .map { "\($0.id):\($0.fen)" }.joined(separator: ",")
        }
        var rows: [(String, Int, Figure, String)] = [("all", 0, team, top(0))]
        for (d, f) in departments.sorted(by: { $0.key < $1.key }) { rows.append(("department", d, f, top(d))) }
        for (i, m) in members.enumerated() { rows.append(("branch", m.id, branch[i], "")) }

        let at = clock.now(), written = rows
        try await db.transaction { db in
            let sql = db.sql
            try await sql.delete(from: Self.table).where("period", .equal, SQLBind(period)).run()
            for start in stride(from: 0, to: written.count, by: 1_000) {
                var insert = sql.insert(into: Self.table).columns("period", "scope_kind", "scope_id", "sales_fen", "members", "active", "top")
                for (kind, id, f, top) in written[start..<min(written.count, start + 1_000)] {
                    insert = insert.values(SQLBind(period), SQLBind(kind), SQLBind(id), SQLBind(f.sales), SQLBind(f.members), SQLBind(f.active), SQLBind(top))
                }
                try await insert.run()
            }
            try await Self.record("team:\(period)", at: at, fingerprint: fingerprint, on: db)
        }
        return rows.count
    }

    /// How often the months before last are looked at again (their fingerprints read) without being asked.
    static let deepEvery: TimeInterval = 3_600

    /// Asks the next round of ``refresh(deep:)`` to look at every month of the last year: an import,
    /// which may bring in history, asks instead of computing in its request.
    static func askForDeepLook(on db: any Database) async throws {
        try await record("deep:wanted", at: Date(timeIntervalSince1970: 0), fingerprint: "", on: db)
    }

    /// The months kept fresh: this month and the one before (refunds still come in) computed again
    /// when their fingerprint moved, and the months of the last year never computed; the fingerprints
    /// of the whole year are looked at when `deep`, when an import asked, or an hour after the last
    /// look. Run by one instance at a time (the `figures` lock): a month's rows are replaced whole.
    /// Returns the months computed.
    @discardableResult
    func refresh(deep: Bool = false) async throws -> [String] {
        let asked = try await Self.run("deep:wanted", on: db) != nil
        let looked = try await Self.run("deep:looked", on: db)?.at
        let deep = deep || asked || looked.map { clock.now().timeIntervalSince($0) >= Self.deepEvery } ?? true
        var p = clock.currentPeriod
        var computed: [String] = []
        for back in 0..<12 {
            let stored = try await Self.run("team:\(p.description)", on: db)
            guard stored == nil || back < 2 || deep else { p = p.previous; continue }
            let now = try await fingerprint(p.description)
            if stored?.fingerprint != now {
                try await compute(p.description, fingerprint: now)
                computed.append(p.description)
            }
            p = p.previous
        }
        if deep {
            try await db.sql.delete(from: Self.runs).where("name", .equal, SQLBind("deep:wanted")).run()
            try await Self.record("deep:looked", at: clock.now(), fingerprint: "", on: db)
        }
        return computed
    }
}
