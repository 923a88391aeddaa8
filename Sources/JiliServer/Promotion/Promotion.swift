import Fluent
import Foundation

/// A published version of the promotion ladder: the JSON of JiliCore's `Ladder`. The newest applies;
/// the older ones stay for the record (an evaluation names the version it used).
final class LadderVersion: Model, @unchecked Sendable {
    static let schema = "ladder_versions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "body") var body: String
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// The evaluation of one month (`2026-11`): members are evaluated in batches of ids, `cursor` the last
/// id done, so that a killed run resumes where it stopped; once `done`, running it again does nothing.
final class PromotionEvaluation: Model, @unchecked Sendable {
    static let schema = "promotion_evaluations"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "period") var period: String
    @Field(key: "ladder_id") var ladderID: Int
    @Field(key: "status") var status: Status
    @Field(key: "cursor") var cursor: Int
    @Field(key: "evaluated") var evaluated: Int
    @Field(key: "proposed") var proposed: Int
    @Field(key: "started_at") var startedAt: Date
    @OptionalField(key: "finished_at") var finishedAt: Date?

    init() {}

    /// A month's evaluation: running, then done.
    enum Status: String, StoredStatus {
        case running, done
    }
}

/// A proposed change of tier from an evaluation, with the measures behind it (JSON). Approved during
/// the month after the one evaluated, it takes effect for that month; not decided by its end, it lapses.
final class PromotionProposal: Model, @unchecked Sendable {
    static let schema = "promotion_proposals"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "period") var period: String
    @Parent(key: "member_id") var member: Member
    @Field(key: "from_tier") var fromTier: String
    @Field(key: "to_tier") var toTier: String
    @Field(key: "move") var move: String
    @Field(key: "measures") var measures: String
    @Field(key: "status") var status: Status
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "note") var note: String

    init() {}

    /// Pending until decided; lapsed when its month has passed undecided.
    enum Status: String, StoredStatus {
        case pending, approved, rejected, lapsed
    }
}

/// Every change of a member's tier, with why: `promotion` or `demotion` (an approved proposal, whose
/// measures are the reason) or `manual` (changed on the member's page).
final class TierChange: Model, @unchecked Sendable {
    static let schema = "tier_changes"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Field(key: "from_tier") var fromTier: String
    @Field(key: "to_tier") var toTier: String
    @Field(key: "reason") var reason: String
    @OptionalField(key: "proposal_id") var proposalID: Int?
    @Field(key: "by") var by: String
    @Field(key: "at") var at: Date

    init() {}
}

/// An open compliance case (夸大宣传, 价格违规…) against a member: while one is open, a ladder criterion
/// `clean` is not met.
final class ComplianceCase: Model, @unchecked Sendable {
    static let schema = "compliance_cases"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "member_id") var member: Member
    @Field(key: "summary") var summary: String
    @Field(key: "opened_by") var openedBy: String
    @Field(key: "opened_at") var openedAt: Date
    @OptionalField(key: "closed_by") var closedBy: String?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @Field(key: "resolution") var resolution: String

    init() {}
}
