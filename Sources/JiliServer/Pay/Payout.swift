import Fluent
import Foundation

/// A payout batch: the transfers paid together, each with its WeChat Pay or bank reference.
final class PayoutBatch: Model, @unchecked Sendable {
    static let schema = "payout_batches"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "created_by") var createdBy: String
    /// What the transfers pay before tax (the members' payables settled).
    @Field(key: "total_fen") var totalFen: Int64
    /// Whether individual income tax on 劳务报酬 was withheld from the transfers.
    @Field(key: "withholds_tax") var withholdsTax: Bool
    @Children(for: \.$batch) var transfers: [PayoutTransfer]

    init() {}
}

final class PayoutTransfer: Model, @unchecked Sendable {
    static let schema = "payout_transfers"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "batch_id") var batch: PayoutBatch
    @Field(key: "member_code") var memberCode: String
    /// Before tax: what the member's payable is reduced by.
    @Field(key: "amount_fen") var amountFen: Int64
    /// Individual income tax withheld (劳务报酬 pre-withholding); the member receives amount − tax.
    @Field(key: "tax_fen") var taxFen: Int64
    /// The part of the amount that is not income and is not taxed: approved study claims (报销) paid back.
    @Field(key: "untaxed_fen") var untaxedFen: Int64
    /// `2026-11`, the month paid in, in the team's time zone: one month's payments are taxed together.
    @Field(key: "month") var month: String
    /// The WeChat Pay or bank transfer reference; empty until recorded.
    @Field(key: "reference") var reference: String

    init() {}

    var netFen: Int64 { amountFen - taxFen }
}
