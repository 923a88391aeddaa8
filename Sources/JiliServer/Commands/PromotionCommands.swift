import Fluent
import Foundation
import JiliCore
import Vapor

extension JiliServer {
    /// `jili promotion ladder FILE`: publishes the ladder of a JSON file (JiliCore `Ladder`).
    public static func publishLadder(json: Data, config: AppConfig) async throws -> [String] {
        let ladder: Ladder
        do { ladder = try JSONDecoder().decode(Ladder.self, from: json) } catch {
            return ["not a ladder: \(error)"]
        }
        return try await withApp(config) { app in
            do {
                let warnings = try await PromotionService(db: app.db, clock: app.jiliClock).publish(ladder, by: .system)
                return ["ladder published"] + warnings.map { "warning: \($0.description)" }
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }

    /// `jili promotion evaluate --month MONTH [--again]`: the month's evaluation, with its time.
    public static func evaluatePromotions(month: String, again: Bool, config: AppConfig) async throws -> [String] {
        guard let period = Period(parsing: month) else { return ["--month: \"\(month)\" is not a month (YYYY-MM)"] }
        return try await withApp(config) { app in
            let service = PromotionService(db: app.db, clock: app.jiliClock)
            do {
                if again { try await service.forget(period) }
                let start = ContinuousClock.now
                guard let e = try await service.evaluate(period: period) else { return ["no promotion ladder published"] }
                let d = ContinuousClock.now - start
                let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                return [String(format: "%@: %d member(s) evaluated, %d proposal(s) (%@) in %.2f s", e.period, e.evaluated, e.proposed, e.status.rawValue, seconds)]
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }
}
