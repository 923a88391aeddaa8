import Fluent
import Foundation
import SQLKit
import Vapor

extension JiliServer {
    /// `jili import KIND FILE`: the same import as the upload page, on the configured database.
    public static func importFile(kind: String, path: String, config: AppConfig) async throws -> (added: Int, unchanged: Int, problems: [String]) {
        guard let k = ImportService.Kind(rawValue: kind) else { return (0, 0, ["\(kind): not one of members, orders, refunds"]) }
        guard let data = FileManager.default.contents(atPath: path) else { return (0, 0, ["\(path): cannot read the file"]) }
        return try await withApp(config) { app in
            let o = try await ImportService(db: app.db, clock: app.jiliClock, text: app.catalog.table("en"))
                .run(k, bytes: Array(data), file: (path as NSString).lastPathComponent, by: .system)
            return (o.added, o.unchanged, o.problems.map(\.description))
        }
    }

    /// `jili export KIND [--month]`: CSV bytes of everything (the command line has every right).
    public static func export(kind: String, month: String?, config: AppConfig) async throws -> [UInt8] {
        try await withApp(config) { app in
            let service = ExportService(db: app.db, clock: app.jiliClock)
            let period = month ?? app.jiliClock.currentPeriod.description
            switch kind {
            case "members": return try await service.members(scope: .all)
            case "orders": return try await service.orders(scope: .all, period: period)
            case "refunds": return try await service.refunds(scope: .all, period: period)
            default: throw Abort(.badRequest, reason: "\(kind): not one of members, orders, refunds")
            }
        }
    }

    /// `jili migrate`: brings the database's schema up to date (every start does it too; with several
    /// instances on one PostgreSQL, run it once before starting them).
    public static func migrate(config: AppConfig) async throws -> [String] {
        try await withApp(config) { app in
            let sql = app.db as? any SQLDatabase
            let applied = try await sql?.select().column(SQLRaw("COUNT(*)"), as: "n").from("_fluent_migrations").first()?.decode(column: "n", as: Int.self) ?? 0
            return ["database up to date: \(applied) migrations applied"]
        }
    }

    /// An application configured on the database, without serving, for the command line.
    static func withApp<T>(_ config: AppConfig, _ body: (Application) async throws -> T) async throws -> T {
        var quiet = config
        quiet.demo = false
        let app = try await Application.make(.init(name: "production", arguments: ["jili"]))
        app.logger.logLevel = .error
        do {
            try await configure(app, config: quiet)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }
}
