import Foundation
import Testing

/// `jili` as a user runs it: exit statuses, messages on standard error, nothing written on error.
@Suite struct CommandLineTests {
    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    /// The `jili` built beside the test bundle (the test target depends on it).
    static let binary: String = {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [folder, folder.deletingLastPathComponent(), folder.deletingLastPathComponent().deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("jili").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot + "/.build/debug/jili"
    }()

    func jili(_ arguments: [String]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    func temporaryFolder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jili-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func exampleArguments(orders: String = exampleFolder + "/orders.csv") -> [String] {
        ["settle", "--plan", exampleFolder + "/plan.json", "--members", exampleFolder + "/members.csv", "--orders", orders,
         "--refunds", exampleFolder + "/refunds.csv", "--goals", exampleFolder + "/goals.csv", "--period", "2026-11"]
    }

    @Test func settleWritesTheResultToOut() throws {
        let dir = try temporaryFolder()
        let run = try jili(exampleArguments() + ["--out", dir + "/result.json"])
        #expect(run.status == 0)
        #expect(run.err.isEmpty)
        let written = try String(contentsOfFile: dir + "/result.json", encoding: .utf8)
        #expect(written.contains(#""total": "757.50""#))
        let stdout = try jili(exampleArguments())
        #expect(stdout.out == written)
    }

    /// The example's members saved by Excel on a Chinese Windows (GBK) settle as the UTF-8 file does;
    /// a picture given as the members file is refused as not a CSV file.
    @Test func aMembersFileInGBKSettlesTheSameAndAPictureIsNotCSV() throws {
        let dir = try temporaryFolder()
        let members = try String(contentsOfFile: exampleFolder + "/members.csv", encoding: .utf8)
        try #require(members.data(using: String.Encoding(rawValue: 0x8000_0632))).write(to: URL(fileURLWithPath: dir + "/members.csv"))
        var arguments = exampleArguments()
        arguments[arguments.firstIndex(of: exampleFolder + "/members.csv")!] = dir + "/members.csv"
        let gbk = try jili(arguments)
        #expect(gbk.status == 0, "\(gbk.err)")
        #expect(gbk.out == (try jili(exampleArguments())).out)
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]).write(to: URL(fileURLWithPath: dir + "/members.csv"))
        let picture = try jili(arguments)
        #expect(picture.status == 2)
        #expect(picture.err == "members.csv: not a CSV file: it is a PNG image; save the table as \"CSV UTF-8\" and try again\n")
    }

    @Test func badInputExitsTwoWithEveryProblemAndWritesNothing() throws {
        let dir = try temporaryFolder()
        let orders = dir + "/orders.csv"
        try """
        id,member_id,paid_at,amount
        o1,C,2026-11-05,1000
        o2,m99,2026-11-05,10
        o3,C,yesterday,10
        o4,C,2026-11-05,1O00
        """.write(toFile: orders, atomically: true, encoding: .utf8)
        let run = try jili(exampleArguments(orders: orders) + ["--out", dir + "/result.json"])
        #expect(run.status == 2)
        #expect(run.out.isEmpty)
        #expect(run.err.split(separator: "\n").map(String.init) == [
            #"orders.csv:3: unknown member "m99""#,
            #"orders.csv:4: paid_at "yesterday" is not a timestamp (e.g. 2026-11-03T10:15:00+08:00)"#,
            #"orders.csv:5: amount "1O00" is not an amount"#,
            // The example's refunds name o5 and o6, which this orders file does not have.
            #"refunds.csv:2: unknown order "o5""#,
            #"refunds.csv:3: unknown order "o6""#,
        ])
        #expect(!FileManager.default.fileExists(atPath: dir + "/result.json"))
    }

    @Test func badPeriodAndMissingFile() throws {
        let run = try jili(["settle", "--plan", exampleFolder + "/plan.json", "--members", "/nonexistent/members.csv",
                            "--orders", exampleFolder + "/orders.csv", "--period", "2026-13"])
        #expect(run.status == 2)
        #expect(run.err == "--period: \"2026-13\" is not a month (YYYY-MM, e.g. 2026-11)\n")
        let missing = try jili(["settle", "--plan", exampleFolder + "/plan.json", "--members", "/nonexistent/members.csv",
                                "--orders", exampleFolder + "/orders.csv", "--period", "2026-11"])
        #expect(missing.status == 2)
        #expect(missing.err == "members.csv: cannot read the file /nonexistent/members.csv\n")
    }

    @Test func refusedPlanCannotBeSettled() throws {
        let dir = try temporaryFolder()
        let text = try String(contentsOfFile: exampleFolder + "/plan.json", encoding: .utf8)
            .replacingOccurrences(of: #""maxDepth": 3"#, with: #""maxDepth": 2"#)
        try text.write(toFile: dir + "/plan.json", atomically: true, encoding: .utf8)
        var args = exampleArguments()
        args[2] = dir + "/plan.json"
        let run = try jili(args)
        #expect(run.status == 2)
        #expect(run.err.contains(#"REFUSED rules[2]: sameLevel "pingji" can pay 3 uplines on one order, more than maxDepth 2"#))
        let check = try jili(["plan", "check", dir + "/plan.json"])
        #expect(check.status == 1)
        #expect(check.out.contains("result: REFUSED"))
    }

    @Test func planCheckReportsAcceptedPlansWithWarnings() throws {
        let run = try jili(["plan", "check", exampleFolder + "/plan.json"])
        #expect(run.status == 0)
        #expect(run.out.contains("compliance: profile distribution, maxDepth 3"))
        #expect(run.out.contains("jicha: differential — pays up to 2 uplines per order"))
        #expect(run.out.contains(#"warning rules[3]: override "team" pays uplines on their downline's sales (团队计酬 risk"#))
        #expect(run.out.hasSuffix("result: accepted\n"))
        let dir = try temporaryFolder()
        try #"{"id": "x", "tiers": [], "rules": [{"id": "a", "type": "recruiting"}]}"#.write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let bad = try jili(["plan", "check", dir + "/bad.json"])
        #expect(bad.status == 1)
        #expect(bad.err.contains(#"bad.json: rules[0].type: unknown rule type "recruiting""#))
        #expect(bad.err.contains("bad.json: tiers: a plan needs at least one tier"))
    }

    @Test func demoGenerateIsReproducibleAndSettles() throws {
        let a = try temporaryFolder()
        let b = try temporaryFolder()
        #expect(try jili(["demo", "generate", "--members", "200", "--orders", "3000", "--out", a, "--seed", "7"]).status == 0)
        #expect(try jili(["demo", "generate", "--members", "200", "--orders", "3000", "--out", b, "--seed", "7"]).status == 0)
        for file in ["plan.json", "members.csv", "orders.csv", "refunds.csv", "goals.csv"] {
            #expect(FileManager.default.contents(atPath: "\(a)/\(file)") == FileManager.default.contents(atPath: "\(b)/\(file)"))
        }
        let orders = try String(contentsOfFile: a + "/orders.csv", encoding: .utf8)
        #expect(orders.split(separator: "\n").count == 3001)
        let run = try jili(["settle", "--plan", a + "/plan.json", "--members", a + "/members.csv", "--orders", a + "/orders.csv",
                            "--refunds", a + "/refunds.csv", "--goals", a + "/goals.csv", "--period", "2026-11"])
        #expect(run.status == 0, "\(run.err)")
        let result = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as! [String: Any]
        let members = result["members"] as! [[String: Any]]
        // Every rule type of the demo plan pays someone; last month's refunds restate it.
        var rules = Set<String>()
        for m in members { rules.formUnion((m["rules"] as! [String: String]).keys) }
        #expect(rules.isSuperset(of: ["retail", "volume", "jicha", "pingji", "team", "goal"]))
        #expect(members.contains { $0["adjustments"] != nil })
        let check = try jili(["plan", "check", a + "/plan.json"])
        #expect(check.status == 0)
    }
}

/// The database commands: import, export, migrate on a fresh SQLite file.
@Suite struct DatabaseCommandTests {
    /// On the day the example's orders were paid (`JILI_NOW`), whatever the machine's date; a faked
    /// machine clock (`.ci/run`'s boundary runs) is passed on.
    func environment(data: String) -> [String: String] {
        ["JILI_DATA": data, "PATH": "/usr/bin:/bin", "JILI_NOW": "2026-11-29T12:00:00+08:00"]
            .merging(ProcessInfo.processInfo.environment.filter { $0.key.hasPrefix("FAKETIME") || $0.key == "LD_PRELOAD" }) { $1 }
    }

    func jili(_ arguments: [String], data: String, env extra: [String: String] = [:]) throws -> CommandLineTests.Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        p.environment = environment(data: data).merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return .init(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
    }

    @Test func importExportAndMigrateOnAFreshDatabase() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-db-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = folder + "/jili.sqlite"
        let migrate = try jili(["migrate"], data: data)
        #expect(migrate.status == 0 && migrate.out.contains("database up to date"), "\(migrate.err)")
        let first = try jili(["import", "members", exampleFolder + "/members.csv"], data: data)
        #expect(first.status == 0 && first.out.contains("5 added, 0 unchanged"), "\(first.err)")
        let again = try jili(["import", "members", exampleFolder + "/members.csv"], data: data)
        #expect(again.out.contains("0 added, 5 unchanged"))
        try "id,name,sponsor_id,tier,joined_at,status\nX,某人,nobody,vip,2026-01-01,active\n".write(toFile: folder + "/bad.csv", atomically: true, encoding: .utf8)
        let bad = try jili(["import", "members", folder + "/bad.csv"], data: data)
        #expect(bad.status == 2)
        #expect(bad.err == "bad.csv:2: unknown sponsor \"nobody\" of member \"X\"\nnothing was written\n")
        let export = try jili(["export", "members"], data: data)
        #expect(export.status == 0)
        #expect(export.out.hasPrefix("\u{FEFF}id,name,sponsor_id,tier,joined_at,status\r\n"))
        #expect(export.out.contains("E,陈静,D,vip,2025-08-15,inactive"))
    }

    /// Invitation links from the command line: one member's printed, everyone's without an account
    /// as a CSV; links are made from JILI_PUBLIC_URL, and a bad address is refused before anything.
    @Test func accountsInviteOneMemberOrEveryoneWithoutAnAccount() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-invite-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = folder + "/jili.sqlite"
        #expect(try self.jili(["import", "members", exampleFolder + "/members.csv"], data: data).status == 0)
        let site = ["JILI_PUBLIC_URL": "https://jili.example.com/"]
        func jili(_ arguments: [String]) throws -> CommandLineTests.Run { try self.jili(arguments, data: data, env: site) }
        let one = try jili(["accounts", "invite", "B", "--role", "finance", "--days", "3"])
        #expect(one.status == 0, "\(one.err)")
        let lines = one.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 && lines[0].hasPrefix("https://jili.example.com/invite/") && lines[0].count == "https://jili.example.com/invite/".count + 33)
        #expect(lines[1] == "for 李娜 (B) as finance, valid until 2026-12-02 12:00")
        #expect(try jili(["accounts", "invite", "B", "--role", "leader"]).out.contains("--role: \"leader\" is not one of"))
        #expect(try jili(["accounts", "invite", "nobody"]).out == "nobody: no such member\n")

        let out = folder + "/invites.csv"
        let all = try jili(["accounts", "invite", "--without-account", "--under", "B", "--out", out])
        #expect(all.status == 0 && all.err.hasPrefix("4 member(s) invited in "), "\(all.err)")
        let bytes = try #require(FileManager.default.contents(atPath: out))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let rows = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\r\n").map(String.init)
        #expect(rows.first == "member,name,phone,link" && rows.dropFirst().map { String($0.prefix { $0 != "," }) } == ["B", "C", "D", "E"])
        #expect(rows.dropFirst().allSatisfy { $0.contains(",https://jili.example.com/invite/") })
        #expect(try jili(["accounts", "invite"]).status != 0)
        let bad = try self.jili(["accounts", "invite", "B"], data: data, env: ["JILI_PUBLIC_URL": "jili.example.com"])
        #expect(bad.status != 0 && bad.err.contains("JILI_PUBLIC_URL: \"jili.example.com\" is not an address such as https://jili.example.com"), "\(bad.err)")
    }

    /// `JILI_NOW` is for tests and demos: `jili serve` refuses it unless told `--allow-jili-now`, and
    /// then says it runs on that clock.
    @Test func serveRefusesAGivenClockUnlessAllowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-now-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let refused = try jili(["serve", "--no-demo", "--port", "0"], data: folder + "/jili.sqlite")
        #expect(refused.status == 2)
        #expect(refused.err == "JILI_NOW is set: a server for a team runs on the real date. Unset JILI_NOW, or pass --allow-jili-now for a test or a demo.\n")

        let p = Process()
        p.executableURL = URL(fileURLWithPath: CommandLineTests.binary)
        p.arguments = ["serve", "--no-demo", "--port", String(Int.random(in: 20_000..<40_000)), "--allow-jili-now"]
        p.currentDirectoryURL = URL(fileURLWithPath: packageRoot)
        p.environment = environment(data: folder + "/jili.sqlite")
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        var seen = ""
        while !seen.contains("\nclock:") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        p.terminate()
        p.waitUntilExit()
        #expect(seen.contains("clock: started at 2026-11-29 12:00 Shanghai time (JILI_NOW), not the machine's date"), "\(seen)")
    }

    /// A release put elsewhere: the commands that render nothing need only Resources/Locales beside
    /// the executable (or in JILI_HOME); only `serve` needs the views.
    @Test func commandsRunOutsideTheCheckoutWithTheTextsBesideTheExecutable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-install-\(UUID().uuidString)").path
        let fm = FileManager.default
        try fm.createDirectory(atPath: folder + "/bin", withIntermediateDirectories: true)
        try fm.copyItem(atPath: CommandLineTests.binary, toPath: folder + "/bin/jili")
        func run(_ arguments: [String]) throws -> CommandLineTests.Run {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: folder + "/bin/jili")
            p.arguments = arguments
            p.currentDirectoryURL = URL(fileURLWithPath: folder)
            p.environment = environment(data: folder + "/jili.sqlite")
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return .init(status: p.terminationStatus, out: String(decoding: o, as: UTF8.self), err: String(decoding: e, as: UTF8.self))
        }
        // Settling from files needs nothing beside it.
        #expect(try run(["settle", "--plan", exampleFolder + "/plan.json", "--members", exampleFolder + "/members.csv",
                         "--orders", exampleFolder + "/orders.csv", "--period", "2026-11"]).status == 0)
        let bare = try run(["migrate"])
        #expect(bare.status == 2)
        #expect(bare.err.hasPrefix("JILI_HOME: no Resources/Locales in \(folder)"), "\(bare.err)")
        try fm.createDirectory(atPath: folder + "/bin/Resources", withIntermediateDirectories: true)
        try fm.copyItem(atPath: packageRoot + "/Resources/Locales", toPath: folder + "/bin/Resources/Locales")
        let migrate = try run(["migrate"])
        #expect(migrate.status == 0 && migrate.out.contains("database up to date"), "\(migrate.err)")
        let imported = try run(["import", "members", exampleFolder + "/members.csv"])
        #expect(imported.status == 0 && imported.out.contains("5 added, 0 unchanged"), "\(imported.err)")
        let export = try run(["export", "members"])
        #expect(export.status == 0 && export.out.contains("E,陈静,D,vip,2025-08-15,inactive"))
        // The web app needs its views and its style sheet.
        let serve = try run(["serve", "--no-demo", "--allow-jili-now"])
        #expect(serve.status == 2)
        #expect(serve.err.contains("JILI_HOME: no Resources/Views in \(folder)/bin"), "\(serve.err)")
        #expect(serve.err.contains("JILI_HOME: no Public in \(folder)/bin"))
        try? fm.removeItem(atPath: folder)
    }

    /// `jili pay`: the worked example's month settled from the database is the same as from the
    /// files; approved once; a refused plan is not put in force.
    @Test func payFromTheDatabaseMatchesTheFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jili-pay-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let data = folder + "/jili.sqlite"
        // The example's last order is paid on 30 November; the database takes no order paid in the
        // future, so in the copy it is paid two days earlier (both ways settle the copy).
        for kind in ["members", "orders", "refunds"] {
            let text = String(decoding: FileManager.default.contents(atPath: exampleFolder + "/\(kind).csv")!, as: UTF8.self)
            try text.replacingOccurrences(of: "2026-11-30T20:00:00Z", with: "2026-11-28T20:00:00Z").write(toFile: folder + "/\(kind).csv", atomically: true, encoding: .utf8)
        }
        for kind in ["members", "orders", "refunds"] {
            let imported = try jili(["import", kind, folder + "/\(kind).csv"], data: data)
            #expect(imported.status == 0, "\(imported.err)")
        }
        let noPlan = try jili(["pay", "run", "--month", "2026-11"], data: data)
        #expect(noPlan.status == 1 && noPlan.err.contains("2026-11"))
        let plan = try jili(["pay", "plan", exampleFolder + "/plan.json", "--from", "2026-01"], data: data)
        #expect(plan.status == 0 && plan.out.contains("is in force from 2026-01"), "\(plan.err)")
        // Without the goals file (goals are not in the database yet), both ways.
        let files = try CommandLineTests().jili(["settle", "--plan", exampleFolder + "/plan.json", "--members", folder + "/members.csv",
                                                 "--orders", folder + "/orders.csv", "--refunds", folder + "/refunds.csv", "--period", "2026-11"])
        let total = try #require(files.out.split(separator: "\n").first { $0.contains("\"total\"") }.map { String($0.split(separator: "\"")[3]) })
        let run = try jili(["pay", "run", "--month", "2026-11", "--timings"], data: data)
        #expect(run.status == 0 && run.out.contains("2026-11: draft computed") && run.out.contains("total \(total),"), "\(run.out)\(run.err)")
        #expect(run.out.contains("read: ") && run.out.contains("settle: ") && run.out.contains("write: "))
        // Not before November has ended; on 2 December it is approved, once.
        let early = try jili(["pay", "approve", "--month", "2026-11"], data: data)
        #expect(early.status == 1 && early.err.contains("2026-11 has not ended: it can be approved from 2026-12"), "\(early.err)")
        // On 2 December the November draft is an estimate still: computed again, it is approved.
        let december = ["JILI_NOW": "2026-12-02T12:00:00+08:00"]
        let stale = try jili(["pay", "approve", "--month", "2026-11"], data: data, env: december)
        #expect(stale.status == 1 && stale.err.contains("before the month ended: compute it again"), "\(stale.err)")
        #expect(try jili(["pay", "run", "--month", "2026-11"], data: data, env: december).status == 0)
        #expect(try jili(["pay", "approve", "--month", "2026-11"], data: data, env: december).out == "2026-11: approved\n")
        let twice = try jili(["pay", "approve", "--month", "2026-11"], data: data, env: december)
        #expect(twice.status == 1 && twice.err.contains("2026-11"))
        // A refused plan is not put in force.
        let refusedPlan = folder + "/deep.json"
        let deep = String(decoding: FileManager.default.contents(atPath: exampleFolder + "/plan.json")!, as: UTF8.self)
            .replacingOccurrences(of: "\"maxDepth\": 3", with: "\"maxDepth\": 1")
        try deep.write(toFile: refusedPlan, atomically: true, encoding: .utf8)
        let refused = try jili(["pay", "plan", refusedPlan, "--from", "2026-12"], data: data)
        #expect(refused.status == 1 && refused.err.contains("deep.json: The plan is refused by its compliance check"), "\(refused.err)")
    }
}
