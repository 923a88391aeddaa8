import Fluent
import Foundation
import JiliCore

/// Goals from a CSV: `member_id,period,target` (the contract's goals file) with an optional `metric`
/// column (`volume` by default; targets in yuan for volume, whole numbers otherwise). All or
/// nothing, every problem with file and line; a goal that exists gets the new target.
extension ImportService {
    func goals(_ bytes: [UInt8], file: String, service: GoalService, by actor: Actor,
               allowed: (GoalService.Subject) -> Bool) async throws -> Outcome {
        var outcome = Outcome()
        let rows = self.rows(bytes, file: file, required: ["member_id", "period", "target"], optional: ["metric"], problems: &outcome.problems)
        let codes = Set(rows.compactMap { $0.fields["member_id"]?.trimmingCharacters(in: .whitespaces) })
        var members: [String: Member] = [:]
        for chunk in stride(from: 0, to: codes.count, by: 500) {
            let part = Array(codes)[chunk..<min(codes.count, chunk + 500)]
            for m in try await Member.query(on: db).filter(\.$code ~~ Array(part)).all() { members[m.code] = m }
        }
        var seen: [String: Int] = [:]
        var goals: [(GoalService.Subject, GoalWindow, GoalService.Metric, Int64)] = []
        for (line, f) in rows {
            func bad(_ key: String, _ values: [String: String] = [:]) { outcome.problems.append(problem(file, line, key, values)) }
            let code = (f["member_id"] ?? "").trimmingCharacters(in: .whitespaces)
            let member = members[code]
            if member == nil { bad("import_unknown_member", ["member": code]) }
            let window = GoalWindow(parsing: f["period"] ?? "")
            if window == nil { bad("goal_error_period", ["value": f["period"] ?? ""]) }
            let metricText = (f["metric"] ?? "").trimmingCharacters(in: .whitespaces)
            let metric = metricText.isEmpty ? .volume : GoalService.Metric(rawValue: metricText)
            if metric == nil { bad("goal_error_metric") }
            let target = metric.flatMap { GoalService.target(f["target"] ?? "", metric: $0) }
            if metric != nil, target == nil { bad(metric == .volume ? "goal_error_target" : "goal_error_count", ["value": f["target"] ?? ""]) }
            guard let member, let window, let metric, let target else { continue }
            let subject = GoalService.Subject(scope: .member, member: member)
            if !allowed(subject) { bad("goal_error_not_yours", ["member": code]); continue }
            let key = "\(code)\u{1}\(window)\u{1}\(metric.rawValue)"
            if let first = seen[key] { bad("goal_error_duplicate", ["member": code, "period": window.description, "first": "\(first)"]); continue }
            seen[key] = line
            goals.append((subject, window, metric, target))
        }
        guard outcome.ok, !goals.isEmpty else { return outcome }
        let chosen = goals
        try await db.transaction { db in
            for (subject, window, metric, target) in chosen {
                try await service.set(subject, window: window, metric: metric, target: target, by: actor, on: db)
            }
        }
        outcome.added = goals.count
        return outcome
    }
}
