import Fluent
import Foundation

/// A payout batch: the transfers paid together, each with its WeChat Pay or bank reference.
final class PayoutBatch: Model, @unchecked Sendable {
    static let schema = "payout_batches"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    @Field(key: "total_fen") var totalFen: Int64
    @Children(for: \.$batch) var transfers: [PayoutTransfer]

    init() {}
}

final class PayoutTransfer: Model, @unchecked Sendable {
    static let schema = "payout_transfers"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "batch_id") var batch: PayoutBatch
    @Field(key: "member_code") var memberCode: String
    @Field(key: "amount_fen") var amountFen: Int64
    /// The WeChat Pay or bank transfer reference; empty until recorded.
    @Field(key: "reference") var reference: String

    init() {}
}
