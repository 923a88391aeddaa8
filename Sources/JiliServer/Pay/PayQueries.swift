import Fluent
import Foundation
import SQLKit
import Vapor

/// The reads of pay — plan versions, runs, statements, disputes, payouts — that its pages and its API
/// share.
struct PayQueries {
    let db: any Database

    // Plan versions and runs

    /// Every version, newest first (`oldestFirst` for the API's list).
    func versions(oldestFirst: Bool = false) async throws -> [PlanVersion] {
        try await PlanVersion.query(on: db).sort(\.$id, oldestFirst ? .ascending : .descending).all()
    }
    func version(_ id: Int?) async throws -> PlanVersion? { try await PlanVersion.find(id, on: db) }
    /// Every run, by month (`newestFirst` for the page).
    func runs(newestFirst: Bool = false) async throws -> [PayRun] {
        try await PayRun.query(on: db).sort(\.$period, newestFirst ? .descending : .ascending).all()
    }
    func run(_ period: String) async throws -> PayRun? { try await PayRun.query(on: db).filter(\.$period == period).first() }
    /// A run's result document (``RunTexts/documents``).
    func document(of run: PayRun) async throws -> String {
        guard let row = try await db.sql.select().column("result").from(RunTexts.documents).where("run_id", .equal, run.id!).first() else {
            throw Abort(.notFound)
        }
        return try row.decode(column: "result", as: String.self)
    }
    /// A run's stored breakdown (JSON; empty for a run written before they were stored).
    func review(of run: PayRun) async throws -> String? {
        if let text = run.$review.value { return text }
        return try await PayRun.query(on: db).filter(\.$id == run.id!).field(\.$id).field(\.$review).first()?.review
    }
    /// How many members a run pays.
    func membersPaid(by run: PayRun) async throws -> Int { try await PayRunMember.query(on: db).filter(\.$run.$id == run.id!).count() }
    /// A month's run once approved (a statement exists only then).
    func approvedRun(_ period: String) async throws -> PayRun? {
        try await PayRun.query(on: db).filter(\.$period == period).filter(\.$status == .approved).first()
    }
    /// The approved months, newest first.
    func approvedMonths() async throws -> [String] {
        try await PayRun.query(on: db).filter(\.$status == .approved).field(\.$id).field(\.$period).sort(\.$period, .descending).all().map(\.period)
    }
    /// What a member earned in each of the latest approved months (at most `months`), oldest first;
    /// a month that paid them nothing is 0. Read from the runs' member lines by their index.
    func income(of code: String, months: Int) async throws -> [(period: String, fen: Int64)] {
        struct Row: Decodable { let period: String; let fen: Int64 }
        let rows = try await db.sql.raw("""
            SELECT r.period, COALESCE(m.total_fen, 0) AS fen FROM \(ident: PayRun.schema) r
            LEFT JOIN \(ident: PayRunMember.schema) m ON m.run_id = r.id AND m.member_code = \(bind: code)
            WHERE r.status = \(bind: PayRun.Status.approved.rawValue) ORDER BY r.period DESC LIMIT \(literal: months)
            """).all(decoding: Row.self)
        return rows.reversed().map { ($0.period, $0.fen) }
    }
    /// Every run's cost and sales by month, oldest first (the run review's cost ratio over months).
    func costs() async throws -> [(period: String, totalFen: Int64, salesFen: Int64)] {
        try await PayRun.query(on: db).field(\.$id).field(\.$period).field(\.$totalFen).field(\.$salesFen).sort(\.$period).all()
            .map { ($0.period, $0.totalFen, $0.salesFen) }
    }
    /// What a run pays a member (their line's total alone), or nil when it has no line for them.
    func lineTotal(of run: PayRun, member code: String) async throws -> Int64? {
        try await PayRunMember.query(on: db).filter(\.$run.$id == run.id!).filter(\.$memberCode == code).field(\.$id).field(\.$totalFen).first()?.totalFen
    }

    // Disputes

    func dispute(_ id: Int?) async throws -> Dispute? { try await Dispute.find(id, on: db) }
    /// How many questions wait for an answer.
    func openDisputes() async throws -> Int { try await Dispute.query(on: db).filter(\.$status == .open).count() }
    /// The latest questions, newest first.
    func latestDisputes() async throws -> [Dispute] { try await Dispute.query(on: db).sort(\.$id, .descending).limit(200).all() }
    /// Every question, or one member's, oldest first.
    func disputes(of member: String?) async throws -> [Dispute] {
        var query = Dispute.query(on: db)
        if let member { query = query.filter(\.$memberCode == member) }
        return try await query.sort(\.$id).all()
    }
    func disputes(of member: String, period: String) async throws -> [Dispute] {
        try await Dispute.query(on: db).filter(\.$memberCode == member).filter(\.$period == period).sort(\.$id).all()
    }

    // Payouts

    /// Every batch with its transfers, newest first (`oldestFirst`, without transfers, for the API's list).
    func batches() async throws -> [PayoutBatch] { try await PayoutBatch.query(on: db).with(\.$transfers).sort(\.$id, .descending).all() }
    func batchesOldestFirst() async throws -> [PayoutBatch] { try await PayoutBatch.query(on: db).sort(\.$id).all() }
    func batch(_ id: Int?) async throws -> PayoutBatch? {
        try await PayoutBatch.query(on: db).filter(\.$id == (id ?? -1)).with(\.$transfers).first()
    }
    func transfer(_ id: Int?) async throws -> PayoutTransfer? { try await PayoutTransfer.find(id, on: db) }
    /// The transfers paid in a month (`2026-11`): the month's 劳务报酬, taxed together.
    func transfers(month: String) async throws -> [PayoutTransfer] {
        try await PayoutTransfer.query(on: db).filter(\.$month == month).sort(\.$id).all()
    }
    /// The months something was paid in, newest first.
    func payoutMonths() async throws -> [String] {
        struct Row: Decodable { let month: String }
        return try await db.sql.raw("SELECT DISTINCT month FROM payout_transfers ORDER BY month DESC").all(decoding: Row.self).map(\.month)
    }

    /// A member's transfers in the payout batches entered in the ledger after this month's approval and
    /// before the next month's (in the order posted), with their batches.
    func transfers(following run: PayRun, member code: String) async throws -> [PayoutTransfer] {
        guard let from = try await JournalEntry.query(on: db).filter(\.$source == "pay_run:\(run.period)").first() else { return [] }
        var entries = JournalEntry.query(on: db).filter(\.$kind == "payout").filter(\.$id > from.id!)
        if let next = try await PayRun.query(on: db).filter(\.$status == .approved).filter(\.$period > run.period).sort(\.$period).first(),
           let until = try await JournalEntry.query(on: db).filter(\.$source == "pay_run:\(next.period)").first() {
            entries = entries.filter(\.$id < until.id!)
        }
        let batches = try await entries.all().compactMap { Int($0.source.dropFirst("payout:".count)) }
        guard !batches.isEmpty else { return [] }
        return try await PayoutTransfer.query(on: db).filter(\.$batch.$id ~~ batches).filter(\.$memberCode == code).with(\.$batch).sort(\.$id).all()
    }

    // Payees

    func payee(of member: Member) async throws -> Payee? { try await Payee.query(on: db).filter(\.$member.$id == member.id!).first() }
    /// The payee details of members by code (those who have given them).
    func payees(codes: [String]) async throws -> [String: Payee] {
        var out: [String: Payee] = [:]
        for chunk in Array(Set(codes)).chunked(500) {
            for p in try await Payee.query(on: db).join(Member.self, on: \Payee.$member.$id == \Member.$id).filter(Member.self, \.$code ~~ chunk).all() {
                out[try p.joined(Member.self).code] = p
            }
        }
        return out
    }
    /// The WeChat openids of members by code (the account they sign in with), for 转账到零钱.
    func openIDs(codes: [String]) async throws -> [String: String] {
        var out: [String: String] = [:]
        for chunk in Array(Set(codes)).chunked(500) {
            for a in try await Account.query(on: db).join(Member.self, on: \Account.$member.$id == \Member.$id).filter(Member.self, \.$code ~~ chunk).all() {
                if let openID = a.wechatOpenID { out[try a.joined(Member.self).code] = openID }
            }
        }
        return out
    }
}
