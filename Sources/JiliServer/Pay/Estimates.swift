import Fluent
import Foundation
import JiliCore
import Vapor

/// The open month's pay so far, estimated by settling it now with the version in force. The whole
/// team is settled at once and kept for a few minutes: derived data, so a per-process cache is safe
/// with several instances.
actor Estimates {
    private var cached: (period: String, at: Date, totals: [String: Int64])?
    static let lifetime: TimeInterval = 300

    func total(of member: String, period: Period, db: any Database, clock: JiliClock) async throws -> Int64? {
        let now = clock.now()
        if let c = cached, c.period == period.description, now.timeIntervalSince(c.at) < Self.lifetime {
            return c.totals[member] ?? 0
        }
        let pay = PayService(db: db, clock: clock)
        guard let version = try await pay.versionInForce(period) else { return nil }
        let plan = try PlanDecoder.decode(Array(version.json.utf8))
        let input = try await SettlementSource(db: db).input(for: plan, period: period)
        guard let result = try? SettlementEngine(plan: plan, input: input).settle(period: period) else { return nil }
        let totals = Dictionary(uniqueKeysWithValues: result.members.map { ($0.member, $0.total) })
        cached = (period.description, now, totals)
        return totals[member] ?? 0
    }
}

extension Application {
    private struct EstimatesKey: StorageKey { typealias Value = Estimates }
    var estimates: Estimates {
        if let e = storage[EstimatesKey.self] { return e }
        let e = Estimates()
        storage[EstimatesKey.self] = e
        return e
    }
}
