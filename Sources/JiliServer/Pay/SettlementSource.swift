import Fluent
import Foundation
import JiliCore
import SQLKit

/// The engine's input built from the database: members with their sponsors, tiers and status,
/// orders and refunds placed on the plan's calendar. The app settles through JiliCore's engine with
/// this — there is no second implementation of any rule.
struct SettlementSource {
    let db: any Database

    struct UnknownTier: Error, CustomStringConvertible {
        var member: String
        var tier: String
        var description: String { "member \(member) has tier \"\(tier)\", which the plan does not name" }
    }

    /// The input for settling `period`: members' sponsors, tiers and status as they stood at the
    /// end of the month (undoing the changes made since, from their snapshots). Read as plain
    /// columns (no models): a million orders load in seconds.
    func input(for plan: Plan, period: Period) async throws -> SettlementInput {
        let sql = db.sql
        var input = SettlementInput()
        let clock = PlanClock(timeZone: plan.timeZone)
        let monthEnd = Date(timeIntervalSince1970: Double(clock.instant(fromWall: CivilDate.days(year: period.next.year, month: period.next.month, day: 1) * 86_400)))
        // For each member, the earliest snapshot that was still true at the month's end.
        var asOf: [Int: MemberSnapshot] = [:]
        for s in try await MemberSnapshot.query(on: db).filter(\.$validUntil >= monthEnd).sort(\.$validUntil).all() where asOf[s.memberID] == nil {
            asOf[s.memberID] = s
        }
        struct MemberRow: Decodable {
            var id: Int
            var code: String
            var name: String
            var sponsor_id: Int?
            var tier: String
            var status: MemberStatus
        }
        var members = try await sql.select().columns("id", "code", "name", "sponsor_id", "tier", "status").from(Member.schema)
            .orderBy("id").all(decoding: MemberRow.self)
        var index: [Int: Int32] = [:]
        index.reserveCapacity(members.count)
        for i in members.indices {
            if let s = asOf[members[i].id] {
                members[i].sponsor_id = s.sponsorID
                members[i].tier = s.tier
                members[i].status = s.status
            }
            let m = members[i]
            guard let tier = plan.tierIndex(m.tier) else { throw UnknownTier(member: m.code, tier: m.tier) }
            index[m.id] = Int32(input.members.ids.count)
            input.members.ids.insert(m.code)
            input.members.names.append(m.name)
            input.members.tier.append(Int32(tier))
            input.members.active.append(m.status == .active)
        }
        let sponsors = members.map { m in m.sponsor_id.flatMap { index[$0] } ?? -1 }
        guard let forest = TeamForest.build(sponsor: sponsors).forest else { throw UnknownTier(member: "?", tier: "cycle") }
        input.members.forest = forest

        // Member volume goals are the contract's goals file: the plan's goalBonus pays on them.
        for g in try await Goal.query(on: db).filter(\.$scope == "member").filter(\.$metric == "volume").all() {
            guard let id = g.$member.id, let member = index[id], let window = GoalWindow(parsing: g.period) else { continue }
            input.goals.append(.init(member: member, window: window, target: g.target))
        }

        struct OrderRow: Decodable {
            var id: Int
            var code: String
            var member_id: Int
            var paid_at: Date
            var amount_fen: Int64
            var cost_fen: Int64
            var category: String?
        }
        var orderIndex: [Int: Int32] = [:]
        for o in try await sql.select().columns("id", "code", "member_id", "paid_at", "amount_fen", "cost_fen", "category").from(Order.schema)
            .orderBy("id").all(decoding: OrderRow.self) {
            guard let seller = index[o.member_id] else { continue }
            let instant = Int64(o.paid_at.timeIntervalSince1970.rounded(.down))
            orderIndex[o.id] = Int32(input.orders.ids.count)
            input.orders.ids.insert(o.code)
            input.orders.seller.append(seller)
            input.orders.period.append(clock.period(ofInstant: instant).index)
            input.orders.instant.append(instant)
            input.orders.amount.append(o.amount_fen)
            input.orders.cost.append(o.cost_fen)
            input.orders.category.append(o.category.map { input.categories.insert($0).index } ?? -1)
        }
        struct RefundRow: Decodable {
            var code: String
            var order_id: Int
            var refunded_at: Date
            var amount_fen: Int64
        }
        for r in try await sql.select().columns("code", "order_id", "refunded_at", "amount_fen").from(Refund.schema)
            .orderBy("id").all(decoding: RefundRow.self) {
            guard let order = orderIndex[r.order_id] else { continue }
            input.refunds.ids.append(r.code)
            input.refunds.order.append(order)
            input.refunds.period.append(clock.period(ofInstant: Int64(r.refunded_at.timeIntervalSince1970.rounded(.down))).index)
            input.refunds.amount.append(r.amount_fen)
        }
        return input
    }
}
