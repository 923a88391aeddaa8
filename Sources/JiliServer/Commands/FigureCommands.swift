import Fluent
import Foundation
import Vapor

extension JiliServer {
    /// The team's figures and the open month's estimate, computed where they changed (see
    /// ``TeamFigures`` and ``Estimates``), by one instance at a time: by `jili jobs` and every
    /// `figuresEvery` seconds in `jili serve`, whichever holds the `figures` lock.
    static func refreshFigures(_ app: Application) async throws -> [String] {
        try await InstanceLock(app: app).ifFree("figures") { try await figures(app) } ?? ["team figures: another instance is computing them"]
    }

    static func figures(_ app: Application) async throws -> [String] {
        let db = app.longReads
        let months = try await TeamFigures(db: db, clock: app.jiliClock).refresh()
        let estimated = try await Estimates(db: db, clock: app.jiliClock).refresh()
        return ["team figures: " + (months.isEmpty ? "unchanged" : "computed for " + months.joined(separator: ", "))
                + (estimated ? "; the open month estimated" : "")]
    }

    /// How often `jili serve` looks for changed figures.
    static let figuresEvery: Duration = .seconds(30)

    /// In `jili serve`: the figures kept fresh while the server runs, by one instance at a time (another
    /// takes over when that one stops).
    static func startRefreshingFigures(_ app: Application) -> Task<Void, Never> {
        let logger = app.logger
        return Task {
            while !Task.isCancelled {
                do {
                    if let lines = try await recorded("figures", app, { try await InstanceLock(app: app).ifFree("figures", { try await figures(app) }) }),
                       lines.first?.hasSuffix("unchanged") == false {
                        logger.info("\(lines.joined(separator: "; "))")
                    }
                } catch {
                    logger.warning("refreshing figures: \(String(describing: error).prefix(200))")
                }
                try? await Task.sleep(for: figuresEvery)
            }
        }
    }
}
