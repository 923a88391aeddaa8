import Fluent
import Foundation
import JiliCore
import SQLKit

/// The earning rules applied (the daily job, idempotent): for each rule, what each event of this
/// and last month is worth now — an order's net sales, a goal reached, a prized contest rank, a
/// praise on the wall, a count of an activity — against what its lots hold. Missing points are
/// earned (within the rule's monthly cap), points no longer due are taken back (a refund, a praise
/// hidden, a count lowered): what was spent already becomes debt that later earnings repay. An
/// event is worth nothing rather than absent when it is undone, so its points are always reconciled.
struct PointsEarning {
    let db: any Database
    let clock: JiliClock

    /// What an event is worth: for whom, its source, the points, and why.
    struct Due {
        let memberID: Int
        let source: String
        let points: Int64
        let reason: PointsLedger.Reason
    }

    static let triggers = ["sales", "goal", "contest", "praise"]

    /// Applies every active rule; returns how many lots were earned and how many events taken back.
    /// (Expiry is ``PointsLedger/expireDue()``.)
    func run() async throws -> (earned: Int, reversed: Int) {
        let ledger = PointsLedger(db: db, clock: clock)
        var earned = 0, reversed = 0
        let month = clock.currentPeriod
        for rule in try await PointsRule.query(on: db).filter(\.$active == true).all() {
            let due = try await dues(rule, months: [month.previous, month])
            // What the rule's lots hold now, by member and event (a top-up `source#2` counts with its event).
            var held: [String: (points: Int64, sources: [String])] = [:]
            var thisMonth: [Int: Int64] = [:]
            let events = Array(Set(due.map(\.source)))
            for chunk in stride(from: 0, to: events.count, by: 500) {
                let part = Array(events[chunk..<min(events.count, chunk + 500)])
                for lot in try await PointsLotRow.query(on: db).filter(\.$rule == rule.trigger).filter(\.$event ~~ part).sort(\.$id).all() {
                    let key = "\(lot.$member.id)\u{1}\(lot.event)"
                    held[key, default: (0, [])].points += lot.amount - lot.reversed - lot.reversedAsDebt
                    held[key, default: (0, [])].sources.append(lot.source)
                }
            }
            // This month's points from the rule, by member, for its cap.
            let monthStart = PlanClock(timeZone: clock.timeZone).instant(fromWall: Int64(CivilDate.days(year: month.year, month: month.month, day: 1)) * 86_400)
            for lot in try await PointsLotRow.query(on: db).filter(\.$rule == rule.trigger)
                .filter(\.$earnedAt >= Date(timeIntervalSince1970: Double(monthStart))).all() {
                thisMonth[lot.$member.id, default: 0] += lot.amount
            }
            // Per member: what to earn and what to take back.
            var earnings: [Int: [PointsLedger.Earning]] = [:]
            var reversals: [Int: [PointsLedger.Reversal]] = [:]
            for d in due {
                let have = held["\(d.memberID)\u{1}\(d.source)"] ?? (0, [])
                if d.points > have.points {
                    let allowed = PointsCap.allowed(d.points - have.points, earnedThisMonth: thisMonth[d.memberID] ?? 0, cap: rule.monthlyCap)
                    guard allowed > 0 else { continue }
                    thisMonth[d.memberID, default: 0] += allowed
                    let source = have.sources.isEmpty ? d.source : "\(d.source)#\(have.sources.count + 1)"
                    earnings[d.memberID, default: []].append(.init(source: source, rule: rule.trigger, points: allowed, validDays: rule.validDays, reason: d.reason))
                } else if d.points < have.points {
                    let why = PointsLedger.Reason(key: "points_reason_undone", values: d.reason.values.merging(["why_key": d.reason.key]) { a, _ in a })
                    reversals[d.memberID, default: []].append(.init(sources: have.sources, points: have.points - d.points, reason: why))
                }
            }
            // Two hundred members to a transaction.
            let members = Array(Set(earnings.keys).union(reversals.keys)).sorted()
            for chunk in stride(from: 0, to: members.count, by: 200) {
                var work: [Int: (earn: [PointsLedger.Earning], reverse: [PointsLedger.Reversal])] = [:]
                for m in members[chunk..<min(members.count, chunk + 200)] { work[m] = (earnings[m] ?? [], reversals[m] ?? []) }
                earned += try await ledger.settle(work)
                reversed += work.values.reduce(0) { $0 + $1.reverse.count }
            }
        }
        return (earned, reversed)
    }

    /// What each event of `months` is worth under `rule`.
    func dues(_ rule: PointsRule, months: [Period]) async throws -> [Due] {
        let sql = db.sql
        let names = months.map(\.description)
        switch rule.trigger {
        case "sales":
            guard rule.unitFen > 0 else { return [] }
            // The window's orders, and older ones refunded since it began (their points are taken back too).
            let start = PlanClock(timeZone: clock.timeZone).instant(fromWall: Int64(CivilDate.days(year: months[0].year, month: months[0].month, day: 1)) * 86_400)
            let rows = try await sql.select().column("member_id").column("code").column(SQLRaw("amount_fen - refunded_fen"), as: "net").from("orders")
                .where("period", .in, SQLBind.group(names))
                .orWhere(SQLQueryString("id IN (SELECT order_id FROM refunds WHERE refunded_at >= \(bind: Date(timeIntervalSince1970: Double(start))))"))
                .all()
            return try rows.map { r in
                let code = try r.decode(column: "code", as: String.self)
                let net = try r.decode(column: "net", as: Int64.self)
                return Due(memberID: try r.decode(column: "member_id", as: Int.self), source: "order:\(code)", points: max(0, net) / rule.unitFen * rule.points,
                           reason: .init(key: "points_reason_sales", values: ["order": code, "amount": Money(fen: max(0, net)).description]))
            }
        case "goal":
            var out: [Due] = []
            let goals = GoalService(db: db, clock: clock)
            var windows = Set<String>()
            for month in months { for kind in WindowKind.allCases { windows.insert(GoalWindow.holding(month, kind: kind).description) } }
            for goal in try await Goal.query(on: db).filter(\.$scope == "member").filter(\.$period ~~ Array(windows)).all() {
                guard let member = goal.$member.id, try await goals.progress(goal).reached else { continue }
                out.append(Due(memberID: member, source: "goal:\(goal.key)", points: rule.points,
                               reason: .init(key: "points_reason_goal", values: ["period": goal.period])))
            }
            return out
        case "contest":
            var out: [Due] = []
            for c in try await Contest.query(on: db).filter(\.$status == .frozen).with(\.$prizes).with(\.$teams, { $0.with(\.$member) }).all()
                where c.frozenAt.map({ months.contains(clock.period(of: $0)) }) ?? false {
                let prized = Set(c.prizes.map(\.rank))
                for r in try await ContestResult.query(on: db).filter(\.$contest.$id == c.id!).all() where prized.contains(r.rank) {
                    let code: String? = c.kind == "individual" ? r.subject : c.teams.first { "subtree:\($0.member.code)" == r.subject }?.member.code
                    guard let code, let m = try await Member.query(on: db).filter(\.$code == code).first() else { continue }
                    out.append(Due(memberID: m.id!, source: "contest:\(c.id!)", points: rule.points,
                                   reason: .init(key: "points_reason_contest", values: ["contest": c.name, "rank": "\(r.rank)"])))
                }
            }
            return out
        case "praise":
            let start = PlanClock(timeZone: clock.timeZone).instant(fromWall: Int64(CivilDate.days(year: months[0].year, month: months[0].month, day: 1)) * 86_400)
            return try await WallPost.query(on: db).filter(\.$kind == .praise).filter(\.$createdAt >= Date(timeIntervalSince1970: Double(start))).all()
                .compactMap { p in
                    guard let member = p.$member.id, p.$author.id != nil else { return nil }
                    return Due(memberID: member, source: "praise:\(p.id!)", points: p.hiddenAt == nil ? rule.points : 0,
                               reason: .init(key: "points_reason_praise", values: ["author": p.authorLabel]))
                }
        default:
            guard rule.trigger.hasPrefix("activity:") else { return [] }
            let kind = String(rule.trigger.dropFirst(9))
            let name = try await ActivityKind.query(on: db).filter(\.$code == kind).first()?.name ?? kind
            return try await Activity.query(on: db).filter(\.$kind == kind).filter(\.$period ~~ names).all().map {
                Due(memberID: $0.$member.id, source: "activity:\($0.id!)", points: Int64($0.count) * rule.points,
                    reason: .init(key: "points_reason_activity", values: ["activity": name, "day": $0.day, "count": "\($0.count)"]))
            }
        }
    }
}
