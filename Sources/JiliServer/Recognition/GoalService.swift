import Fluent
import Foundation
import JiliCore
import SQLKit

/// Goals: set one by one, from a CSV, or as "+N % on last month" for a group; progress measured
/// from the orders. Every change is audited.
struct GoalService {
    let db: any Database
    let clock: JiliClock

    enum Scope: String, CaseIterable { case member, subtree, department, team }
    /// What a goal counts: net sales, orders, new customers, or a counted activity (`activity:training`).
    enum Metric: Hashable {
        case volume, orders, new_customers
        case activity(String)

        init?(rawValue: String) {
            switch rawValue {
            case "volume": self = .volume
            case "orders": self = .orders
            case "new_customers": self = .new_customers
            default:
                guard rawValue.hasPrefix("activity:"), ActivityService.isCode(String(rawValue.dropFirst(9))) else { return nil }
                self = .activity(String(rawValue.dropFirst(9)))
            }
        }

        var rawValue: String {
            switch self {
            case .volume: "volume"
            case .orders: "orders"
            case .new_customers: "new_customers"
            case .activity(let code): "activity:\(code)"
            }
        }
    }

    /// What a goal is about, checked: the scope with its member or department.
    struct Subject {
        var scope: Scope
        var member: Member?
        var department: Department?

        var keyPart: String {
            switch scope {
            case .member, .subtree: return "\(scope.rawValue):\(member!.id!)"
            case .department: return "department:\(department!.id!)"
            case .team: return "team"
            }
        }
    }

    /// A target typed on a form or in a file: yuan for volume, a whole number otherwise, above 0.
    static func target(_ text: String, metric: Metric) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        switch metric {
        case .volume:
            guard case .success(let fen) = FixedPoint.parse(t, scale: 2), fen > 0, fen <= OrderService.maximumFen else { return nil }
            return fen
        case .orders, .new_customers, .activity:
            guard let n = Int64(t), n > 0, n <= 1_000_000_000 else { return nil }
            return n
        }
    }

    /// Sets (or changes the target of) a goal for a month, a quarter or a year.
    @discardableResult
    func set(_ subject: Subject, window w: GoalWindow, metric: Metric, target: Int64, by actor: Actor, on db: (any Database)? = nil) async throws -> Goal {
        let db = db ?? self.db
        guard target > 0 else { throw Refusal(key: "goal_error_target", values: ["value": "\(target)"]) }
        if case .activity(let code) = metric, try await ActivityKind.query(on: db).filter(\.$code == code).first() == nil {
            throw Refusal(key: "goal_error_metric")
        }
        let key = "\(subject.keyPart):\(w):\(metric.rawValue)"
        let now = clock.now()
        let existing = try await Goal.query(on: db).filter(\.$key == key).first()
        let goal = existing ?? Goal()
        let before = existing.map { ["target": "\($0.target)"] }
        goal.scope = subject.scope.rawValue
        goal.$member.id = subject.member?.id
        goal.$department.id = subject.department?.id
        goal.period = w.description
        goal.metric = metric.rawValue
        goal.target = target
        goal.key = key
        if existing == nil {
            goal.createdBy = actor.name
            goal.createdAt = now
        }
        try await goal.save(on: db)
        try await Audit.record(on: db, at: now, actor: actor, action: existing == nil ? "create" : "update", entity: "goal", id: key,
                               before: before, after: ["target": "\(target)"])
        return goal
    }

    /// What a scope did on a metric over a window's months (net of refunds for volume).
    func actual(scope: Scope, member: Member?, departmentID: Int?, window: GoalWindow, metric: Metric) async throws -> Int64 {
        let sql = db.sql
        let months = window.months.map(\.description)
        var q: SQLSelectBuilder = switch metric {
        case .volume: SalesSQL.inMonths(SalesSQL.orders(sql, measure: .volume), months)
        case .orders: SalesSQL.inMonths(SalesSQL.orders(sql, measure: .orders), months)
        case .new_customers: SalesSQL.inMonths(SalesSQL.orders(sql, measure: .newCustomers), months)
        case .activity(let kind): ActivityService.total(sql, kind: kind, months: months)
        }
        switch scope {
        case .member: q = q.where(SQLColumn("id", table: "m"), .equal, SQLBind(member?.id ?? -1))
        case .subtree: q = q.where(SQLColumn("path", table: "m"), .like, SQLBind((member?.path ?? "/none/") + "%"))
        case .department: q = q.where(SQLColumn("department_id", table: "m"), .equal, SQLBind(departmentID ?? -1))
        case .team: break
        }
        return try await q.first()?.decode(column: "n", as: Int64.self) ?? 0
    }

    func progress(_ goal: Goal) async throws -> GoalProgress {
        guard let scope = Scope(rawValue: goal.scope), let metric = Metric(rawValue: goal.metric), let window = GoalWindow(parsing: goal.period) else {
            return GoalProgress(actual: 0, target: goal.target)
        }
        let member = try await goal.$member.get(on: db)
        let done = try await actual(scope: scope, member: member, departmentID: goal.$department.id, window: window, metric: metric)
        return GoalProgress(actual: done, target: goal.target)
    }

    /// "+N % on last month" for a group: each member of the group gets a goal for `window` of what
    /// they did in the window before, raised by `percent` (rounded up to the yuan or the unit), at
    /// least `minimum`. Members who did nothing before get the minimum. One transaction.
    func raise(members: [Member], window: GoalWindow, metric: Metric, percent: Int64, minimum: Int64, by actor: Actor) async throws -> Int {
        guard (-100...1000).contains(percent) else { throw Refusal(key: "goal_error_percent", values: ["value": "\(percent)"]) }
        guard minimum > 0 else { throw Refusal(key: "goal_error_target", values: ["value": "\(minimum)"]) }
        let before = GoalWindow(kind: window.kind, lastMonth: window.months.first!.previous)
        var targets: [(Member, Int64)] = []
        for m in members {
            let done = try await actual(scope: .member, member: m, departmentID: nil, window: before, metric: metric)
            let raised = done <= 0 ? 0 : (done * (100 + percent) + 99) / 100
            let unit: Int64 = metric == .volume ? 100 : 1
            targets.append((m, max(minimum, (raised + unit - 1) / unit * unit)))
        }
        let chosen = targets
        try await db.transaction { db in
            for (m, target) in chosen {
                try await set(Subject(scope: .member, member: m), window: window, metric: metric, target: target, by: actor, on: db)
            }
        }
        return targets.count
    }

    /// Tells members who reached a goal of theirs (member goals of the windows that hold this month
    /// or last month), once per goal. The job runs it daily.
    func tellReached() async throws -> Int {
        let current = clock.currentPeriod
        var windows = Set<String>()
        for month in [current, current.previous] {
            for kind in WindowKind.allCases { windows.insert(GoalWindow.holding(month, kind: kind).description) }
        }
        var told = 0
        let activities = Dictionary(try await ActivityKind.query(on: db).all().map { ("activity:\($0.code)", $0.name) }, uniquingKeysWith: { a, _ in a })
        for goal in try await Goal.query(on: db).filter(\.$scope == "member").filter(\.$period ~~ Array(windows)).all() {
            guard let memberID = goal.$member.id else { continue }
            let event = "goal:\(goal.key):\(goal.target)"
            guard try await Notice.query(on: db).filter(\.$event == event).first() == nil, try await progress(goal).reached else { continue }
            var values = ["period": goal.period, "metric": goal.metric,
                          "target": goal.metric == "volume" ? Money(fen: goal.target).description : "\(goal.target)"]
            // A counted activity's name is the team's own, not the catalogue's: it travels with the notice.
            if let name = activities[goal.metric] { values["activity"] = name }
            try await Notices.tell(memberID, message: "notice_goal", values: values,
                                   link: SiteURL.goals(query: ["period": goal.period]), event: event, at: clock.now(), on: db)
            told += 1
        }
        return told
    }
}
