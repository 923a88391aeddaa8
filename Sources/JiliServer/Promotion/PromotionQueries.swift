import Fluent
import Foundation
import JiliCore

/// The reads of promotion — proposals, evaluations, tier changes, compliance cases — that its pages and
/// its API share.
struct PromotionQueries {
    let db: any Database

    /// The month's pending proposals `account` may decide: everyone's for the leader and the operations
    /// director, a manager's scope without themselves. The scope is in the query, so that a manager deep
    /// in a large team finds theirs among tens of thousands.
    func decidable(_ account: Account, me: Member?, period: String) -> QueryBuilder<PromotionProposal> {
        var q = PromotionProposal.query(on: db).filter(\.$period == period).filter(\.$status == .pending)
            .join(Member.self, on: \PromotionProposal.$member.$id == \Member.$id)
        switch account.roleValue {
        case .leader, .director: break
        case .salesManager, .departmentManager:
            if let scope = Permissions.memberScope(account, member: me) { q = scope.apply(joined: q) } else { q = q.filter(\.$id == -1) }
            if let me { q = q.filter(Member.self, \.$id != me.id!) }
        default: q = q.filter(\.$id == -1)
        }
        return q
    }
    func decidableCount(_ account: Account, me: Member?, period: String) async throws -> Int {
        try await decidable(account, me: me, period: period).count()
    }
    func decidableIDs(_ account: Account, me: Member?, period: String) async throws -> [Int] {
        try await decidable(account, me: me, period: period).all(\.$id)
    }
    /// A page of them, with their members, by id.
    func decidable(_ account: Account, me: Member?, period: String, range: Range<Int>) async throws -> [PromotionProposal] {
        try await decidable(account, me: me, period: period).sort(\.$id).range(range).with(\.$member).all()
    }
    /// The month's decided proposals, latest first.
    func decided(period: String) async throws -> [PromotionProposal] {
        try await PromotionProposal.query(on: db).filter(\.$period == period).filter(\.$status != .pending)
            .sort(\.$decidedAt, .descending).limit(500).with(\.$member).all()
    }
    /// The ladder in force: the latest published version.
    func ladder() async throws -> (version: LadderVersion, ladder: Ladder)? {
        guard let v = try await LadderVersion.query(on: db).sort(\.$id, .descending).first() else { return nil }
        return (v, try JSONDecoder().decode(Ladder.self, from: Data(v.body.utf8)))
    }
    func evaluation(period: String) async throws -> PromotionEvaluation? {
        try await PromotionEvaluation.query(on: db).filter(\.$period == period).first()
    }
    /// A member's tier changes, latest first.
    func tierChanges(of member: Member) async throws -> [TierChange] {
        try await TierChange.query(on: db).filter(\.$member.$id == member.id!).sort(\.$id, .descending).all()
    }
    func complianceCase(_ id: Int, of member: Member) async throws -> ComplianceCase? {
        try await ComplianceCase.query(on: db).filter(\.$id == id).filter(\.$member.$id == member.id!).first()
    }
}
