import Fluent
import Foundation

/// What the team reimburses of study costs in a calendar year, to whom: one member (`member:m10`), the
/// members of a tier (`agent`), or everyone else (empty). The most particular applies. Without any
/// limit, study claims cannot be made.
final class StudyLimit: Model, @unchecked Sendable {
    static let schema = "study_limits"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "scope") var scope: String
    @Field(key: "yearly_fen") var yearlyFen: Int64
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A claim for a study expense (报销学习费用) with its receipt. `submitted` → the member's manager
/// approves (`manager_approved`) → finance approves (`approved`: the amount is owed to the member in
/// the ledger and paid with the next payout). Either may refuse (`refused`, with the reason); the
/// member may withdraw it until finance has decided (`withdrawn`).
final class StudyClaim: Model, @unchecked Sendable {
    static let schema = "study_claims"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    /// `course`, `conference`, `book` or `other`.
    @Field(key: "kind") var kind: String
    @Field(key: "title") var title: String
    /// The day of the expense (`yyyy-MM-dd`); its year is the year whose limit the claim counts in.
    @Field(key: "spent_on") var spentOn: String
    @Field(key: "year") var year: Int
    @Field(key: "amount_fen") var amountFen: Int64
    /// The stored receipt's random name (a photo or a PDF).
    @Field(key: "receipt") var receipt: String
    @OptionalParent(key: "event_id") var event: IndustryEvent?
    @Field(key: "status") var status: Status
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "manager_by") var managerBy: String?
    @OptionalField(key: "manager_at") var managerAt: Date?
    @OptionalField(key: "manager_account") var managerAccount: Int?
    @OptionalField(key: "finance_by") var financeBy: String?
    @OptionalField(key: "finance_at") var financeAt: Date?
    @OptionalField(key: "refused_by") var refusedBy: String?
    @OptionalField(key: "refused_at") var refusedAt: Date?
    @Field(key: "note") var note: String

    init() {}

    /// Submitted, approved by the manager, approved (paid with the next payout), refused or withdrawn.
    enum Status: String, StoredStatus {
        case submitted, managerApproved = "manager_approved", approved, refused, withdrawn
    }
}

/// An external industry event (行业会议) members may apply to attend.
final class IndustryEvent: Model, @unchecked Sendable {
    static let schema = "industry_events"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "organizer") var organizer: String
    @Field(key: "place") var place: String
    /// `yyyy-MM-dd`.
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    /// The last day to apply.
    @Field(key: "apply_by") var applyBy: String
    @Field(key: "link") var link: String
    @Field(key: "summary") var summary: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A member's application to attend an industry event: `requested` → `approved` or `declined`
/// (`withdrawn` by the member before the event). After the event, whoever approves records whether
/// the member attended; attending counts as training (a `training` activity on the event's first day).
final class EventApplication: Model, @unchecked Sendable {
    static let schema = "event_applications"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "event_id") var event: IndustryEvent
    @Parent(key: "member_id") var member: Member
    @Field(key: "reason") var reason: String
    @Field(key: "status") var status: Status
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "note") var note: String
    @OptionalField(key: "attended") var attended: Bool?

    init() {}

    /// Requested until the manager approves or declines; withdrawn by the member.
    enum Status: String, StoredStatus {
        case requested, approved, declined, withdrawn
    }
}
