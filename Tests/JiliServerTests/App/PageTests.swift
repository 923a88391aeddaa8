import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct PageTests {
    /// Net sales of some members in a month, straight from the orders.
    func sales(_ app: Application, members: [Member], period: String) async throws -> Int64 {
        let ids = members.map { $0.id! }
        return try await Order.query(on: app.db).filter(\.$period == period).filter(\.$member.$id ~~ ids).all()
            .reduce(0) { $0 + $1.amountFen - $1.refundedFen }
    }

    /// Leaf's `#if` is true for an empty string: a page that tests a text that can be empty shows an
    /// empty line or a dangling separator. None of the pages does, for the roles that see the most.
    @Test func noPageShowsAnEmptyLineOrADanglingSeparator() async throws {
        try await withTestApp { app in
            let pages = ["/dashboard", "/members/m10", "/team", "/orders", "/statements/2026-10?member=m10", "/balance?member=m10", "/goals",
                         "/contests", "/contests/1", "/champions", "/notices", "/titles", "/wall", "/activities", "/points", "/points/rules", "/rewards",
                         "/rewards/redemptions", "/motivation", "/profit", "/promotion", "/promotion/proposals", "/training", "/training/courses/1",
                         "/training/courses/2", "/training/claims", "/training/events"]
            for login in ["leader", "agent", "manager", "finance"] {
                var v = try await Visitor.signedIn(app, login)
                for path in pages {
                    let page = try await v.get(path)
                    guard page.status == .ok else { continue }
                    for mark in [" · </span>", " · </p>", "<span class=\"muted\"></span>", "<br></li>", "<p></p>", "<p class=\"pre\"></p>"] {
                        #expect(!page.body.contains(mark), "\(login) \(path) shows \(mark)")
                    }
                }
            }
        }
    }

    @Test func theAgentsDashboardShowsTheirNumbers() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let text = try await agent.get("/dashboard").body.visibleText
            let me = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let team = try await Member.query(on: app.db).filter(\.$path =~ me.path).all()
            let mine = try await sales(app, members: [me], period: "2026-11")
            let mineLast = try await sales(app, members: [me], period: "2026-10")
            let teamSales = try await sales(app, members: team, period: "2026-11")
            #expect(mine > 0 && teamSales > mine)
            #expect(text.contains("你好，\(me.name)"))
            #expect(text.contains("本月销售额 \(Money(fen: mine).display)"))
            #expect(text.contains("上月销售额 \(Money(fen: mineLast).display)"))
            #expect(text.contains("团队人数 \(team.count)"))
            #expect(text.contains("团队本月销售额 \(Money(fen: teamSales).display)"))
            #expect(text.contains("当前级别 代理"))
            // The open month so far, as November's run would give it now, marked as an estimate.
            let run = try await PayService(db: app.db, clock: JiliClock(now: { testNow })).draft(Period(parsing: "2026-11")!, by: .system)
            let estimate = try await RunResult.read(run, on: app.db).members.first { $0.member == "m10" }?.total ?? 0
            #expect(text.contains("本月预估收入（按 11-29 12:00 的数据估算，仅供参考） \(Money(fen: estimate).display)"))
        }
    }

    @Test func theTreeGivesHeadcountAndSalesOfEachBranch() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let html = try await leader.get("/team").body
            let all = try await Member.query(on: app.db).all()
            let total = try await sales(app, members: all, period: "2026-11")
            #expect(html.visibleText.contains("300 人 · \(Money(fen: total).display)"))
            // Each sales manager's branch.
            for code in ["m3", "m4", "m5"] {
                let m = try #require(all.first { $0.code == code })
                let branch = all.filter { $0.path.hasPrefix(m.path) }
                let figure = "\(branch.count) 人 · \(Money(fen: try await sales(app, members: branch, period: "2026-11")).display)"
                // The name, the title icons it holds (if any), the tier and the branch's figures.
                let titles = try await Honor.query(on: app.db).filter(\.$kind == "title").filter(\.$member.$id == m.id!).with(\.$title).all()
                let icons = titles.compactMap { $0.title?.icon }.reduce(into: "") { if !$0.contains($1) { $0 += $1 } }
                #expect(html.visibleText.contains("\(m.name)\(icons.isEmpty ? "" : " " + icons) 总代 \(figure)"), "branch of \(code): \(figure)")
            }
            // Deeper levels open as their own tree.
            #expect(html.contains("/team?root="))
        }
    }

    @Test func aWideBranchShowsItsLargestMembersAndLinksToTheRest() async throws {
        try await withTestApp { app in
            // A new member under m10 gets 35 direct members; the one who sold shows first, 30 are shown, 5 are a link.
            let members = MemberService(db: app.db, clock: app.jiliClock)
            _ = try await members.add(code: "w0", .init(name: "宽", phone: nil, sponsorCode: "m10", tier: "agent", status: .active,
                                                      departmentID: nil, positionID: nil), by: .system)
            for i in 1...35 {
                _ = try await members.add(code: "w\(i)", .init(name: "宽\(i)", phone: nil, sponsorCode: "w0", tier: "vip", status: .active,
                                                              departmentID: nil, positionID: nil), by: .system)
            }
            let w35 = try #require(try await Member.query(on: app.db).filter(\.$code == "w35").first())
            let product = try #require(try await Product.query(on: app.db).first())
            _ = try await OrderService(db: app.db, clock: JiliClock(now: { testNow })).create(
                code: nil, seller: w35, customerID: nil, lines: [.init(productID: product.id!, quantity: 1)], paidAt: nil, by: .system)
            var leader = try await Visitor.signedIn(app, "leader")
            // Before the figures are computed again, the tree shows the branch as last computed.
            let before = try await leader.get("/team?root=w0").body
            #expect((1...35).filter { before.contains("href=\"/members/w\($0)\"") } == [Int](1...30))
            #expect(before.visibleText.contains("团队数据统计于 11-29 12:00"))
            // What the background of `jili serve` does when the orders or the members changed.
            let computed = try await TeamFigures(db: app.db, clock: JiliClock(now: { testNow.addingTimeInterval(60) })).refresh()
            #expect(computed == ["2026-11", "2026-10"])
            let html = try await leader.get("/team?root=w0").body
            #expect(html.visibleText.contains("团队数据统计于 11-29 12:01"))
            #expect(html.visibleText.contains("另外 5 位直属成员 →"))
            #expect(html.contains("href=\"/members/w0\">另外 5 位直属成员"))
            let shown = (1...35).filter { html.contains("href=\"/members/w\($0)\"") }
            #expect(shown.count == 30 && shown.contains(35))
            // Ties (no sales) in the order they joined.
            #expect(shown == [Int](1...29) + [35])
        }
    }

    @Test func membersCanBeSearchedAndFiltered() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let all = try await Member.query(on: app.db).all()
            let generals = all.filter { $0.tier == "general" }.count
            #expect(try await leader.get("/members?tier=general").body.visibleText.contains("\(generals) 位成员"))
            let left = all.filter { $0.status == .left }.count
            #expect(try await leader.get("/members?status=left").body.visibleText.contains("\(left) 位成员"))
            let sales = try #require(try await Department.query(on: app.db).filter(\.$name == "销售部").first())
            let inSales = all.filter { $0.$department.id == sales.id }.count
            #expect(try await leader.get("/members?department=\(sales.id!)").body.visibleText.contains("\(inSales) 位成员"))
            let someone = all[150]
            let found = try await leader.get("/members?q=\(someone.code)").body
            #expect(found.contains("/members/\(someone.code)\""))
            // 300 members at 50 a page: 6 pages.
            #expect(try await leader.get("/members").body.visibleText.contains("1 / 6"))
            #expect(try await leader.get("/members?page=6").body.visibleText.contains("6 / 6"))
            #expect(try await leader.get("/members?page=9223372036854775807").status == .ok)
            #expect(try await leader.get("/orders?page=9223372036854775807").status == .ok)
        }
    }

    @Test func aMemberPageShowsProfileSponsorDownlineAndSales() async throws {
        try await withTestApp { app in
            var manager = try await Visitor.signedIn(app, "manager")
            let me = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").with(\.$sponsor).first())
            let text = try await manager.get("/members/m10").body.visibleText
            let children = try await Member.query(on: app.db).filter(\.$sponsor.$id == me.id!).all()
            #expect(text.contains("推荐人 \(me.sponsor!.name)"))
            #expect(text.contains("直属下级 (\(children.count))"))
            #expect(text.contains("2026-11 \(Money(fen: try await sales(app, members: [me], period: "2026-11")).display)"))
            #expect(text.contains("2026-10 \(Money(fen: try await sales(app, members: [me], period: "2026-10")).display)"))
        }
    }

    @Test func theOrgChartShowsEveryDepartmentAndThePeopleInEachPosition() async throws {
        try await withTestApp { app in
            var trainer = try await Visitor.signedIn(app, "trainer")
            let text = try await trainer.get("/org").body.visibleText
            for (department, positions) in DemoTeam.org {
                #expect(text.contains(department))
                for p in positions { #expect(text.contains(p)) }
            }
            let leader = try #require(try await Member.query(on: app.db).filter(\.$code == "m1").first())
            #expect(text.contains("团队领导人 \(leader.name)"))
        }
    }

    @Test func englishByAcceptLanguageOrByChoiceRemembered() async throws {
        try await withTestApp { app in
            var v = Visitor(app)
            v.language = "en-US,en;q=0.9"
            #expect(try await v.get("/signin").body.visibleText.contains("Username or phone"))
            var w = Visitor(app)
            let chosen = try await w.get("/signin?lang=en")
            #expect(chosen.body.visibleText.contains("Username or phone"))
            #expect(w.cookies["jili_lang"] == "en")
            #expect(try await w.get("/signin").body.visibleText.contains("Username or phone"))
            #expect(try await w.get("/signin?lang=zh-CN").body.visibleText.contains("用户名或手机号"))
        }
    }

    @Test func apiErrorsAreJSONAndPageErrorsArePages() async throws {
        try await withTestApp(demo: false) { app in
            var v = Visitor(app)
            let api = try await v.get("/api/v1/nothing")
            #expect(api.status == .notFound)
            #expect(api.headers.contentType == .json)
            #expect(api.body.contains("\"code\":\"not_found\""))
            let page = try await v.get("/nothing")
            #expect(page.status == .notFound)
            #expect(page.body.visibleText.contains("找不到这个页面。"))
        }
    }
}

@Suite struct CatalogTests {
    /// Every message used by a template or by the code exists in both languages.
    @Test func everyMessageExistsInEveryLanguage() throws {
        let catalog = try Catalog(folder: packageRoot + "/Resources/Locales")
        #expect(catalog.missingKeys.isEmpty, "\(catalog.missingKeys)")
        var used = Set<String>()
        let fm = FileManager.default
        for folder in ["/Resources/Views", "/Sources/JiliServer"] {
            let root = packageRoot + folder
            for case let file as String in fm.enumerator(atPath: root)! where file.hasSuffix(".leaf") || file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                for pattern in [#"#t\("([a-z_0-9]+)"\)"#, #"req\.t\("([a-z_0-9]+)""#, #"notice: "([a-z_0-9]+)""#, #"notice: [^"\n]*\? "([a-z_0-9]+)""#,
                                #"notice: [^"\n]*\? "[a-z_0-9]+" : "([a-z_0-9]+)""#] {
                    let regex = try NSRegularExpression(pattern: pattern)
                    for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                        used.insert(String(text[Range(m.range(at: 1), in: text)!]))
                    }
                }
            }
        }
        for role in Role.allCases { used.insert(role.messageKey) }
        for tier in Tiers.ids { used.insert("tier_\(tier)") }
        for status in MemberStatus.allCases { used.insert("status_\(status.rawValue)") }
        let known = Set(catalog.table("zh-CN").keys)
        #expect(used.subtracting(known).isEmpty, "missing messages: \(used.subtracting(known).sorted())")
        #expect(used.count > 70) // the scan found the messages
    }

    /// A key made from a value (`req.t("reward_status_\(r.status)")`) has messages for its prefix,
    /// in both languages.
    @Test func everyInterpolatedKeyHasMessages() throws {
        let catalog = try Catalog(folder: packageRoot + "/Resources/Locales")
        let regex = try NSRegularExpression(pattern: #"t\("([a-z_0-9]+_)\\\("#)
        var prefixes = Set<String>()
        let root = packageRoot + "/Sources/JiliServer"
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                prefixes.insert(String(text[Range(m.range(at: 1), in: text)!]))
            }
        }
        #expect(prefixes.count > 30, "the scan found \(prefixes.count)")
        for language in ["zh-CN", "en"] {
            let keys = catalog.table(language).keys
            let without = prefixes.filter { p in !keys.contains { $0.hasPrefix(p) } }
            #expect(without.isEmpty, "\(language): no messages for \(without.sorted())")
        }
    }

    /// Every value of a status shown to people has its message, in both languages.
    @Test func everyStatusShownHasItsMessage() throws {
        let catalog = try Catalog(folder: packageRoot + "/Resources/Locales")
        func values<S: StoredStatus>(_: S.Type) -> [String] { S.allCases.map(\.rawValue) }
        let shown: [(String, [String])] = [
            ("status_", values(MemberStatus.self)), ("reward_status_", values(Redemption.Status.self)),
            ("claim_status_", values(StudyClaim.Status.self)), ("dispute_status_", values(Dispute.Status.self)),
            ("pay_status_", values(PlanVersion.Status.self)), ("profit_status_", values(ProfitInstallment.Status.self)),
            ("promotion_status_", values(PromotionProposal.Status.self)), ("enrollment_", values(Enrollment.Status.self)),
            ("application_", values(EventApplication.Status.self)), ("wall_kind_", values(WallPost.Kind.self)),
            ("wall_reaction_", values(WallReaction.Kind.self)),
        ]
        for language in ["zh-CN", "en"] {
            let table = catalog.table(language)
            let missing = shown.flatMap { prefix, values in values.map { prefix + $0 } }.filter { table[$0] == nil }
            #expect(missing.isEmpty, "\(language): \(missing)")
        }
        // A status reads as its stored value, in a key as in an audit entry.
        #expect("reward_status_\(Redemption.Status.handedOver)" == "reward_status_handed_over")
    }

    /// Templates hold no text of their own: every word comes from the catalogues.
    @Test func templatesHaveNoChineseOrEnglishProse() throws {
        let root = packageRoot + "/Resources/Views"
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(".leaf") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(!text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(file) has Chinese text")
        }
    }
}
