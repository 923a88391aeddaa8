import Fluent
import Foundation
import JiliCore

/// Titles: defined by the leader, given by hand with a reason, or by their rule in the daily job —
/// 进步之星 to the member whose personal sales grew most over the month before (at least the title's
/// least volume, and something sold the month before; ties share it), a milestone to everyone whose
/// total sales reach it. Each award is one honor (its key makes the job idempotent), told to the member.
struct TitleService {
    let db: any Database
    let clock: JiliClock
    static let rules = ["manual", "progress_star", "milestone"]

    /// A title: given by hand (`manual`) or by a rule with a threshold in fen; its privilege lasts `days`.
    func define(name: String, icon: String, rule: String, thresholdFen: Int64, privilege: String, days d: Int, trainingPriority: Bool = false,
                by actor: Actor) async throws -> Title {
        let title = name.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 40 else { throw Refusal(key: "title_error_name", field: "name") }
        guard Self.rules.contains(rule) else { throw Refusal(key: "title_error_rule", field: "rule") }
        let fen = rule == "manual" ? 0 : thresholdFen
        guard rule == "manual" || fen > 0 else { throw Refusal(key: "title_error_threshold", values: ["value": Money(fen: fen).description], field: "threshold") }
        guard (0...3650).contains(d) else { throw Refusal(key: "title_error_days", values: ["value": "\(d)"], field: "days") }
        let t = Title()
        t.name = title
        t.icon = String(icon.trimmingCharacters(in: .whitespaces).prefix(4)).isEmpty ? "★" : String(icon.trimmingCharacters(in: .whitespaces).prefix(4))
        t.rule = rule
        t.threshold = fen
        t.privilege = privilege.trimmingCharacters(in: .whitespaces)
        t.privilegeDays = d
        t.trainingPriority = trainingPriority && !t.privilege.isEmpty
        t.createdAt = clock.now()
        try await db.transaction { db in
            try await t.create(on: db)
            try await Audit.record(on: db, at: t.createdAt, actor: actor, action: "create", entity: "title", id: "\(t.id!)", before: nil,
                                   after: ["name": title, "rule": rule])
        }
        return t
    }

    /// Gives a title; nothing when the member holds it for this occasion already (`occasion` makes the key).
    @discardableResult
    func give(_ title: Title, to member: Member, occasion: String, value: Int64 = 0, reason: String, by actor: Actor, on db: (any Database)? = nil) async throws -> Bool {
        let db = db ?? self.db
        let key = "title:\(title.id!):\(occasion):\(member.code)"
        guard try await Honor.query(on: db).filter(\.$key == key).first() == nil else { return false }
        let now = clock.now()
        let h = Honor()
        h.kind = "title"
        h.window = occasion
        h.$member.id = member.id!
        h.rank = 1
        h.value = value
        h.key = key
        h.awardedAt = now
        h.$title.id = title.id
        h.reason = reason
        h.privilegeUntil = title.privilege.isEmpty || title.privilegeDays == 0 ? nil : now.addingTimeInterval(Double(title.privilegeDays) * 86_400)
        try await h.create(on: db)
        try await Notices.tell(member.id!, message: "notice_title", values: ["title": title.name, "icon": title.icon], link: SiteURL.member(member.code),
                               event: key, at: now, on: db)
        try await PraiseWall.announce(.title, message: "wall_title_given", values: ["member": "\(member.name) (\(member.code))", "title": title.name, "icon": title.icon],
                                      about: member.id, link: SiteURL.titles(), event: key, at: now, on: db)
        try await Audit.record(on: db, at: now, actor: actor, action: "give", entity: "title", id: key, before: nil, after: ["reason": reason])
        return true
    }

    /// By hand (the leader): a reason is required.
    func grant(_ title: Title, to member: Member, reason: String, by actor: Actor) async throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, why.count <= 500 else { throw Refusal(key: "title_error_reason") }
        let occasion = clock.format(clock.now(), "yyyy-MM-dd")
        try await db.transaction { db in
            _ = try await give(title, to: member, occasion: occasion, reason: why, by: actor, on: db)
        }
    }

    /// A nomination for a title given by hand: the reason is required; it waits for the leader.
    func nominate(_ title: Title, member: Member, reason: String, by actor: Actor) async throws -> TitleNomination {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard title.rule == "manual" else { throw Refusal(key: "title_error_title") }
        guard !why.isEmpty, why.count <= 500 else { throw Refusal(key: "title_error_reason") }
        let n = TitleNomination()
        n.$title.id = title.id!
        n.$member.id = member.id!
        n.reason = why
        n.nominatedBy = actor.name
        n.status = .pending
        n.createdAt = clock.now()
        try await db.transaction { db in
            try await n.create(on: db)
            try await Audit.record(on: db, at: n.createdAt, actor: actor, action: "nominate", entity: "title_nomination", id: "\(n.id!)", before: nil,
                                   after: ["title": title.name, "member": member.code, "reason": why])
        }
        return n
    }

    /// The leader's decision: confirmed gives the title with the nomination's reason; either way once
    /// (a conditional update), audited.
    func decide(_ nomination: TitleNomination, confirm: Bool, by actor: Actor) async throws {
        let now = clock.now()
        try await db.transaction { db in
            // Decided already (a second click, another leader): refused. The title itself could not be
            // given twice anyway: its key is the nomination's.
            guard try await TitleNomination.find(nomination.id, on: db)?.status == .pending else { throw Refusal(key: "title_error_decided") }
            try await TitleNomination.query(on: db).filter(\.$id == nomination.id!).filter(\.$status == .pending)
                .set(\.$status, to: confirm ? .confirmed : .declined).set(\.$decidedBy, to: actor.name).update()
            guard let n = try await TitleNomination.query(on: db).filter(\.$id == nomination.id!).with(\.$title).with(\.$member).first(),
                  n.decidedBy == actor.name, n.status == (confirm ? .confirmed : .declined) else {
                throw Refusal(key: "title_error_decided")
            }
            if confirm {
                let occasion = "nomination-\(n.id!)"
                _ = try await give(n.title, to: n.member, occasion: occasion, reason: n.reason, by: actor, on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: confirm ? "confirm" : "decline", entity: "title_nomination", id: "\(n.id!)",
                                   before: ["status": TitleNomination.Status.pending.rawValue], after: ["status": n.status.rawValue])
        }
    }

    /// The job: every rule title for last month (进步之星) or now (milestones). Idempotent.
    func run() async throws -> Int {
        var given = 0
        let last = clock.currentPeriod.previous
        let champions = ChampionService(db: db, clock: clock)
        for title in try await Title.query(on: db).filter(\.$rule != "manual").all() {
            switch title.rule {
            case "progress_star":
                let now = try await champions.sales(GoalWindow(kind: .month, lastMonth: last))
                let before = Dictionary(uniqueKeysWithValues: try await champions.sales(GoalWindow(kind: .month, lastMonth: last.previous)).map { ($0.code, $0.value) })
                var growth: [(id: String, value: Int64)] = []
                var ids: [String: Int] = [:]
                for s in now where s.value >= title.threshold {
                    guard let g = Ranking.growth(from: before[s.code] ?? 0, to: s.value) else { continue }
                    growth.append((s.code, g))
                    ids[s.code] = s.id
                }
                let winners = Ranking.rank(growth).filter { $0.rank == 1 && $0.value > 0 }.map { (id: ids[$0.id]!, value: $0.value) }
                given += try await db.transaction { db in
                    var count = 0
                    for w in winners {
                        guard let member = try await Member.find(w.id, on: db) else { continue }
                        if try await give(title, to: member, occasion: last.description, value: w.value, reason: "", by: .system, on: db) { count += 1 }
                    }
                    return count
                }
            case "milestone":
                // Total net sales of every active member (all months), those at the milestone given it once.
                let months = try await Order.query(on: db).unique().all(\.$period)
                guard let first = months.min(), let start = Period(parsing: first) else { continue }
                let span = Int(clock.currentPeriod.index - start.index) + 1
                var totals: [String: (id: Int, value: Int64)] = [:]
                for back in 0..<span {
                    for s in try await champions.sales(GoalWindow(kind: .month, lastMonth: Period(index: clock.currentPeriod.index - Int32(back)))) {
                        totals[s.code, default: (s.id, 0)].value += s.value
                    }
                }
                let reached = totals.values.filter { $0.value >= title.threshold }
                given += try await db.transaction { db in
                    var count = 0
                    for t in reached {
                        guard let member = try await Member.find(t.id, on: db) else { continue }
                        if try await give(title, to: member, occasion: "milestone", value: t.value, reason: "", by: .system, on: db) { count += 1 }
                    }
                    return count
                }
            default: break
            }
        }
        return given
    }
}
