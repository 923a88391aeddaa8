import Fluent
import Foundation

/// A member's question about a line of their statement, and how it was answered: by an explanation,
/// or by an adjustment posted to the ledger in the open month.
final class Dispute: Model, @unchecked Sendable {
    static let schema = "disputes"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "member_code") var memberCode: String
    @Field(key: "period") var period: String
    @Field(key: "rule") var rule: String
    @Field(key: "message") var message: String
    /// The statement line asked about, as the member read it; none for a question about a whole rule.
    @OptionalField(key: "line") var line: String?
    @Field(key: "status") var status: Status
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "answered_by") var answeredBy: String?
    @Field(key: "adjustment_fen") var adjustmentFen: Int64
    @Field(key: "created_at") var createdAt: Date

    init() {}

    /// Open until answered: with an explanation, or with an adjustment paid next run.
    enum Status: String, StoredStatus {
        case open, explained, adjusted
    }
}
