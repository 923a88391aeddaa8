import Fluent
import Foundation
import JiliCore
import SQLKit
import Testing
import Vapor
@testable import JiliServer

/// A real `jili` process killed in the middle of a run's transaction or an approval's leaves no
/// partial run and no partial entries; two processes approving at once make one approval. On the
/// database the other server tests use (SQLite file, or PostgreSQL with JILI_TEST_DATABASE_URL).
@Suite(.serialized) struct KillTests {
    static let binary: String = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent(), folder.deletingLastPathComponent().deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("jili").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot + "/.build/debug/jili"
    }()

    /// A database of its own with the demo team (three months approved), and the environment that
    /// points `jili` at it.
    struct Place {
        var database: AppConfig.Database
        var environment: [String: String]
    }

    func place() -> Place {
        let id = "k_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        // The process runs on the test's day, whatever the machine's date (the months it may change).
        var env = ["JILI_HOME": packageRoot, "PATH": "/usr/bin:/bin", "JILI_NOW": testNowText].merging(fakedMachineClock) { $1 }
        if let url = ProcessInfo.processInfo.environment["JILI_TEST_DATABASE_URL"], !url.isEmpty {
            env["DATABASE_URL"] = url
            env["JILI_DB_SCHEMA"] = String(id)
            return Place(database: .postgres(url: url, schema: String(id)), environment: env)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(id).sqlite").path
        env["JILI_DATA"] = path
        return Place(database: .sqlite(path: path), environment: env)
    }

    func withApp<T>(_ place: Place, demo: Bool = false, _ body: (Application) async throws -> T) async throws -> T {
        let app = try await makeTestApplication()
        do {
            try await configure(app, config: AppConfig(database: place.database, home: packageRoot, demo: demo, bcryptCost: 4),
                                clock: JiliClock(now: { testNow }))
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    func drop(_ place: Place) async throws {
        switch place.database {
        case .sqlite(let path): try? FileManager.default.removeItem(atPath: path)
        case .postgres(_, let schema):
            try await withApp(Place(database: .postgres(url: place.environment["DATABASE_URL"]!, schema: nil), environment: [:])) { app in
                try await app.db.sql.raw("DROP SCHEMA IF EXISTS \(ident: schema!) CASCADE").run()
            }
        }
    }

    /// Starts `jili ARGS`; with `pauseAt`, waits until it pauses inside its transaction and kills it.
    func jili(_ arguments: [String], _ place: Place, pauseAt: String? = nil) throws -> (status: Int32, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments
        var env = place.environment
        if let pauseAt { env["JILI_PAUSE_AT"] = pauseAt }
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        guard let pauseAt else {
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        var seen = ""
        while !seen.contains("JILI_PAUSED \(pauseAt)") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("JILI_PAUSED \(pauseAt)"), "never paused: \(seen)")
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        return (p.terminationStatus, seen)
    }

    struct Counts: Equatable {
        var runs: Int
        var runLines: Int
        /// The run's document and explained lines (``RunTexts``).
        var runTexts: Int
        var entries: Int
        var journalLines: Int
        var audit: Int
    }

    static func rows(_ table: String, _ app: Application) async throws -> Int {
        try await app.db.sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func counts(_ app: Application) async throws -> Counts {
        Counts(runs: try await PayRun.query(on: app.db).count(), runLines: try await PayRunMember.query(on: app.db).count(),
               runTexts: try await Self.rows(RunTexts.documents, app) + Self.rows(RunTexts.lines, app),
               entries: try await JournalEntry.query(on: app.db).count(), journalLines: try await JournalLine.query(on: app.db).count(),
               audit: try await AuditEntry.query(on: app.db).count())
    }

    @Test func aKilledPointsJobLosesNothingAndEarnsOnceWhenRunAgain() async throws {
        let place = place()
        do {
            // A praise the job has not paid yet.
            let (member, before) = try await withApp(place, demo: true) { app in
                let manager = try #require(try await Account.query(on: app.db).filter(\.$username == "manager").first())
                _ = try await PraiseWall(db: app.db, clock: app.jiliClock, files: app.jiliConfig.files)
                    .post(by: manager, kind: .praise, about: "m11", text: "谢谢", photo: nil)
                let m11 = try #require(try await Member.query(on: app.db).filter(\.$code == "m11").first())
                return (m11.id!, try await PointsLotRow.query(on: app.db).count() + PointsMovementRow.query(on: app.db).count())
            }
            // Killed after the lots, the account and the history were written, before the commit.
            #expect(try jili(["jobs"], place, pauseAt: "points-written").status == SIGKILL)
            let afterKill = try await withApp(place) { app in
                (try await PointsLotRow.query(on: app.db).count() + PointsMovementRow.query(on: app.db).count(),
                 try await PointsLotRow.query(on: app.db).filter(\.$member.$id == member).filter(\.$rule == "praise").count())
            }
            #expect(afterKill.0 == before && afterKill.1 == 0)
            // Run again for real: the praise is paid once.
            #expect(try jili(["jobs"], place).status == 0)
            #expect(try jili(["jobs"], place).status == 0)
            let paid = try await withApp(place) { app in
                try await PointsLotRow.query(on: app.db).filter(\.$member.$id == member).filter(\.$rule == "praise").all().map(\.amount)
            }
            #expect(paid == [10])
        } catch {
            try? await drop(place)
            throw error
        }
        try await drop(place)
    }

    @Test func aKilledRunOrApprovalLeavesNothingHalfDone() async throws {
        let place = place()
        do {
            try await killAndRace(place)
        } catch {
            try? await drop(place)
            throw error
        }
        try await drop(place)
    }

    func killAndRace(_ place: Place) async throws {
        let before = try await withApp(place, demo: true) { app in try await counts(app) }
        #expect(before.runs == 3 && before.runLines > 0)

        // Killed after the run and all its lines were written, before the commit: nothing of it stays.
        let killed = try jili(["pay", "run", "--month", "2026-11"], place, pauseAt: "run-written")
        #expect(killed.status == SIGKILL)
        let afterKill = try await withApp(place) { app in try await counts(app) }
        #expect(afterKill == before)

        // Computed for real (on 2 December, once November has ended); then an approval killed after its
        // ledger entry was written.
        let december = Place(database: place.database, environment: place.environment.merging(["JILI_NOW": decemberNowText]) { $1 })
        #expect(try jili(["pay", "run", "--month", "2026-11"], december).status == 0)
        let drafted = try await withApp(place) { app in try await counts(app) }
        #expect(drafted.runs == 4 && drafted.runLines > before.runLines && drafted.audit == before.audit + 1)
        _ = try jili(["pay", "approve", "--month", "2026-11"], december, pauseAt: "approval-posted")
        let (afterApprovalKill, status) = try await withApp(place) { app in
            (try await counts(app), try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.status)
        }
        #expect(afterApprovalKill == drafted && status == .draft)

        // Two processes approving at once: exactly one approval, one ledger entry.
        let results = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<2 { group.addTask { try jili(["pay", "approve", "--month", "2026-11"], december).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 == 0 }.count == 1, "exit statuses \(results)")
        let (final, entries, total) = try await withApp(place) { app in
            (try await PayRun.query(on: app.db).filter(\.$period == "2026-11").first()?.status,
             try await JournalEntry.query(on: app.db).filter(\.$source == "pay_run:2026-11").count(),
             try await Ledger(db: app.db).total())
        }
        #expect(final == .approved && entries == 1 && total == 0)
    }
}
