import Fluent
import Foundation
import JiliCore
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
            case "goals": return try await service.goals(scope: .all)
            default: throw Abort(.badRequest, reason: "\(kind): not one of members, orders, refunds, goals")
            }
        }
    }

    /// `jili migrate`: brings the database's schema up to date (every start does it too; with several
    /// instances on one PostgreSQL, run it once before starting them).
    public static func migrate(config: AppConfig) async throws -> [String] {
        try await withApp(config) { app in
            let applied = try await Migrations.applied(on: app.db)
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

extension JiliServer {
    /// `jili pay plan FILE --from MONTH`: a version of the plan, activated from the month.
    public static func activatePlan(json: String, name: String, from month: String, config: AppConfig) async throws -> [String] {
        guard let period = Period(parsing: month) else { return ["--from: \"\(month)\" is not a month (YYYY-MM)"] }
        return try await withApp(config) { app in
            let pay = PayService(db: app.db, clock: app.jiliClock)
            do {
                // A plan refused by its compliance check is not even kept as a draft.
                if let plan = try? PlanDecoder.decode(Array(json.utf8)), ComplianceReport(plan: plan).refused {
                    throw Refusal(key: "pay_error_refused_plan")
                }
                let version = try await pay.createVersion(name: name, json: json, by: .system)
                try await pay.activate(version, from: period, by: .system)
                return ["plan version \(version.id!) \"\(version.name)\" is in force from \(period)"]
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }

    /// `jili pay run --month MONTH`: computes the month's draft from the database, as the pay page
    /// does; the phases' times with `timings`.
    public static func computeRun(month: String, timings: Bool, config: AppConfig) async throws -> [String] {
        guard let period = Period(parsing: month) else { return ["--month: \"\(month)\" is not a month (YYYY-MM)"] }
        return try await withApp(config) { app in
            var lines: [String] = []
            do {
                let run = try await PayService(db: app.db, clock: app.jiliClock).draft(period, by: .system) { phase, seconds in
                    if timings { lines.append(String(format: "%@: %.2f s", phase, seconds)) }
                }
                let members = try await PayQueries(db: app.db).membersPaid(by: run)
                return lines + ["\(period): draft computed, \(members) members paid, total \(Money(fen: run.totalFen)), sales \(Money(fen: run.salesFen))"]
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }

    /// `jili pay approve --month MONTH`: approves the draft exactly once.
    public static func approveRun(month: String, config: AppConfig) async throws -> [String] {
        guard let period = Period(parsing: month) else { return ["--month: \"\(month)\" is not a month (YYYY-MM)"] }
        return try await withApp(config) { app in
            do {
                try await PayService(db: app.db, clock: app.jiliClock).approve(period, by: .system)
                return ["\(period): approved"]
            } catch let r as Refusal {
                throw CommandRefusal(r, app)
            }
        }
    }
}

/// A refusal of a command (a month already approved, a plan refused): its message, in English.
public struct CommandRefusal: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    init(_ r: Refusal, _ app: Application) { message = r.english(app) }
}

extension JiliServer {
    /// `jili contests freeze`: freezes every contest whose last day has passed (results kept, cash
    /// prizes entered); running it again freezes nothing twice.
    public static func freezeContests(config: AppConfig) async throws -> [String] {
        try await withApp(config) { app in
            let count = try await ContestService(db: app.db, clock: app.jiliClock).freezeEnded(by: .system)
            return ["\(count) contest(s) frozen"]
        }
    }
}

extension JiliServer {
    /// `jili jobs`: the recurring work, each part idempotent — ended contests frozen, the sales
    /// champions of ended months, quarters and years awarded, rule titles given, goal reachers told,
    /// points earned by the rules (and taken back), points expired, profit shares vested, last month
    /// evaluated against the promotion ladder (once; a killed run resumes). Schedule it
    /// daily after midnight.
    public static func runJobs(config: AppConfig) async throws -> [String] {
        try await withApp(config) { app in
            // One instance's jobs at a time: a second `jili jobs` meanwhile does nothing and says so.
            try await recorded("jobs", app) { try await InstanceLock(app: app).ifFree("jobs") { try await jobs(app) } }
                ?? ["jobs: another instance is running them; nothing done"]
        }
    }

    /// The jobs themselves, run by the instance holding the `jobs` lock.
    static func jobs(_ app: Application) async throws -> [String] {
        let frozen = try await ContestService(db: app.db, clock: app.jiliClock).freezeEnded(by: .system)
        let champions = try await ChampionService(db: app.db, clock: app.jiliClock).run()
        let titles = try await TitleService(db: app.db, clock: app.jiliClock).run()
        let goals = try await GoalService(db: app.db, clock: app.jiliClock).tellReached()
        let points = try await PointsEarning(db: app.db, clock: app.jiliClock).run()
        let expired = try await PointsLedger(db: app.db, clock: app.jiliClock).expireDue()
        let profit = try await ProfitService(db: app.db, clock: app.jiliClock).vest()
        let seated = try await TrainingService(db: app.db, clock: app.jiliClock).seatClosed()
        let evaluation = try await PromotionService(db: app.db, clock: app.jiliClock).evaluate(period: app.jiliClock.currentPeriod.previous)
        let messages = try await messageSender(app)?.run()
        let figures = try await refreshFigures(app)
        return ["\(frozen) contest(s) frozen", "\(champions) champion place(s) awarded", "\(titles) title(s) given by their rules",
                "\(goals) member(s) told of a goal reached", "\(points.earned) lot(s) of points earned, \(points.reversed) taken back, \(expired) expired",
                "\(profit.paid) profit-share instalment(s) paid, \(profit.forfeited) forfeited",
                "\(seated) training session(s) seated",
                evaluation.map { "promotion ladder: \($0.period) evaluated, \($0.evaluated) member(s), \($0.proposed) proposal(s)" } ?? "no promotion ladder published",
                messages.map(describe) ?? "messages: WeChat is not configured, notices stay in the app"] + figures
    }
}
