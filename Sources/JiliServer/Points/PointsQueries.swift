import Fluent
import Foundation

/// The reads of points, the rewards catalogue and profit sharing that pages and the API share.
struct PointsQueries {
    let db: any Database

    /// A member's points movements, newest first (`oldestFirst` for the API), at most `limit`.
    func movements(of member: Member, oldestFirst: Bool = false, limit: Int? = nil) async throws -> [PointsMovementRow] {
        var q = PointsMovementRow.query(on: db).filter(\.$member.$id == member.id!).sort(\.$id, oldestFirst ? .ascending : .descending)
        if let limit { q = q.limit(limit) }
        return try await q.all()
    }
    func rules() async throws -> [PointsRule] { try await PointsRule.query(on: db).all() }

    // Rewards

    /// What can be redeemed, cheapest first.
    func catalogue() async throws -> [RewardItem] { try await RewardItem.query(on: db).filter(\.$active == true).sort(\.$price).all() }
    func item(_ id: Int?) async throws -> RewardItem? { try await RewardItem.find(id, on: db) }
    /// A member's redemptions with their items, newest first (`oldestFirst` for the API).
    func redemptions(of member: Member, oldestFirst: Bool = false, limit: Int? = nil) async throws -> [Redemption] {
        var q = Redemption.query(on: db).filter(\.$member.$id == member.id!).with(\.$item).with(\.$member).sort(\.$id, oldestFirst ? .ascending : .descending)
        if let limit { q = q.limit(limit) }
        return try await q.all()
    }
    func redemption(_ id: Int?) async throws -> Redemption? {
        try await Redemption.query(on: db).filter(\.$id == (id ?? -1)).with(\.$item).with(\.$member).first()
    }
    /// Redemptions waiting for a step, oldest first: a manager's scope's, or everyone's.
    func redemptionsWaiting(in scope: MemberScope?) async throws -> [Redemption] {
        var query = Redemption.query(on: db).filter(\.$status ~~ [.requested, .approved]).join(Member.self, on: \Redemption.$member.$id == \Member.$id)
        if let scope { query = scope.apply(joined: query) }
        return try await query.with(\.$item).with(\.$member).sort(\.$id).limit(200).all()
    }

    // Profit sharing

    /// The latest pools, with how many members share each.
    func pools() async throws -> [(pool: ProfitPool, members: Int)] {
        var out: [(ProfitPool, Int)] = []
        for p in try await ProfitPool.query(on: db).sort(\.$id, .descending).limit(50).all() {
            out.append((p, try await ProfitShare.query(on: db).filter(\.$pool.$id == p.id!).count()))
        }
        return out
    }
    /// A member's installments, by due month, with their shares and pools.
    func installments(of member: Member) async throws -> [ProfitInstallment] {
        try await ProfitInstallment.query(on: db).filter(\.$member.$id == member.id!).with(\.$share) { $0.with(\.$pool) }.sort(\.$due).all()
    }
}
