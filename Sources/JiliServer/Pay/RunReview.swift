import Fluent
import Foundation
import JiliCore
import SQLKit

/// What finance reviews before approving a month: totals per rule, per department and per team
/// (each line under the top of the tree), the change from the month before, and the adjustments
/// posted to the ledger while the month was open (answers to disputes), which the run itself does
/// not hold.
struct RunReview {
    struct Group: Codable, Equatable {
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
    var top: [Breakdown.Earner]
    var members: Int
    var paid: Int
    /// The month before's run, when there is one.
    var previousPeriod: String?
    var previousTotal: Int64?
    var adjustments: [Adjustment]
    var adjustmentsTotal: Int64 { adjustments.reduce(0) { $0 + $1.amount } }

    /// What the review shows of the whole team, computed once when the run is written (it reads
    /// every member's line, department and place in the tree) and stored with the run as JSON.
    struct Breakdown: Codable, Equatable {
        /// Per rule: this month's amounts, and the adjustments of earlier months.
        var rules: [String: Int64] = [:]
        var adjusted: [String: Int64] = [:]
        /// Per department ("" for the members outside the org chart) and per line under the top.
        var departments: [Group] = []
        var teams: [Group] = []
        /// The ten largest totals (member codes).
        var top: [Earner] = []
        /// The members with a line, and those the month pays anything (or takes back).
        var members = 0
        var paid = 0

        struct Earner: Codable, Equatable {
            var code: String
            var total: Int64
        }
    }

    /// One member's amounts in a run (the engine's line, or the stored document's).
    struct Amounts {
        var member: String
        var total: Int64
        var rules: [String: Int64]
        var adjustments: [String: Int64]
    }

    /// The breakdown of a run's amounts over the team as it is now.
    static func breakdown(_ amounts: [Amounts], on db: any Database) async throws -> Breakdown {
        var out = Breakdown(members: amounts.count, paid: amounts.filter { $0.total != 0 }.count)
        for m in amounts {
            for (rule, amount) in m.rules { out.rules[rule, default: 0] += amount }
            for (rule, amount) in m.adjustments { out.adjusted[rule, default: 0] += amount }
        }
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
        // By SQL, the columns of the time: M042 runs this on databases of every age.
        for row in try await sql.select().columns("id", "name").from(Department.schema).all() {
            departments[try row.decode(column: "id", as: Int.self)] = try row.decode(column: "name", as: String.self)
        }
        var department: [String: Group] = [:]
        var team: [String: Group] = [:]
        for m in amounts where m.total != 0 {
            let person = people[m.member]
            let d = person?.department_id.flatMap { departments[$0] } ?? ""
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
        out.departments = department.values.sorted(by: order)
        out.teams = team.values.sorted(by: order)
        out.top = amounts.sorted { $0.total != $1.total ? $0.total > $1.total : $0.member < $1.member }.prefix(10).map { Breakdown.Earner(code: $0.member, total: $0.total) }
        return out
    }

    /// A run's stored breakdown; a run written before they were stored is broken down from its document.
    static func breakdown(of run: PayRun, on db: any Database) async throws -> Breakdown {
        if let text = try await PayQueries(db: db).review(of: run), !text.isEmpty {
            return try JSONDecoder().decode(Breakdown.self, from: Data(text.utf8))
        }
        let result = try await RunResult.read(run, on: db)
        return try await breakdown(result.members.map { Amounts(member: $0.member, total: $0.total, rules: $0.rules, adjustments: $0.adjustments) }, on: db)
    }

    /// `adjustedLabel` marks the adjustments of earlier months per rule (`retail (adjustment)`);
    /// `noDepartment` names the members outside the org chart.
    static func load(_ run: PayRun, on db: any Database, adjustedLabel: String, noDepartment: String) async throws -> RunReview {
        let now = try await breakdown(of: run, on: db)
        let previousPeriod = Period(parsing: run.period)?.previous.description ?? ""
        let previous = try await PayRun.query(on: db).filter(\.$period == previousPeriod).first()
        var then = Breakdown()
        if let previous { then = try await breakdown(of: previous, on: db) }
        func byRule(_ b: Breakdown) -> [String: Int64] {
            var out = b.rules
            for (rule, amount) in b.adjusted { out[rule + adjustedLabel, default: 0] += amount }
            return out
        }
        let after = byRule(now), before = byRule(then)
        let rules = Set(after.keys).union(before.keys).sorted().map { Change(label: $0, before: before[$0] ?? 0, after: after[$0] ?? 0) }
        func named(_ g: [Group]) -> [Group] { g.map { Group(label: $0.label.isEmpty ? noDepartment : $0.label, amount: $0.amount, members: $0.members) } }

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
        return RunReview(byRule: rules, byDepartment: named(now.departments), byTeam: now.teams, top: now.top, members: now.members, paid: now.paid,
                         previousPeriod: previous?.period, previousTotal: previous?.totalFen, adjustments: adjustments)
    }
}
