import AsyncHTTPClient
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import JiliServer

/// Several instances on one database (the one the server tests use: a SQLite file, or PostgreSQL
/// with JILI_TEST_DATABASE_URL): two real `jili serve` started together migrate and build the demo
/// once; batch work runs in one instance at a time; `/readyz` says when an instance can take traffic.
@Suite(.serialized) struct MultiInstanceTests {
    let kill = KillTests()

    /// GET `url`: its status, or nil while nothing answers.
    func status(_ url: String) async -> UInt? {
        guard let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(2)) else { return nil }
        return response.status.code
    }

    /// Not under libfaketime (CI's runs at a month's end): there the two servers hung (both idle, most likely on
    /// libfaketime's clock shared between processes); the run without it is the one that tests instances.
    @Test(.disabled(if: !fakedMachineClock.isEmpty, "two servers started together hung under libfaketime"))
    func twoServersStartedTogetherMigrateOnceAndBuildTheDemoOnce() async throws {
        let place = kill.place()
        // Two ports nothing answers on (a server left by another run would be taken for one of ours).
        var ports: [Int] = []
        while ports.count < 2 {
            let port = 18_300 + Int.random(in: 0..<1_200)
            if !ports.contains(port), await status("http://127.0.0.1:\(port)/healthz") == nil { ports.append(port) }
        }
        var servers: [Process] = []
        // Stopped for good whatever state they are in (a graceful stop could wait on a stuck one).
        func stop() { for s in servers where s.isRunning { Glibc.kill(s.processIdentifier, SIGKILL); s.waitUntilExit() } }
        defer { stop() }
        // Both at the same moment, on an empty database, with the demo team.
        for port in ports {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: KillTests.binary)
            p.arguments = ["serve", "--port", "\(port)", "--allow-jili-now"]
            p.environment = place.environment
            p.standardOutput = FileHandle.nullDevice
            // What each says, for when one does not come up.
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("jili-instance-\(port).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: log)
            servers.append(p)
        }
        for s in servers { try s.run() }
        var ready: [UInt?] = [nil, nil]
        for _ in 0..<240 where ready != [200, 200] {
            for (i, port) in ports.enumerated() where ready[i] != 200 { ready[i] = await status("http://127.0.0.1:\(port)/readyz") }
            if servers.contains(where: { !$0.isRunning }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let running = servers.filter { $0.isRunning }.count
        let said = ports.map { (try? String(contentsOf: FileManager.default.temporaryDirectory.appendingPathComponent("jili-instance-\($0).log"), encoding: .utf8)) ?? "" }
        #expect(running == 2, "an instance stopped: \(said.map { String($0.suffix(600)) })")
        #expect(ready == [200, 200])
        #expect(await status("http://127.0.0.1:\(ports[0])/healthz") == 200)
        // From the machine itself the metrics are read without a token; through a proxy (which says
        // whom it forwards for) they are not.
        #expect(await status("http://127.0.0.1:\(ports[0])/metrics") == 200)
        var forwarded = HTTPClientRequest(url: "http://127.0.0.1:\(ports[0])/metrics")
        forwarded.headers.add(name: "X-Forwarded-For", value: "203.0.113.7")
        #expect((try? await HTTPClient.shared.execute(forwarded, timeout: .seconds(2)))?.status.code == 404)
        stop()
        try await kill.withApp(place) { app in
            struct Row: Decodable { let name: String; let n: Int }
            let twice = try await app.db.sql.raw("SELECT name, COUNT(*) AS n FROM _fluent_migrations GROUP BY name HAVING COUNT(*) > 1").all(decoding: Row.self)
            #expect(twice.isEmpty, "migrated twice: \(twice.map(\.name))")
            let all = try await app.db.sql.raw("SELECT COUNT(*) AS n, 'all' AS name FROM _fluent_migrations").first(decoding: Row.self)
            #expect((all?.n ?? 0) >= 39)
            // One demo team: its accounts once, its three months approved once.
            #expect(try await Account.query(on: app.db).count() == DemoTeam.accounts.count)
            #expect(try await PayRun.query(on: app.db).filter(\.$status == .approved).count() == 3)
        }
        try await kill.drop(place)
    }

    @Test func batchWorkRunsInOneInstanceAtATime() async throws {
        let place = kill.place()
        try await kill.withApp(place) { first in
            let lock = InstanceLock(app: first)
            // While this instance holds the jobs, another instance's `jili jobs` does nothing and says so;
            // a second holder in this process is refused as another instance would be.
            let meanwhile = try await lock.ifFree("jobs") { () -> String in
                let other = try kill.jili(["jobs"], place)
                let second = try await kill.withApp(place) { again in try await InstanceLock(app: again).ifFree("jobs") { "ran" } }
                return "\(other.status) \(second ?? "refused")"
            }
            #expect(meanwhile == "0 refused")
            // Let go: the next one runs them.
            #expect(try await lock.ifFree("jobs") { "ran" } == "ran")
            // Waiting for a lock another holder lets go of.
            let order = OrderLog()
            async let held: Void = lock.exclusively("migrate") {
                await order.add("held")
                try await Task.sleep(for: .milliseconds(400))
                await order.add("released")
            }
            try await Task.sleep(for: .milliseconds(100))
            try await kill.withApp(place) { again in try await InstanceLock(app: again).exclusively("migrate") { await order.add("second") } }
            try await held
            #expect(await order.items == ["held", "released", "second"])
        }
        try await kill.drop(place)
    }

    actor OrderLog {
        var items: [String] = []
        func add(_ s: String) { items.append(s) }
    }
}
