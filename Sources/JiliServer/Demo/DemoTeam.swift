import Fluent
import Foundation
import JiliCore
import SQLKit
import Vapor

/// The demo team created on an empty database, so that a newcomer sees a living system at once:
/// the org chart, about 300 members in four tiers several levels deep (a few inactive and left),
/// 20 products, customers, four months of orders with some refunds, and an account per role.
struct DemoTeam {
    let clock: JiliClock
    static let password = "jili-demo-2026"

    /// The demo accounts: username, role, and the member code they are (or, for staff, their name).
    static let accounts: [(username: String, role: Role, member: String?, name: String?)] = [
        ("leader", .leader, "m1", nil), ("director", .director, "m2", nil), ("manager", .salesManager, "m3", nil),
        ("agent", .agent, "m10", nil), ("support", .departmentManager, "m12", nil), ("finance", .finance, nil, "钱慧"),
        ("service", .customerService, nil, "孙悦"), ("trainer", .trainer, nil, "郑晓梅"), ("warehouse", .warehouse, nil, "冯刚"),
    ]

    static let org: [(String, [String])] = [
        ("核心管理层", ["团队领导人", "运营总监"]),
        ("销售部", ["销售经理", "高级销售代表", "普通销售代表"]),
        ("市场推广部", ["市场推广经理", "文案策划", "推广专员"]),
        ("培训部", ["培训经理", "培训讲师"]),
        ("客服部", ["客服经理", "客服专员"]),
        ("供应链管理部", ["采购经理", "仓储物流专员"]),
        ("技术支持部", ["技术经理", "程序员/开发人员"]),
        ("财务部", ["财务经理", "会计"]),
    ]

    static let products: [(String, String, Int64, Int64)] = [
        ("玻尿酸补水面膜", "skincare", 12_800, 4_200), ("烟酰胺精华液", "skincare", 29_900, 9_800),
        ("氨基酸洁面乳", "skincare", 8_900, 2_600), ("防晒霜 SPF50", "skincare", 15_800, 5_100),
        ("胶原蛋白口服液", "health", 39_800, 14_500), ("益生菌固体饮料", "health", 16_800, 5_900),
        ("复合维生素片", "health", 12_900, 3_800), ("鱼油软胶囊", "health", 19_900, 7_200),
        ("五常大米 5kg", "food", 9_900, 5_600), ("有机红枣", "food", 5_900, 2_900),
        ("手工牛轧糖", "food", 4_900, 1_800), ("枸杞原浆", "food", 26_800, 9_900),
        ("纯棉家居服", "apparel", 15_900, 6_200), ("速干运动T恤", "apparel", 8_900, 3_100),
        ("羊毛围巾", "apparel", 22_900, 8_800), ("真丝眼罩", "apparel", 6_900, 2_100),
        ("竹纤维毛巾", "home", 3_900, 1_200), ("香薰加湿器", "home", 19_900, 8_400),
        ("不粘炒锅", "home", 26_900, 11_500), ("收纳整理箱", "home", 7_900, 2_700),
    ]

    static let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
    static let givenNames = ["芳", "娜", "伟", "洋", "静", "敏", "磊", "丽", "强", "艳", "军", "杰", "娟", "涛", "明", "霞", "平", "刚", "婷", "慧",
                             "欣怡", "子涵", "雨桐", "浩然", "梓萱", "一诺", "思远", "佳琪", "晓燕", "春梅", "建华", "志强", "海燕", "秀英", "丹丹", "晨曦"]

    /// Builds the team in memory with ids given in order (the database is empty), then writes it
    /// in a few batched inserts inside one transaction.
    func create(on db: any Database, passwords: AsyncPasswordHasher) async throws {
        let now = clock.now()
        var build = DemoBuild(clock: clock)
        build.orgChart()
        build.people()
        let accounts = build.accounts(passwordHash: try await passwords.hash(Self.password))
        build.catalogue()
        build.customers()
        build.orders()
        build.goals()
        build.payees()
        let rows = build
        try await db.transaction { db in
            try await BatchInsert.insert(rows.departments, on: db)
            try await BatchInsert.insert(rows.positions, on: db)
            try await BatchInsert.insert(rows.members, on: db)
            try await BatchInsert.insert(accounts, on: db)
            try await BatchInsert.insert(rows.products, on: db)
            try await BatchInsert.insert(rows.customerRows, on: db)
            try await BatchInsert.insert(rows.orderRows, on: db)
            try await BatchInsert.insert(rows.lines, on: db)
            try await BatchInsert.insert(rows.refunds, on: db)
            try await BatchInsert.insert(rows.goalRows, on: db)
            try await BatchInsert.insert(rows.payeeRows, on: db)
            try await BatchInsert.advanceSequences(on: db, tables: [Department.schema, Position.schema, Member.schema, Account.schema,
                                                              Product.schema, Customer.schema, Order.schema, OrderLine.schema, Refund.schema, Goal.schema, Payee.schema])
            try await Audit.record(on: db, at: now, actor: .system, action: "create", entity: "demo", id: "demo-team", before: nil,
                                   after: ["members": "\(rows.members.count)", "orders": "\(rows.orderRows.count)", "refunds": "\(rows.refunds.count)"])
        }
    }

    /// The demo's plan (all seven rule types) in force from three months back, and those months
    /// settled and approved, so that statements are there to read at once.
    func settleDemoMonths(on db: any Database, files: String) async throws {
        let pay = PayService(db: db, clock: clock)
        let current = clock.currentPeriod
        let version = try await pay.createVersion(name: "2026 标准方案", json: DemoGenerator.planJSON, by: .system)
        try await pay.activate(version, from: Period(index: current.index - 3), by: .system)
        for back in [3, 2, 1] {
            let month = Period(index: current.index - Int32(back))
            _ = try await pay.draft(month, by: .system)
            try await pay.approve(month, by: .system)
        }
        _ = try await ChampionService(db: db, clock: clock).run(months: 3)
        // Titles: one given by hand, 进步之星 and a milestone by the job.
        let titles = TitleService(db: db, clock: clock)
        let best = try await titles.define(name: "最佳团队成员", icon: "★", rule: "manual", thresholdFen: 0, privilege: "优先参加培训", days: 90, trainingPriority: true, by: .system)
        _ = try await titles.define(name: "进步之星", icon: "▲", rule: "progress_star", thresholdFen: 100_000, privilege: "", days: 0, by: .system)
        _ = try await titles.define(name: "五万俱乐部", icon: "◆", rule: "milestone", thresholdFen: 5_000_000, privilege: "", days: 0, by: .system)
        if let m10 = try await Member.query(on: db).filter(\.$code == "m10").first() {
            try await titles.grant(best, to: m10, reason: "本月带新人成交三单，耐心细致。", by: .system)
        }
        _ = try await titles.run()
        // Contests: this month's sales sprint (live), and last month's departments (frozen on first look).
        let contests = ContestService(db: db, clock: clock)
        func day(_ p: Period, _ d: Int) -> Int64 { CivilDate.days(year: p.year, month: p.month, day: d) }
        _ = try await contests.create(name: "\(current.month)月销售冲刺", kind: .individual, metric: .volume, startsOn: day(current, 1),
                                      endsOn: day(current, CivilDate.daysInMonth(year: current.year, month: current.month)), tiers: [], teams: [],
                                      prizes: [.init(rank: 1, text: "华为平板", cashFen: 100_000), .init(rank: 2, text: "", cashFen: 50_000),
                                               .init(rank: 3, text: "", cashFen: 30_000)], by: .system)
        let last = current.previous
        _ = try await contests.create(name: "\(last.month)月部门对抗", kind: .department, metric: .volume, startsOn: day(last, 1),
                                      endsOn: day(last, CivilDate.daysInMonth(year: last.year, month: last.month)), tiers: [], teams: [],
                                      prizes: [.init(rank: 1, text: "团队聚餐", cashFen: 0)], by: .system)
        // Counted activities: customer visits and live streams beside the built-in training, this
        // month's records of a few members, and the demo agent's goal of 20 customer visits.
        let activities = ActivityService(db: db, clock: clock)
        _ = try await activities.defineKind(code: "customer_visit", name: "客户回访", by: .system)
        _ = try await activities.defineKind(code: "live_stream", name: "直播", by: .system)
        let today = Int(clock.format(clock.now(), "dd")) ?? 1
        for (code, kind, perDay) in [("m10", "customer_visit", 2), ("m11", "customer_visit", 1), ("m3", "live_stream", 1), ("m10", "training", 1), ("m12", "training", 1)] {
            guard let member = try await Member.query(on: db).filter(\.$code == code).first() else { continue }
            for d in stride(from: 1, through: today, by: kind == "customer_visit" ? 2 : 7) {
                try await activities.record(member, kind: kind, day: day(current, d), count: perDay, note: "", by: .system)
            }
            if code == "m10", kind == "customer_visit" {
                try await GoalService(db: db, clock: clock).set(.init(scope: .member, member: member), window: GoalWindow(kind: .month, lastMonth: current),
                                                                metric: .activity("customer_visit"), target: 20, by: .system)
            }
        }
        // Points: 1 per ¥10 of sales (at most 5,000 a month), 200 a goal reached, 500 a prized contest
        // rank, 10 a praise (at most 100 a month), 50 a training; valid a year. The job has run once.
        let rules = PointsRules(db: db, clock: clock)
        for (trigger, points, unitFen, cap) in [("sales", 1, 1_000, 5_000), ("goal", 200, 0, nil), ("contest", 500, 0, nil),
                                                ("praise", 10, 0, 100), ("activity:training", 50, 0, nil)] as [(String, Int64, Int64, Int64?)] {
            try await rules.set(trigger: trigger, .init(points: points, unitFen: unitFen, cap: cap, days: 365, active: true), by: .system)
        }
        // The praise wall: the leader's story (pinned), a manager's praise of an agent, reactions and a comment.
        let wall = PraiseWall(db: db, clock: clock, files: files)
        func account(_ name: String) async throws -> Account? { try await Account.query(on: db).filter(\.$username == name).first() }
        if let leader = try await account("leader"), let manager = try await account("manager"), let director = try await account("director") {
            let story = try await wall.post(by: leader, kind: .story, about: "", text: "我是怎样带出第一支团队的：先把产品用透，再把客户服务好，每周和伙伴复盘一次。坚持一年，团队从 3 人到 30 人。", photo: nil)
            try await wall.pin(story, true, by: .account(leader))
            let praise = try await wall.post(by: manager, kind: .praise, about: "m10", text: "本周耐心回访了 12 位老客户，两位再次下单。谢谢你的细心！", photo: nil)
            try await wall.react(praise, kind: .like, by: leader)
            try await wall.react(praise, kind: .flower, by: leader)
            _ = try await wall.comment(on: praise, text: "干得漂亮，大家向你学习！", by: director)
        }
        _ = try await PointsEarning(db: db, clock: clock).run()
        // The rewards catalogue, and the demo agent's redemption waiting for the warehouse.
        let rewards = RewardService(db: db, clock: clock)
        var sample: RewardItem?
        let items: [RewardService.Item] = [
            .init(name: "护肤小样套装", kind: "product", price: 500, stock: 20, productCode: "p1"),
            .init(name: "蓝牙耳机", kind: "prize", price: 3000, stock: 3, needsApproval: true),
            .init(name: "现金红包 50 元", kind: "cash", price: 800, cashFen: 5_000),
            .init(name: "优先参加培训", kind: "privilege", price: 1000, days: 90, trainingPriority: true),
            .init(name: "带薪家庭日", kind: "leave", price: 2000, needsApproval: true, days: 1),
        ]
        for input in items {
            let item = try await rewards.create(input, by: .system)
            if input.kind == "product" { sample = item }
        }
        if let sample, let m10 = try await Member.query(on: db).filter(\.$code == "m10").first() {
            _ = try await rewards.redeem(sample, for: m10, by: .system)
        }
        // Training: a product course with lessons and a quiz (pass mark 80), a compliance course passed
        // by attending, and next week's session of each.
        let training = TrainingService(db: db, clock: clock)
        let product = try await training.createCourse(title: "明星产品知识：补水面膜", category: "product",
                                                      summary: "成分、适用肤质与常见问答。", passMark: 80, by: .system)
        _ = try await training.addLesson(to: product, title: "成分与功效", kind: "text", body: "玻尿酸补水，烟酰胺提亮。每周 2–3 次，每次 15 分钟。")
        _ = try await training.addLesson(to: product, title: "门店演示视频", kind: "video", body: "https://example.com/videos/mask-demo")
        _ = try await training.addQuestion(to: product, prompt: "面膜建议每次敷多久？", choices: ["5 分钟", "15 分钟", "1 小时"], answer: 2)
        _ = try await training.addQuestion(to: product, prompt: "主要补水成分是？", choices: ["玻尿酸", "酒精"], answer: 1)
        let compliance = try await training.createCourse(title: "合规经营：不夸大、不拉人头", category: "compliance",
                                                         summary: "《禁止传销条例》要点与朋友圈宣传规范。", passMark: 60, by: .system)
        _ = try await training.addLesson(to: compliance, title: "三条红线", kind: "text", body: "不收入门费；不按拉人头计酬；不夸大产品功效。")
        let trainer = try await Account.query(on: db).filter(\.$username == "trainer").first()
        // A week from today at 14:00, in the team's zone.
        let parts = clock.format(clock.now().addingTimeInterval(7 * 86_400), "yyyy-MM-dd").split(separator: "-").compactMap { Int($0) }
        let nextWeek = Date(timeIntervalSince1970: Double(PlanClock(timeZone: clock.timeZone).instant(
            fromWall: CivilDate.days(year: parts[0], month: parts[1], day: parts[2]) * 86_400 + 14 * 3_600)))
        for (course, offset, place) in [(product, 0.0, "总部培训室 A"), (compliance, 86_400.0, "线上（腾讯会议）")] {
            _ = try await training.createSession(course, startsAt: nextWeek.addingTimeInterval(offset), endsAt: nextWeek.addingTimeInterval(offset + 7_200),
                                                 place: place, seats: 20, trainer: trainer, seatsAt: nil, by: .system)
        }
        // Five days ago, the compliance course was taught to three agents: the trainer has still to
        // record who came (made as a week earlier's clock would have, when it was still to come).
        let earlier = clock.now().addingTimeInterval(-8 * 86_400)
        let before = TrainingService(db: db, clock: JiliClock(now: { earlier }, timeZone: clock.timeZone))
        let held = try await before.createSession(compliance, startsAt: nextWeek.addingTimeInterval(-12 * 86_400), endsAt: nextWeek.addingTimeInterval(-12 * 86_400 + 5_400),
                                                  place: "总部培训室 B", seats: 20, trainer: trainer, seatsAt: nil, by: .system)
        for code in ["m14", "m15", "m16"] {
            if let m = try await Member.query(on: db).filter(\.$code == code).first() { _ = try await before.enroll(held, member: m, by: .system) }
        }
        // Seated when enrolment closed, the day before it.
        _ = try await TrainingService(db: db, clock: JiliClock(now: { held.startsAt.addingTimeInterval(-3_600) }, timeZone: clock.timeZone)).seatClosed()
        // Study support: ¥3,000 a year for everyone, more for the upper tiers; an industry event in three weeks.
        try await StudyService(db: db, clock: clock).setLimits(["": 300_000, "general": 500_000, "director": 800_000], by: .system)
        let inThreeWeeks = clock.today + 21
        let applyBy = clock.today + 14
        _ = try await EventService(db: db, clock: clock).create(name: "中国美妆私域增长大会", organizer: "行业协会", place: "杭州国际博览中心",
                                                               startsOn: inThreeWeeks, endsOn: inThreeWeeks, applyBy: applyBy, link: "https://example.com/summit",
                                                               summary: "私域运营、社群转化与合规宣传的实战分享。", by: .system)
        // The promotion ladder, and last month evaluated against it (proposals wait for managers).
        let promotion = PromotionService(db: db, clock: clock)
        try await promotion.publish(Self.ladder, by: .system)
        _ = try await promotion.evaluate(period: current.previous)
        // What the home pages show of the team, as the background of `jili serve` keeps it.
        try await TeamFigures(db: db, clock: clock).refresh(deep: true)
        try await Estimates(db: db, clock: clock).refresh(force: true)
    }

    /// vip → agent: ¥10,000 of own sales over three months; → general: ¥30,000 of team sales over
    /// three months, two direct members who sold ¥500 each, a course, a clean record (kept with
    /// ¥10,000 of team sales); → director: ¥150,000 of team sales, four sellers, a year's tenure.
    static let ladder = Ladder(steps: [
        .init(tier: "vip", reach: []),
        .init(tier: "agent", reach: [.init(.personalVolume, target: 1_000_000, months: 3)]),
        .init(tier: "general", reach: [.init(.teamVolume, target: 3_000_000, months: 3), .init(.activeDirects, target: 2, months: 3, minSalesFen: 50_000),
                                       .init(.courses, target: 1), .init(.clean, target: 0)],
              keep: [.init(.teamVolume, target: 1_000_000, months: 3)]),
        .init(tier: "director", reach: [.init(.teamVolume, target: 15_000_000, months: 3), .init(.activeDirects, target: 4, months: 3, minSalesFen: 50_000),
                                        .init(.tenure, target: 12), .init(.clean, target: 0)]),
    ])

}
