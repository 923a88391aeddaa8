import Fluent
import Foundation
import JiliCore

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
    /// end of the month (undoing the changes made since, from their snapshots).
    func input(for plan: Plan, period: Period) async throws -> SettlementInput {
        var input = SettlementInput()
        let members = try await Member.query(on: db).sort(\.$id).all()
        let clock = PlanClock(timeZone: plan.timeZone)
        let monthEnd = Date(timeIntervalSince1970: Double(clock.instant(fromWall: CivilDate.days(year: period.next.year, month: period.next.month, day: 1) * 86_400)))
        // For each member, the earliest snapshot that was still true at the month's end.
        var asOf: [Int: MemberSnapshot] = [:]
        for s in try await MemberSnapshot.query(on: db).filter(\.$validUntil >= monthEnd).sort(\.$validUntil).all() where asOf[s.memberID] == nil {
            asOf[s.memberID] = s
        }
        for m in members {
            if let s = asOf[m.id!] {
                m.$sponsor.id = s.sponsorID
                m.tier = s.tier
                m.status = s.status
            }
        }
        var index: [Int: Int32] = [:]
        for m in members {
            guard let tier = plan.tierIndex(m.tier) else { throw UnknownTier(member: m.code, tier: m.tier) }
            index[m.id!] = Int32(input.members.ids.count)
            input.members.ids.insert(m.code)
            input.members.names.append(m.name)
            input.members.tier.append(Int32(tier))
            input.members.active.append(m.status == "active")
        }
        let sponsors = members.map { m in m.$sponsor.id.flatMap { index[$0] } ?? -1 }
        guard let forest = TeamForest.build(sponsor: sponsors).forest else { throw UnknownTier(member: "?", tier: "cycle") }
        input.members.forest = forest

        let orders = try await Order.query(on: db).sort(\.$id).all()
        var orderIndex: [Int: Int32] = [:]
        for o in orders {
            guard let seller = index[o.$member.id] else { continue }
            let instant = Int64(o.paidAt.timeIntervalSince1970.rounded(.down))
            orderIndex[o.id!] = Int32(input.orders.ids.count)
            input.orders.ids.insert(o.code)
            input.orders.seller.append(seller)
            input.orders.period.append(clock.period(ofInstant: instant).index)
            input.orders.instant.append(instant)
            input.orders.amount.append(o.amountFen)
            input.orders.cost.append(o.costFen)
            input.orders.category.append(o.category.map { input.categories.insert($0).index } ?? -1)
        }
        for r in try await Refund.query(on: db).sort(\.$id).all() {
            guard let order = orderIndex[r.$order.id] else { continue }
            input.refunds.ids.append(r.code)
            input.refunds.order.append(order)
            input.refunds.period.append(clock.period(ofInstant: Int64(r.refundedAt.timeIntervalSince1970.rounded(.down))).index)
            input.refunds.amount.append(r.amountFen)
        }
        return input
    }
}
