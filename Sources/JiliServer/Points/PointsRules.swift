import Fluent
import Foundation
import JiliCore

/// The leader's earning rules, checked and audited: whole points above 0, a sales unit in yuan above
/// 0, an optional monthly cap above 0, an optional validity of 1 to 3,650 days.
struct PointsRules {
    let db: any Database
    let clock: JiliClock

    @discardableResult
    func set(trigger: String, points pointsText: String, unitYuan: String, cap capText: String, days daysText: String, active: Bool,
             by actor: Actor) async throws -> PointsRule {
        func trimmed(_ s: String) -> String { s.trimmingCharacters(in: .whitespaces) }
        guard let points = Int64(trimmed(pointsText)), points > 0, points <= 1_000_000 else {
            throw Refusal(key: "points_error_points", values: ["value": pointsText])
        }
        var unitFen: Int64 = 0
        if trigger == "sales" {
            guard case .success(let fen) = FixedPoint.parse(trimmed(unitYuan), scale: 2), fen > 0, fen <= OrderService.maximumFen else {
                throw Refusal(key: "points_error_unit", values: ["value": unitYuan])
            }
            unitFen = fen
        }
        var cap: Int64?
        if !trimmed(capText).isEmpty {
            guard let c = Int64(trimmed(capText)), c > 0 else { throw Refusal(key: "points_error_cap", values: ["value": capText]) }
            cap = c
        }
        var days: Int?
        if !trimmed(daysText).isEmpty {
            guard let d = Int(trimmed(daysText)), (1...3650).contains(d) else { throw Refusal(key: "points_error_days", values: ["value": daysText]) }
            days = d
        }
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
