import Fluent
import Foundation

/// An item of the rewards catalogue (兑换): what it is, its points price, and its stock — units
/// reserved by open redemptions and deducted when handed over. Cash, privileges and leave have no stock.
final class RewardItem: Model, @unchecked Sendable {
    static let schema = "reward_items"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    /// `product` (from the product catalogue), `prize` (electronics, travel), `cash`, `privilege`, `leave`.
    @Field(key: "kind") var kind: String
    @Field(key: "description") var text: String
    @Field(key: "price") var price: Int64
    /// Units in stock (nil: no stock is kept) and units reserved by redemptions not yet handed over.
    @OptionalField(key: "stock") var stock: Int?
    @Field(key: "reserved") var reserved: Int
    @Field(key: "needs_approval") var needsApproval: Bool
    @OptionalParent(key: "product_id") var product: Product?
    /// Cash paid through the ledger (fen), leave days, or the privilege's days.
    @Field(key: "cash_fen") var cashFen: Int64
    @Field(key: "days") var days: Int
    /// A privilege that seats its holder first at training sessions while it lasts.
    @Field(key: "training_priority") var trainingPriority: Bool
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Units that can still be redeemed (nil: no limit).
    var available: Int? { stock.map { $0 - reserved } }
}

/// A member's redemption: its points (lot by lot, so that cancelling gives back exactly these) and
/// where it stands — `requested` (waiting for approval), `approved`, `handed_over`, `cancelled`, `declined`.
final class Redemption: Model, @unchecked Sendable {
    static let schema = "redemptions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Parent(key: "item_id") var item: RewardItem
    @Field(key: "points") var points: Int64
    /// The lots the points came from: `[[lot, points], …]` as JSON.
    @Field(key: "parts") var parts: String
    @Field(key: "status") var status: Status
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "handed_by") var handedBy: String?
    @OptionalField(key: "handed_at") var handedAt: Date?

    init() {}

    /// Requested (when the item needs approval), approved, handed over; declined or cancelled give the points back.
    enum Status: String, StoredStatus {
        case requested, approved, declined, handedOver = "handed_over", cancelled
    }
}
