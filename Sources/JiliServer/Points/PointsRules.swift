import Fluent
import Foundation
import JiliCore

/// The leader's earning rules, checked and audited: whole points above 0, a sales unit in yuan above
/// 0, an optional monthly cap above 0, an optional validity of 1 to 3,650 days.
struct PointsRules {
    let db: any Database
    let clock: JiliClock

    /// A rule as asked for: the points, the sales unit in fen (for `sales`), an optional monthly cap
    /// and an optional validity in days.
    struct Rule: Sendable {
        var points: Int64
        var unitFen: Int64 = 0
        var cap: Int64?
        var days: Int?
        var active: Bool
    }

    /// The rule form as typed; `parsed(trigger:)` names the first field that is wrong and repeats what was typed.
    struct Form: Sendable {
        var points: String
        var unitYuan: String
        var cap: String
        var days: String
        var active: Bool

        func parsed(trigger: String) throws -> Rule {
            let points = try FormValue.int(points, field: "points", refusal: "points_error_points")
            guard points > 0, points <= 1_000_000 else { throw Refusal(key: "points_error_points", values: ["value": self.points], field: "points") }
            var rule = Rule(points: Int64(points), active: active)
            if trigger == "sales" {
                let fen = try FormValue.fen(unitYuan, field: "unit", refusal: "points_error_unit")
                guard fen > 0, fen <= OrderService.maximumFen else { throw Refusal(key: "points_error_unit", values: ["value": unitYuan], field: "unit") }
                rule.unitFen = fen
            }
            if !cap.trimmingCharacters(in: .whitespaces).isEmpty {
                let c = try FormValue.int(cap, field: "cap", refusal: "points_error_cap")
                guard c > 0 else { throw Refusal(key: "points_error_cap", values: ["value": cap], field: "cap") }
                rule.cap = Int64(c)
            }
            if !days.trimmingCharacters(in: .whitespaces).isEmpty {
                let d = try FormValue.int(days, field: "days", refusal: "points_error_days")
                guard (1...3650).contains(d) else { throw Refusal(key: "points_error_days", values: ["value": days], field: "days") }
                rule.days = d
            }
            return rule
        }
    }

    @discardableResult
    func set(trigger: String, _ wanted: Rule, by actor: Actor) async throws -> PointsRule {
        // What the form checks, checked again for any other caller.
        guard (1...1_000_000).contains(wanted.points) else { throw Refusal(key: "points_error_points", values: ["value": "\(wanted.points)"], field: "points") }
        guard trigger != "sales" || wanted.unitFen > 0 else { throw Refusal(key: "points_error_unit", values: ["value": ""], field: "unit") }
        guard (wanted.cap ?? 1) > 0 else { throw Refusal(key: "points_error_cap", values: ["value": "\(wanted.cap ?? 0)"], field: "cap") }
        guard (1...3650).contains(wanted.days ?? 1) else { throw Refusal(key: "points_error_days", values: ["value": "\(wanted.days ?? 0)"], field: "days") }
        let (points, unitFen, cap, days, active) = (wanted.points, trigger == "sales" ? wanted.unitFen : 0, wanted.cap, wanted.days, wanted.active)
        let now = clock.now()
        let existing = try await PointsRule.query(on: db).filter(\.$trigger == trigger).first()
        @Sendable func describe(_ r: PointsRule) -> [String: String] {
            ["points": "\(r.points)", "unit_fen": "\(r.unitFen)", "cap": r.monthlyCap.map { "\($0)" } ?? "", "days": r.validDays.map { "\($0)" } ?? "",
             "active": r.active ? "yes" : "no"]
        }
        let before = existing.map(describe)
        let rule = existing ?? PointsRule()
        rule.trigger = trigger
        rule.points = points
        rule.unitFen = unitFen
        rule.monthlyCap = cap
        rule.validDays = days
        rule.active = active
        rule.updatedAt = now
        try await db.transaction { db in
            try await rule.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: existing == nil ? "create" : "update", entity: "points_rule", id: trigger,
                                   before: before, after: describe(rule))
        }
        return rule
    }
}
