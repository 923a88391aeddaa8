import Fluent
import Foundation
import JiliCore
import SQLKit

/// Plan versions and monthly runs: the plan decoded and checked by JiliCore, the month settled by
/// JiliCore's engine from the database, stored in one transaction; approval locks a month.
struct PayService {
    let db: any Database
    let clock: JiliClock

    /// A new draft version; a plan that does not decode is refused with every problem.
    func createVersion(name: String, json: String, by actor: Actor) async throws -> PlanVersion {
        do {
            _ = try PlanDecoder.decode(Array(json.utf8))
        } catch {
            throw Refusal(key: "pay_error_plan", values: ["problems": error.problems.map(\.description).joined(separator: "\n")])
        }
        let version = PlanVersion(name: name.isEmpty ? "plan" : name, json: json, createdBy: actor.name, createdAt: clock.now())
        try await db.transaction { db in
            try await version.create(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "create", entity: "plan_version", id: "\(version.id!)",
                                   before: nil, after: ["name": version.name])
        }
        return version
    }

    /// Puts a draft version in force from a month that no approved run has closed. A plan refused
    /// by its compliance check cannot be activated.
    func activate(_ version: PlanVersion, from period: Period, by actor: Actor) async throws {
        guard version.status == .draft else { throw Refusal(key: "pay_error_not_draft") }
        let plan = try PlanDecoder.decode(Array(version.json.utf8))
        let report = ComplianceReport(plan: plan)
        guard !report.refused else { throw Refusal(key: "pay_error_refused_plan") }
        if let closed = try await PayRun.query(on: db).filter(\.$status == .approved).filter(\.$period >= period.description).first() {
            throw Refusal(key: "pay_error_month_closed", values: ["month": closed.period])
        }
        try await db.transaction { db in
            version.status = .active
            version.effectiveFrom = period.description
            try await version.save(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "activate", entity: "plan_version", id: "\(version.id!)",
                                   before: ["status": PlanVersion.Status.draft.rawValue], after: ["status": PlanVersion.Status.active.rawValue, "effective_from": period.description])
        }
    }

    /// The version in force in a month: the active one with the latest start not after it.
    func versionInForce(_ period: Period) async throws -> PlanVersion? {
        try await PlanVersion.query(on: db).filter(\.$status == .active).filter(\.$effectiveFrom <= period.description)
            .sort(\.$effectiveFrom, .descending).sort(\.$id, .descending).first()
    }

    /// Computes (or computes again) the draft run of a month: the input read from the database,
    /// settled by the engine, the run and its member lines written in one transaction. `phase` hears
    /// how long each step took, in seconds.
    func draft(_ period: Period, by actor: Actor, phase: (String, Double) -> Void = { _, _ in }) async throws -> PayRun {
        let clockStart = ContinuousClock.now
        var mark = clockStart
        func lap(_ name: String) {
            let now = ContinuousClock.now
            let d = now - mark
            phase(name, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            mark = now
        }
        if let run = try await PayRun.query(on: db).filter(\.$period == period.description).first(), run.status == .approved {
            throw Refusal(key: "pay_error_approved", values: ["month": period.description])
        }
        guard let version = try await versionInForce(period) else { throw Refusal(key: "pay_error_no_plan", values: ["month": period.description]) }
        let plan = try PlanDecoder.decode(Array(version.json.utf8))
        let input = try await SettlementSource(db: db).input(for: plan, period: period)
        lap("read")
        let result: SettlementResult
        do {
            result = try SettlementEngine(plan: plan, input: input).settle(period: period, explain: true)
        } catch {
            throw Refusal(key: "pay_error_engine", values: ["reason": error.description])
        }
        lap("settle")
        let sales = try await TeamQueries(db: db).orderTotals(period: period.description, scope: .all, member: nil, subtree: false)
        let breakdown = try await RunReview.breakdown(result.members.map { RunReview.Amounts(member: $0.member, total: $0.total, rules: $0.rules, adjustments: $0.adjustments) }, on: db)
        let review = String(decoding: try JSONEncoder().encode(breakdown), as: UTF8.self)
        lap("review")
        let now = clock.now()
        defer { lap("write") }
        return try await db.transaction { db in
            let document = String(decoding: result.jsonBytes(explanations: false), as: UTF8.self)
            let run: PayRun
            if let existing = try await PayRun.query(on: db).filter(\.$period == period.description).first() {
                // Only a draft is replaced: a conditional update, so that an approval committed
                // meanwhile is never turned back into a draft (the update then changes nothing).
                try await PayRun.query(on: db).filter(\.$id == existing.id!).filter(\.$status == .draft)
                    .set(\.$planVersion.$id, to: version.id!).set(\.$totalFen, to: result.total).set(\.$salesFen, to: sales.amount - sales.refunded)
                    .set(\.$review, to: review).set(\.$computedAt, to: now).update()
                guard let updated = try await PayRun.find(existing.id, on: db), updated.status == .draft else {
                    throw Refusal(key: "pay_error_approved", values: ["month": period.description])
                }
                run = updated
            } else {
                run = PayRun()
                run.period = period.description
                run.$planVersion.id = version.id!
                run.status = .draft
                run.totalFen = result.total
                run.salesFen = sales.amount - sales.refunded
                run.review = review
                run.computedAt = now
                try await run.create(on: db)
            }
            try await RunLines.replace(run: run.id!, with: result, document: document, on: db)
            await FaultPoint.reach("run-written")
            try await Audit.record(on: db, at: now, actor: actor, action: "compute", entity: "pay_run", id: period.description, before: nil,
                                   after: ["total": Money(fen: result.total).description, "plan_version": "\(version.id!)"])
            return run
        }
    }

    /// Approves a draft: exactly once, even when two ask at the same moment (a conditional update).
    /// Approves the month's draft. With `fingerprint` (from the preview the approver read), a draft
    /// that has been computed again since is refused, with its new total, and nothing changes.
    func approve(_ month: Period, by actor: Actor, fingerprint: String? = nil) async throws {
        let period = month.description
        if try await PayQueries(db: db).approvedRun(period) != nil { throw Refusal(key: "pay_error_approved", values: ["month": period]) }
        // A month is approved once it is over: until then its draft is an estimate.
        guard month.index < clock.currentPeriod.index else {
            throw Refusal(key: "pay_error_open_month", values: ["month": period, "next": Period(index: month.index + 1).description])
        }
        // A draft computed before the month ended is an estimate too: it lacks the month's last orders.
        if let draft = try await PayQueries(db: db).run(period), draft.isEstimate(clock) {
            throw Refusal(key: "pay_error_stale_draft", values: ["month": period, "at": clock.format(draft.computedAt)])
        }
        let now = clock.now()
        let approval = UUID().uuidString
        try await db.transaction { db in
            try await PayRun.query(on: db).filter(\.$period == period).filter(\.$status == .draft)
                .set(\.$status, to: .approved).set(\.$approvedAt, to: now).set(\.$approvedBy, to: actor.name)
                .set(\.$approvalID, to: approval).update()
            guard let run = try await PayRun.query(on: db).filter(\.$period == period).first(), run.approvalID == approval else {
                throw Refusal(key: "pay_error_approved", values: ["month": period])
            }
            if let fingerprint, run.fingerprint != fingerprint {
                throw Refusal(key: "pay_error_changed", values: ["month": period, "total": Money(fen: run.totalFen).display], status: .conflict)
            }
            // The month's amounts become ledger entries in the same transaction as the approval.
            let version = try await PlanVersion.find(run.$planVersion.id, on: db)
            let plan = try PlanDecoder.decode(Array(version!.json.utf8))
            try await Ledger.post(on: db, at: now, kind: "pay_run", source: "pay_run:\(period)", memo: "\(period) pay run",
                                  lines: Ledger.payRunLines(try await RunResult.read(run, on: db), plan: plan))
            await FaultPoint.reach("approval-posted")
            try await Audit.record(on: db, at: now, actor: actor, action: "approve", entity: "pay_run", id: period,
                                   before: ["status": PayRun.Status.draft.rawValue], after: ["status": PayRun.Status.approved.rawValue, "total": Money(fen: run.totalFen).description])
        }
    }
}

/// A run's result document, read back for review and statements. Amounts are parsed into fen once,
/// here: a document with an amount that is not one is an error, never a silent zero.
struct RunResult: Decodable {
    struct Line: Decodable {
        var amount: String
        var zh: String
        var en: String
        var from: String?
        /// The orders the line was computed from (their ids).
        var orders: [String]?
    }
    struct Explanation: Decodable {
        var amount: Int64
        var zh: String
        var en: String
        var lines: [Line]

        enum CodingKeys: String, CodingKey { case amount, zh, en, lines }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            amount = try RunResult.fen(c.decode(String.self, forKey: .amount), c.codingPath)
            zh = try c.decode(String.self, forKey: .zh)
            en = try c.decode(String.self, forKey: .en)
            lines = try c.decode([Line].self, forKey: .lines)
        }
    }
    struct MemberLine: Decodable {
        var member: String
        var total: Int64
        var rules: [String: Int64]
        var adjustments: [String: Int64]
        var explanations: [String: Explanation]?

        enum CodingKeys: String, CodingKey { case member, total, rules, adjustments, explanations }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            member = try c.decode(String.self, forKey: .member)
            total = try RunResult.fen(c.decode(String.self, forKey: .total), c.codingPath)
            rules = try c.decode([String: String].self, forKey: .rules).mapValues { try RunResult.fen($0, c.codingPath) }
            adjustments = try (c.decodeIfPresent([String: String].self, forKey: .adjustments) ?? [:]).mapValues { try RunResult.fen($0, c.codingPath) }
            explanations = try c.decodeIfPresent([String: Explanation].self, forKey: .explanations)
        }
    }
    var period: String
    var members: [MemberLine]

    static func fen(_ text: String, _ path: [any CodingKey]) throws -> Int64 {
        do {
            return try Money(parsing: text).fen
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "\"\(text)\" is not an amount"))
        }
    }

    /// The run's document: every member's amounts, without explanations (see `RunLines`).
    static func read(_ run: PayRun, on db: any Database) async throws -> RunResult {
        try JSONDecoder().decode(RunResult.self, from: Data(try await PayQueries(db: db).document(of: run).utf8))
    }
}

/// Each member's explained line of a run, one row each, written with the run; and, for a line with
/// more sources under a rule than a statement page shows, the line as the page shows it.
enum RunLines {
    /// Sources shown per rule on a statement's page and on paper (the CSV has them all).
    static let sourcesShown = 50

    /// Replaces the run's document and lines (a draft computed again), in batches, on `db` — inside
    /// the run's transaction.
    static func replace(run: Int, with result: SettlementResult, document: String, on db: any Database) async throws {
        let sql = db.sql
        try await sql.delete(from: RunTexts.documents).where("run_id", .equal, run).run()
        try await sql.insert(into: RunTexts.documents).columns("run_id", "result").values(SQLBind(run), SQLBind(document)).run()
        try await sql.delete(from: RunTexts.lines).where("run_id", .equal, run).run()
        try await PayRunMember.query(on: db).filter(\.$run.$id == run).delete()
        for chunk in stride(from: 0, to: result.members.count, by: 400) {
            let part = result.members[chunk..<min(result.members.count, chunk + 400)]
            var members = sql.insert(into: PayRunMember.schema).columns("run_id", "member_code", "total_fen", "page_line")
            var lines = sql.insert(into: RunTexts.lines).columns("run_id", "member_code", "line")
            for m in part {
                members = members.values(SQLBind(run), SQLBind(m.member), SQLBind(m.total), SQLBind(pageLine(m, result)))
                lines = lines.values(SQLBind(run), SQLBind(m.member), SQLBind(String(decoding: result.memberJSONBytes(m), as: UTF8.self)))
            }
            try await members.run()
            try await lines.run()
        }
    }

    /// The largest first (by size; in the engine's order when equal): where most of the money came from is read first.
    static func largestFirst<L>(_ lines: [L], size: (L) -> Int64) -> [L] {
        lines.enumerated().sorted { (size($0.element), -$0.offset) > (size($1.element), -$1.offset) }.map(\.element)
    }

    /// A line whose rules have more sources than a page shows, as the page shows it: each rule's
    /// largest sources and how many were left off (`{"more":{"level":41230},"line":{…}}`); empty
    /// for a line a page shows whole. A leader's line can hold a hundred thousand sources: the page
    /// reads this, the CSV the whole line.
    static func pageLine(_ m: SettlementResult.MemberLine, _ result: SettlementResult) -> String {
        guard let explanations = m.explanations, explanations.values.contains(where: { $0.lines.count > sourcesShown }) else { return "" }
        var trimmed = m
        var more: [String: Int] = [:]
        for (rule, e) in explanations where e.lines.count > sourcesShown {
            var short = e
            short.lines = Array(largestFirst(e.lines) { $0.micro.magnitude > UInt64(Int64.max) ? Int64.max : Int64($0.micro.magnitude) }.prefix(sourcesShown))
            trimmed.explanations?[rule] = short
            more[rule] = e.lines.count - sourcesShown
        }
        let counts = more.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
        return "{\"more\":{\(counts)},\"line\":" + String(decoding: result.memberJSONBytes(trimmed), as: UTF8.self) + "}"
    }

    /// A member's line with its explanations, or nil when the month paid them nothing.
    static func line(run: PayRun, member: String, on db: any Database) async throws -> RunResult.MemberLine? {
        guard let text = try await json(run: run, member: member, on: db) else { return nil }
        return try JSONDecoder().decode(RunResult.MemberLine.self, from: Data(text.utf8))
    }

    /// The same line as stored (the statement's JSON in the API).
    static func json(run: PayRun, member: String, on db: any Database) async throws -> String? {
        try await db.sql.select().column("line").from(RunTexts.lines).where("run_id", .equal, run.id!).where("member_code", .equal, member)
            .first()?.decode(column: "line", as: String.self)
    }

    /// A member's line as a statement page shows it, with the sources left off per rule: its page
    /// line when it has one, else the line itself (one read either way).
    static func pageLine(run: PayRun, member: String, on db: any Database) async throws -> (line: RunResult.MemberLine, more: [String: Int])? {
        struct Page: Decodable { var more: [String: Int]; var line: RunResult.MemberLine }
        guard let row = try await db.sql.raw("""
            SELECT m.page_line, CASE WHEN m.page_line = '' THEN COALESCE(l.line, '') ELSE '' END AS line
            FROM \(ident: PayRunMember.schema) m
            LEFT JOIN \(ident: RunTexts.lines) l ON l.run_id = m.run_id AND l.member_code = m.member_code
            WHERE m.run_id = \(bind: run.id!) AND m.member_code = \(bind: member)
            """).first() else { return nil }
        let page = try row.decode(column: "page_line", as: String.self)
        guard page.isEmpty else {
            let p = try JSONDecoder().decode(Page.self, from: Data(page.utf8))
            return (p.line, p.more)
        }
        // A member row without its line (the tables never disagree once written together): no line.
        let line = try row.decode(column: "line", as: String.self)
        guard !line.isEmpty else { return nil }
        return (try JSONDecoder().decode(RunResult.MemberLine.self, from: Data(line.utf8)), [:])
    }
}

/// What a plan version would have paid in a month, against what was paid (or would be, under the
/// version in force).
struct WhatIf {
    struct Change {
        var member: String
        var before: Int64
        var after: Int64
    }
    var period: Period
    var before: Int64
    var after: Int64
    var sales: Int64
    var changes: [Change]
}

extension PayService {
    func whatIf(_ version: PlanVersion, period: Period) async throws -> WhatIf {
        var before: [String: Int64] = [:]
        var beforeTotal: Int64 = 0
        if let run = try await PayRun.query(on: db).filter(\.$period == period.description).first() {
            for m in try await RunResult.read(run, on: db).members { before[m.member] = m.total }
            beforeTotal = run.totalFen
        } else if let current = try await versionInForce(period) {
            let result = try await settle(current, period)
            for m in result.members { before[m.member] = m.total }
            beforeTotal = result.total
        }
        let proposed = try await settle(version, period)
        var after: [String: Int64] = [:]
        for m in proposed.members { after[m.member] = m.total }
        let changes = Set(before.keys).union(after.keys).compactMap { code -> WhatIf.Change? in
            let b = before[code] ?? 0, a = after[code] ?? 0
            return a == b ? nil : WhatIf.Change(member: code, before: b, after: a)
        }.sorted { abs($0.after - $0.before) > abs($1.after - $1.before) || (abs($0.after - $0.before) == abs($1.after - $1.before) && $0.member < $1.member) }
        let sales = try await TeamQueries(db: db).orderTotals(period: period.description, scope: .all, member: nil, subtree: false)
        return WhatIf(period: period, before: beforeTotal, after: proposed.total, sales: sales.amount - sales.refunded, changes: changes)
    }

    private func settle(_ version: PlanVersion, _ period: Period) async throws -> SettlementResult {
        let plan = try PlanDecoder.decode(Array(version.json.utf8))
        let input = try await SettlementSource(db: db).input(for: plan, period: period)
        do {
            return try SettlementEngine(plan: plan, input: input).settle(period: period)
        } catch {
            throw Refusal(key: "pay_error_engine", values: ["reason": error.description])
        }
    }
}
