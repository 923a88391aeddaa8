import Fluent
import Foundation
import JiliCore
import SQLKit
import Vapor

/// The promotion ladder in the database: published versions, the monthly evaluation (batches of
/// members, resumable, done once per month), proposals approved or rejected by managers, and each
/// member's live progress to the next tier. The rules themselves are JiliCore's `Ladder`.
struct PromotionService {
    let db: any Database
    let clock: JiliClock
    static let batch = 5_000

    // MARK: The ladder

    func current() async throws -> (version: LadderVersion, ladder: Ladder)? {
        try await PromotionQueries(db: db).ladder()
    }

    /// Publishes a new version; refused (nothing written) when the check refuses it. Returns its warnings.
    @discardableResult
    func publish(_ ladder: Ladder, by actor: Actor) async throws -> [ComplianceReport.Finding] {
        let findings = ladder.check()
        if let r = findings.first(where: { $0.severity == .refusal }) { throw Refusal(key: r.code, values: r.values) }
        guard ladder.steps.map(\.tier) == Tiers.ids else { throw Refusal(key: "ladder_tiers") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = String(decoding: try encoder.encode(ladder), as: UTF8.self)
        let before = try await current()?.version.body
        guard body != before else { return findings.filter { $0.severity == .warning } }
        let now = clock.now()
        try await db.transaction { db in
            let v = LadderVersion()
            v.body = body
            v.createdBy = actor.name
            v.createdAt = now
            try await v.create(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "update", entity: "ladder", id: "\(v.id!)",
                                   before: before.map { ["ladder": $0] }, after: ["ladder": body])
        }
        return findings.filter { $0.severity == .warning }
    }

    // MARK: Values

    /// The `n` months ending with `period`, newest first (`2026-11`, `2026-10`, …).
    static func window(_ period: Period, months n: Int) -> [String] {
        (0..<n).map { Period(index: period.index - Int32($0)).description }
    }

    struct Roster {
        var ids: [Int]
        var tiers: [String]
        var values: TeamValues
    }

    /// Everyone's values for the window ending with `period`, read in a few grouped queries.
    func roster(period: Period, months: Int) async throws -> Roster {
        let sql = db.sql
        struct Row: Decodable { var id: Int; var sponsor_id: Int?; var tier: String; var status: MemberStatus; var joined_at: Date }
        let rows = try await sql.select().columns("id", "sponsor_id", "tier", "status", "joined_at").from(Member.schema).orderBy("id").all(decoding: Row.self)
        var index: [Int: Int] = [:]
        index.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() { index[r.id] = i }
        let window = Self.window(period, months: months)
        let slot = Dictionary(uniqueKeysWithValues: window.enumerated().map { ($1, $0) })
        var sales = [Int64](repeating: 0, count: rows.count * months)
        struct Sale: Decodable { var member_id: Int; var period: String; var n: Int64 }
        for s in try await sql.select().column("member_id").column("period")
            .column(SQLRaw("CAST(COALESCE(SUM(amount_fen - refunded_fen), 0) AS BIGINT)"), as: "n").from(Order.schema)
            .where("period", .in, window).groupBy("member_id").groupBy("period").all(decoding: Sale.self) {
            if let i = index[s.member_id], let k = slot[s.period] { sales[i * months + k] = s.n }
        }
        struct Count: Decodable { var member_id: Int; var n: Int }
        let end = monthEnd(period)
        var courses = [Int32](repeating: 0, count: rows.count)
        for c in try await sql.select().column("member_id").column(SQLRaw("COUNT(*)"), as: "n").from(CoursePass.schema)
            .where("passed_at", .lessThan, end).groupBy("member_id").all(decoding: Count.self) {
            if let i = index[c.member_id] { courses[i] = Int32(c.n) }
        }
        var cases = [Int32](repeating: 0, count: rows.count)
        for c in try await sql.select().column("member_id").column(SQLRaw("COUNT(*)"), as: "n").from(ComplianceCase.schema)
            .where("closed_at", .is, SQLLiteral.null).groupBy("member_id").all(decoding: Count.self) {
            if let i = index[c.member_id] { cases[i] = Int32(c.n) }
        }
        let values = TeamValues(
            months: months, sponsor: rows.map { r in r.sponsor_id.flatMap { index[$0] }.map(Int32.init) ?? -1 },
            active: rows.map { $0.status == .active }, sales: sales, courses: courses,
            tenureMonths: rows.map { Int32(max(0, period.index - clock.period(of: $0.joined_at).index)) }, openCases: cases)
        return Roster(ids: rows.map(\.id), tiers: rows.map(\.tier), values: values)
    }

    /// The first instant after `period`, in the team's zone.
    func monthEnd(_ period: Period) -> Date { clock.start(of: period.next) }

    /// One member's values over the window ending with `period` (the current month for progress),
    /// read for that member alone; their team's sales are the stored branch figures.
    func values(of member: Member, period: Period, months: Int) async throws -> MemberValues {
        let sql = db.sql
        let window = Self.window(period, months: months)
        let slot = Dictionary(uniqueKeysWithValues: window.enumerated().map { ($1, $0) })
        struct Sale: Decodable { var member_id: Int; var period: String; var n: Int64 }
        func byMonth(_ rows: [Sale]) -> [Int64] {
            var out = [Int64](repeating: 0, count: months)
            for r in rows { if let k = slot[r.period] { out[k] += r.n } }
            return out
        }
        let sum = SQLRaw("CAST(COALESCE(SUM(o.amount_fen - o.refunded_fen), 0) AS BIGINT)")
        let personal = try await sql.select().column(SQLRaw("o.member_id"), as: "member_id").column(SQLRaw("o.period"), as: "period").column(sum, as: "n")
            .from(SQLAlias(SQLIdentifier(Order.schema), as: SQLIdentifier("o")))
            .where(SQLColumn("member_id", table: "o"), .equal, SQLBind(member.id!)).where(SQLColumn("period", table: "o"), .in, SQLBind.group(window))
            .groupBy(SQLColumn("member_id", table: "o")).groupBy(SQLColumn("period", table: "o")).all(decoding: Sale.self)
        // The branch's sales as last computed (``TeamFigures``): the whole team's orders are not read for one page.
        let team = try await TeamFigures(db: db, clock: clock).sales(.subtree(path: member.path), periods: window)
            .map { Sale(member_id: 0, period: $0.key, n: $0.value) }
        let directMembers = try await Member.query(on: db).filter(\.$sponsor.$id == member.id!).all()
        var directSales: [Int: [Sale]] = [:]
        // By the direct members' ids (the orders' month-and-seller index), not a join on their sponsor,
        // which SQLite would answer by reading every order of the months.
        for chunk in directMembers.compactMap(\.id).chunked(500) {
            for s in try await SalesSQL.orders(sql, measure: .volume).column(SQLRaw("o.member_id"), as: "member_id").column(SQLRaw("o.period"), as: "period")
                .where(SQLColumn("member_id", table: "o"), .in, SQLBind.group(chunk)).where(SQLColumn("period", table: "o"), .in, SQLBind.group(window))
                .groupBy(SQLColumn("member_id", table: "o")).groupBy(SQLColumn("period", table: "o")).all(decoding: Sale.self) {
                directSales[s.member_id, default: []].append(s)
            }
        }
        let courses = try await CoursePass.query(on: db).filter(\.$member.$id == member.id!).filter(\.$passedAt < monthEnd(period)).count()
        let cases = try await ComplianceCase.query(on: db).filter(\.$member.$id == member.id!).filter(\.$closedAt == nil).count()
        return MemberValues(
            personal: byMonth(personal), team: byMonth(team),
            directs: directMembers.map { .init(active: $0.status == .active, personal: byMonth(directSales[$0.id!] ?? [])) },
            courses: courses, tenureMonths: max(0, Int(period.index - clock.period(of: member.joinedAt).index)), openCases: cases)
    }

    struct Progress {
        var next: String?
        var measures: [Measure]
        var keep: [Measure]
    }

    /// How far `member` is from the next tier, and from keeping theirs, this month so far.
    func progress(of member: Member) async throws -> Progress? {
        guard let (_, ladder) = try await current() else { return nil }
        let v = try await values(of: member, period: clock.currentPeriod, months: ladder.monthsNeeded)
        let next = ladder.progress(tier: member.tier, v)
        return Progress(next: next?.tier, measures: next?.measures ?? [], keep: ladder.keeping(tier: member.tier, v))
    }

    // MARK: The monthly evaluation

    struct Stored: Codable {
        var kind: String
        var target: Int64
        var months: Int
        var actual: Int64
        var met: Bool
    }

    static func encode(_ measures: [Measure]) -> String {
        let stored = measures.map { Stored(kind: $0.criterion.kind.rawValue, target: $0.criterion.target, months: $0.criterion.months, actual: $0.actual, met: $0.met) }
        return String(decoding: (try? JSONEncoder().encode(stored)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func decode(_ text: String) -> [Stored] { (try? JSONDecoder().decode([Stored].self, from: Data(text.utf8))) ?? [] }

    /// Evaluates every active member for `period` (a month that has ended) and proposes the changes the
    /// ladder calls for. Done once per month: a finished month is returned as it is; a run that was
    /// killed resumes after the last batch it committed. Nil when no ladder is published.
    func evaluate(period: Period, batch size: Int = PromotionService.batch,
                  afterBatch: (@Sendable () async throws -> Void)? = nil) async throws -> PromotionEvaluation? {
        guard period < clock.currentPeriod else { throw Refusal(key: "promotion_error_period", values: ["period": period.description]) }
        guard let (version, ladder) = try await current() else { return nil }
        let key = period.description
        let evaluation: PromotionEvaluation
        if let e = try await PromotionEvaluation.query(on: db).filter(\.$period == key).first() {
            if e.status == .done { return e }
            evaluation = e
        } else {
            let e = PromotionEvaluation()
            e.period = key
            e.ladderID = version.id!
            e.status = .running
            e.cursor = 0
            e.evaluated = 0
            e.proposed = 0
            e.startedAt = clock.now()
            do { try await e.create(on: db) } catch {
                // Another instance started the same month at the same moment: let it run.
                if let other = try await PromotionEvaluation.query(on: db).filter(\.$period == key).first() { return other }
                throw error
            }
            evaluation = e
        }
        // A resumed run keeps the ladder it started with.
        let used = evaluation.ladderID == version.id ? ladder
            : try JSONDecoder().decode(Ladder.self, from: Data(try await LadderVersion.find(evaluation.ladderID, on: db)!.body.utf8))
        let roster = try await roster(period: period, months: used.monthsNeeded)
        var start = roster.ids.firstIndex { $0 > evaluation.cursor } ?? roster.ids.count
        while start < roster.ids.count {
            let end = min(roster.ids.count, start + size)
            var proposals: [PromotionProposal] = []
            var evaluated = 0
            for i in start..<end where roster.values.active[i] {
                evaluated += 1
                guard let p = used.decide(member: i, tier: roster.tiers[i], roster.values.values(of: i)) else { continue }
                let row = PromotionProposal()
                row.period = key
                row.$member.id = roster.ids[i]
                row.fromTier = p.from
                row.toTier = p.to
                row.move = p.move.rawValue
                row.measures = Self.encode(p.measures)
                row.status = .pending
                row.note = ""
                proposals.append(row)
            }
            let cursor = roster.ids[end - 1], done = end == roster.ids.count, now = clock.now()
            let batch = proposals, counted = evaluated
            try await db.transaction { db in
                try await BatchInsert.insert(batch, on: db)
                evaluation.cursor = cursor
                evaluation.evaluated += counted
                evaluation.proposed += batch.count
                if done {
                    evaluation.status = .done
                    evaluation.finishedAt = now
                }
                try await evaluation.save(on: db)
                await FaultPoint.reach("promotion-batch-written")
            }
            try await afterBatch?()
            start = end
        }
        if evaluation.status != .done {
            evaluation.status = .done
            evaluation.finishedAt = clock.now()
            try await evaluation.save(on: db)
        }
        try await lapse()
        return evaluation
    }

    /// Removes a month's evaluation and its proposals, to evaluate it again: refused once one of them
    /// has been decided.
    func forget(_ period: Period) async throws {
        let key = period.description
        if try await PromotionProposal.query(on: db).filter(\.$period == key).filter(\.$status ~~ [.approved, .rejected]).count() > 0 {
            throw Refusal(key: "promotion_error_decided", values: ["period": key])
        }
        try await db.transaction { db in
            try await PromotionProposal.query(on: db).filter(\.$period == key).delete()
            try await PromotionEvaluation.query(on: db).filter(\.$period == key).delete()
        }
    }

    /// Proposals of months before last that nobody decided lapse: a proposal is for the month after the
    /// one evaluated, and that month has passed.
    @discardableResult
    func lapse() async throws -> Int {
        let last = clock.currentPeriod.previous.description
        let stale = try await PromotionProposal.query(on: db).filter(\.$status == .pending).filter(\.$period < last).count()
        if stale > 0 {
            try await PromotionProposal.query(on: db).filter(\.$status == .pending).filter(\.$period < last).set(\.$status, to: .lapsed).update()
        }
        return stale
    }

    // MARK: Decisions

    /// Approves or rejects proposals; each is decided once (a second decision of the same proposal,
    /// by anyone, changes nothing). An approval changes the member's tier now, so the month it is
    /// approved in (the month after the evaluated one) is settled with the new tier and earlier months
    /// with the old (their snapshot). Returns how many were decided.
    func decide(_ ids: [Int], approve: Bool, note: String, by actor: Actor, allowed: @escaping @Sendable (Member) -> Bool) async throws -> Int {
        try await lapse()
        let open = clock.currentPeriod.previous.description
        var decided = 0
        for chunk in stride(from: 0, to: ids.count, by: 200).map({ Array(ids[$0..<min(ids.count, $0 + 200)]) }) {
            decided += try await db.transaction { db in
                let sql = db.sql
                var count = 0
                let now = clock.now()
                for p in try await PromotionProposal.query(on: db).filter(\.$id ~~ chunk).filter(\.$status == .pending).filter(\.$period == open).with(\.$member).all() {
                    let member = p.member
                    guard allowed(member) else { continue }
                    if approve && member.tier != p.fromTier { continue }
                    let to: PromotionProposal.Status = approve ? .approved : .rejected
                    let won = try await sql.raw("""
                        UPDATE promotion_proposals SET status = \(bind: to.rawValue), decided_by = \(bind: actor.name),
                        decided_at = \(bind: now), note = \(bind: note) WHERE id = \(bind: p.id!) AND status = \(bind: PromotionProposal.Status.pending.rawValue) RETURNING id
                        """).all()
                    guard won.count == 1 else { continue }
                    count += 1
                    if approve {
                        try await TierChanges.apply(member, to: p.toTier, reason: p.move, proposal: p.id, by: actor, at: now, on: db)
                    }
                    try await Audit.record(on: db, at: now, actor: actor, action: approve ? "approve" : "reject", entity: "promotion", id: "\(p.id!)",
                                           before: ["member": member.code, "tier": p.fromTier, "status": p.status.rawValue],
                                           after: ["member": member.code, "tier": approve ? p.toTier : p.fromTier, "status": to.rawValue, "note": note])
                }
                return count
            }
        }
        return decided
    }
}

/// A change of tier, wherever it comes from: the snapshot the months before must still see, the
/// member's new tier, the kept record with its reason, a notice to the member and, for a promotion,
/// the praise wall. Runs in the caller's transaction.
enum TierChanges {
    static func apply(_ member: Member, to tier: String, reason: String, proposal: Int?, by actor: Actor, at now: Date, on db: any Database) async throws {
        let from = member.tier
        guard from != tier else { return }
        try await MemberSnapshot(of: member, until: now).create(on: db)
        member.tier = tier
        try await member.save(on: db)
        try await record(member, from: from, reason: reason, proposal: proposal, by: actor, at: now, on: db)
    }

    /// The record, notice and wall post of a tier already changed on `member` (from `from`).
    static func record(_ member: Member, from: String, reason: String, proposal: Int?, by actor: Actor, at now: Date, on db: any Database) async throws {
        let change = TierChange()
        change.$member.id = member.id!
        change.fromTier = from
        change.toTier = member.tier
        change.reason = reason
        change.proposalID = proposal
        change.by = actor.name
        change.at = now
        try await change.create(on: db)
        let stamp = "\(member.code):\(member.tier):\(Int(now.timeIntervalSince1970))"
        try await Notices.tell(member.id!, message: "notice_tier_changed", values: ["from_key": "tier_\(from)", "to_key": "tier_\(member.tier)"],
                               link: SiteURL.promotion(), event: "tier:\(stamp)", at: now, on: db)
        if let a = Tiers.ids.firstIndex(of: from), let b = Tiers.ids.firstIndex(of: member.tier), b > a {
            try await PraiseWall.announce(.promotion, message: "wall_promotion",
                                          values: ["member": "\(member.name) (\(member.code))", "tier_key": "tier_\(member.tier)"],
                                          about: member.id, link: SiteURL.wall(), event: "promotion:\(stamp)", at: now, on: db)
        }
    }
}
