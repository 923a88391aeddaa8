import Fluent
import Foundation

/// A profit-sharing pool (分红) of a quarter or a year: how it was sized, how it is split, over how many
/// months it vests, and the figures it was computed from (kept as they were).
final class ProfitPool: Model, @unchecked Sendable {
    static let schema = "profit_pools"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    /// `2026-Q3` or `2026`.
    @Field(key: "window") var window: String
    @Field(key: "basis") var basis: Basis
    @Field(key: "rate_bp") var rateBasisPoints: Int64
    @Field(key: "fixed_fen") var fixedFen: Int64
    @Field(key: "weight") var weight: Weight
    /// Tier ids that share, comma-separated.
    @Field(key: "tiers") var tiers: String
    @Field(key: "vesting_months") var vestingMonths: Int
    @Field(key: "sales_fen") var salesFen: Int64
    @Field(key: "cost_fen") var costFen: Int64
    @Field(key: "pay_fen") var payFen: Int64
    @Field(key: "total_fen") var totalFen: Int64
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// How a pool is sized: a rate of profit (sales − cost − pay), or a fixed sum.
    enum Basis: String, StoredStatus { case profit, fixed }
    /// How a pool is split: by tier rank, by months since joining, or by net sales over the window.
    enum Weight: String, StoredStatus { case tier, tenure, performance }
}

/// A member's share of a pool, with the weight it was split by.
final class ProfitShare: Model, @unchecked Sendable {
    static let schema = "profit_shares"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "pool_id") var pool: ProfitPool
    @Parent(key: "member_id") var member: Member
    @Field(key: "weight") var weight: Int64
    @Field(key: "share_fen") var shareFen: Int64

    init() {}
}

/// A part of a share due in a month: `pending`, then `paid` into the ledger, or `forfeited` by a
/// member who has left.
final class ProfitInstallment: Model, @unchecked Sendable {
    static let schema = "profit_installments"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "share_id") var share: ProfitShare
    @Parent(key: "member_id") var member: Member
    @Field(key: "due") var due: String
    @Field(key: "amount_fen") var amountFen: Int64
    @Field(key: "status") var status: Status
    @OptionalField(key: "settled_at") var settledAt: Date?

    init() {}

    /// Pending until due; paid, or forfeited by a member who has left.
    enum Status: String, StoredStatus {
        case pending, paid, forfeited
    }
}
