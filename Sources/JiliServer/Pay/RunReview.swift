import Fluent
import Foundation
import JiliCore
import SQLKit

/// What finance reviews before approving a month: totals per rule, per department and per team
/// (each line under the top of the tree), the change from the month before, and the adjustments
/// posted to the ledger while the month was open (answers to disputes), which the run itself does
/// not hold.
struct RunReview {
    struct Group: Equatable {
        var label: String
        var amount: Int64
        var members: Int
    }

    struct Change: Equatable {
        var label: String
        var before: Int64
        var after: Int64
    }

    struct Adjustment: Equatable {
        var at: Date
        var source: String
        var member: String
        var amount: Int64
    }

    var byRule: [Change]
    var byDepartment: [Group]
    var byTeam: [Group]
    /// The month before's run, when there is one.
    var previousPeriod: String?
    var previousTotal: Int64?
    var adjustments: [Adjustment]
    var adjustmentsTotal: Int64 { adjustments.reduce(0) { $0 + $1.amount } }

    /// `adjustedLabel` marks the adjustments of earlier months per rule (`retail (adjustment)`);
    /// `noDepartment` names the members outside the org chart.
    static func load(_ run: PayRun, on db: any Database, adjustedLabel: String, noDepartment: String) async throws -> RunReview {
        let result = try RunResult.read(run)
        let previousPeriod = Period(parsing: run.period)?.previous.description ?? ""
        let previous = try await PayRun.query(on: db).filter(\.$period == previousPeriod).first()
        let before = try previous.map { try RunResult.read($0) }

        func byRule(_ r: RunResult?) -> [String: Int64] {
            var out: [String: Int64] = [:]
            for m in r?.members ?? [] {
                for (rule, amount) in m.rules { out[rule, default: 0] += amount }
                for (rule, amount) in m.adjustments { out[rule + adjustedLabel, default: 0] += amount }
            }
            return out
        }
        let now = byRule(result), then = byRule(before)
        let rules = Set(now.keys).union(then.keys).sorted().map { Change(label: $0, before: then[$0] ?? 0, after: now[$0] ?? 0) }

        // Departments and teams: one read of code, path and department of every member.
        struct Row: Decodable {
            var code: String
            var name: String
            var path: String
            var department_id: Int?
        }
        var people: [String: Row] = [:]
        var byID: [String: Row] = [:]
        var departments: [Int: String] = [:]
        let sql = db.sql
        for row in try await sql.select().columns("id", "code", "name", "path", "department_id").from(Member.schema).all() {
            let r = try row.decode(model: Row.self)
            people[r.code] = r
            byID[String(try row.decode(column: "id", as: Int.self))] = r
        }
        for d in try await Department.query(on: db).all() { departments[d.id!] = d.name }
        var department: [String: Group] = [:]
        var team: [String: Group] = [:]
        for m in result.members where m.total != 0 {
            let person = people[m.member]
            let d = person?.department_id.flatMap { departments[$0] } ?? noDepartment
            department[d, default: Group(label: d, amount: 0, members: 0)].amount += m.total
            department[d]!.members += 1
            // The team is the line the member belongs to: the second member of their path (the
            // first under the top), or the top member itself.
            let ids = person?.path.split(separator: "/").map(String.init) ?? []
            let head = ids.count >= 2 ? byID[ids[1]] : person
            let t = head.map { "\($0.name) (\($0.code))" } ?? m.member
            team[t, default: Group(label: t, amount: 0, members: 0)].amount += m.total
            team[t]!.members += 1
        }
        let order: (Group, Group) -> Bool = { $0.amount != $1.amount ? $0.amount > $1.amount : $0.label < $1.label }

        // Adjustments posted while the month was open: after the ledger entry of the approval of
        // the month before it (or ever, when there is none) and, once approved, before its own.
        // Entries are ordered by id, the order they were posted in.
        let opened = try await PayRun.query(on: db).filter(\.$status == .approved).filter(\.$period < run.period)
            .sort(\.$period, .descending).first()
        var entries = JournalEntry.query(on: db).filter(\.$kind ~~ ["adjustment", "prize"]).with(\.$lines)
        if let opened, let from = try await JournalEntry.query(on: db).filter(\.$source == "pay_run:\(opened.period)").first() {
            entries = entries.filter(\.$id > from.id!)
        }
        if run.status == .approved, let until = try await JournalEntry.query(on: db).filter(\.$source == "pay_run:\(run.period)").first() {
            entries = entries.filter(\.$id < until.id!)
        }
        let adjustments = try await entries.sort(\.$id).all().flatMap { e in
            e.lines.filter { $0.account.hasPrefix("payable:") }.map {
                Adjustment(at: e.at, source: e.source, member: String($0.account.dropFirst("payable:".count)), amount: -$0.amountFen)
            }
        }
        return RunReview(byRule: rules, byDepartment: department.values.sorted(by: order), byTeam: team.values.sorted(by: order),
                         previousPeriod: previous?.period, previousTotal: previous?.totalFen, adjustments: adjustments)
    }
}
