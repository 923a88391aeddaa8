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
/// in force; a draft can be computed again, an approved run never changes.
final class PayRun: Model, @unchecked Sendable {
    static let schema = "pay_runs"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "period") var period: String
    @Parent(key: "plan_version_id") var planVersion: PlanVersion
    @Field(key: "status") var status: Status
    @Field(key: "total_fen") var totalFen: Int64
    @Field(key: "sales_fen") var salesFen: Int64
    /// The engine's result document without explanations (each member's explained line is a
    /// `PayRunMember`).
    @Field(key: "result") var result: String
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
    /// A query of runs that reads every column but the result document (several megabytes at
    /// 100,000 members): what pages and checks that show or test a run's figures read. The document
    /// is read by ``RunResult/read(_:on:)`` when it is needed.
    static func figures(on db: any Database) -> QueryBuilder<PayRun> {
        query(on: db).field(\.$id).field(\.$period).field(\.$planVersion.$id).field(\.$status).field(\.$totalFen).field(\.$salesFen)
            .field(\.$review).field(\.$computedAt).field(\.$approvedAt).field(\.$approvedBy).field(\.$approvalID)
    }

    /// A draft computed before its month ended: an estimate, which is approved only once computed again.
    func isEstimate(_ clock: JiliClock) -> Bool {
        status == .draft && (Period(parsing: period).map { computedAt < clock.start(of: $0.next) } ?? false)
    }

    /// What an approval's preview was made from: when the draft was computed and its total. The
    /// confirmation carries it back, and a draft computed again since is not approved unseen.
    var fingerprint: String { "\(Int64((computedAt.timeIntervalSince1970 * 1000).rounded()))-\(totalFen)" }
}

/// One member's line of a run, with its explanations (the compact JSON of the result's member
/// line): what a statement reads, without reading the whole month.
final class PayRunMember: Model, @unchecked Sendable {
    static let schema = "pay_run_members"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "run_id") var run: PayRun
    @Field(key: "member_code") var memberCode: String
    @Field(key: "total_fen") var totalFen: Int64
    @Field(key: "line") var line: String
    /// The line as a statement page shows it, when its rules have more sources than a page shows
    /// (``RunLines/pageLine(_:_:)``); empty otherwise.
    @Field(key: "page_line") var pageLine: String

    init() {}
}
