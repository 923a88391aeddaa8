import Fluent
import Foundation
import JiliCore

/// A version of an incentive plan: its JSON (the settlement contract's plan format), from which
/// month it is in force, and whether it is a draft, active or retired. An active version is never
/// edited: a change is a new version from a later month.
final class PlanVersion: Model, @unchecked Sendable {
    static let schema = "plan_versions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    @Field(key: "json") var json: String
    /// `2026-11`: the first month it pays (for an active version).
    @OptionalField(key: "effective_from") var effectiveFrom: String?
    @Field(key: "status") var status: Status
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
    init(name: String, json: String, createdBy: String, createdAt: Date) {
        self.name = name
        self.json = json
        self.status = .draft
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// A draft until activated from a month; retired when a later version replaces it from its first month.
    enum Status: String, StoredStatus {
        case draft, active, retired
    }
}

/// A month's settlement: computed from the database by the JiliCore engine under the plan version
/// in force; a draft can be computed again, an approved run never changes. Its result document is
/// in ``RunTexts/documents``.
final class PayRun: Model, @unchecked Sendable {
    static let schema = "pay_runs"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "period") var period: String
    @Parent(key: "plan_version_id") var planVersion: PlanVersion
    @Field(key: "status") var status: Status
    @Field(key: "total_fen") var totalFen: Int64
    @Field(key: "sales_fen") var salesFen: Int64
    /// What the run's review shows of the whole team (``RunReview/Breakdown``, JSON), written with it.
    @Field(key: "review") var review: String
    @Field(key: "computed_at") var computedAt: Date
    @OptionalField(key: "approved_at") var approvedAt: Date?
    @OptionalField(key: "approved_by") var approvedBy: String?
    /// Set by the approval that won: a conditional update tells exactly one approver it was them.
    @OptionalField(key: "approval_id") var approvalID: String?

    init() {}

    /// A draft until finance approves it; an approved month is closed.
    enum Status: String, StoredStatus {
        case draft, approved
    }
}

extension PayRun {
    /// A draft computed before its month ended: an estimate, which is approved only once computed again.
    func isEstimate(_ clock: JiliClock) -> Bool {
        status == .draft && (Period(parsing: period).map { computedAt < clock.start(of: $0.next) } ?? false)
    }

    /// What an approval's preview was made from: when the draft was computed and its total. The
    /// confirmation carries it back, and a draft computed again since is not approved unseen.
    var fingerprint: String { "\(Int64((computedAt.timeIntervalSince1970 * 1000).rounded()))-\(totalFen)" }
}

/// One member's line of a run: its total, and the line as a statement page shows it when it is
/// long. The line with every explanation is in ``RunTexts/lines``.
final class PayRunMember: Model, @unchecked Sendable {
    static let schema = "pay_run_members"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "run_id") var run: PayRun
    @Field(key: "member_code") var memberCode: String
    @Field(key: "total_fen") var totalFen: Int64
    /// The line as a statement page shows it, when its rules have more sources than a page shows
    /// (``RunLines/pageLine(_:_:)``); empty otherwise.
    @Field(key: "page_line") var pageLine: String

    init() {}
}

/// The texts of a run that take megabytes at 100,000 members, each in a table of its own: the
/// result document without explanations (one row a run) and every member's explained line (one
/// row a member). Kept out of the rows that pages read: SQLite stores a row's columns one after
/// another, and reading a column stored after a 12 MB document walks every page of it.
enum RunTexts {
    /// `run_id`, `result`.
    static let documents = "pay_run_documents"
    /// `run_id`, `member_code`, `line` (the compact JSON of the result's member line, with explanations).
    static let lines = "pay_run_lines"
}
