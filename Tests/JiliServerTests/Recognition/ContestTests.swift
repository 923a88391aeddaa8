import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct ContestTests {
    func service(_ app: Application) -> ContestService { ContestService(db: app.db, clock: JiliClock(now: { testNow })) }

    /// Net sales of the month by active member (orders are placed in their month in the team's zone).
    func monthSales(_ app: Application, _ month: String) async throws -> [String: Int64] {
        let volumes = try await TeamQueries(db: app.db).monthVolumes(period: month)
        var out: [String: Int64] = [:]
        for m in try await Member.query(on: app.db).filter(\.$status == .active).all() where volumes[m.id!] != nil { out[m.code] = volumes[m.id!] }
        return out
    }

    @Test func aLiveIndividualBoardRanksTheMonthsSales() async throws {
        try await withTestApp { app in
            let sprint = try #require(try await Contest.query(on: app.db).filter(\.$kind == "individual").first())
            let standings = try await service(app).standings(sprint)
            // Everyone's sales but those of the people who run it: the leader (m1) and the director (m2).
            let sales = try await monthSales(app, "2026-11").filter { !["m1", "m2"].contains($0.key) }
            #expect(Dictionary(uniqueKeysWithValues: standings.map { ($0.subject, $0.value) }) == sales)
            #expect(standings.map(\.rank) == Ranking.rank(sales.map { (id: $0.key, value: $0.value) }).map(\.rank))
            #expect(zip(standings, standings.dropFirst()).allSatisfy { $0.value >= $1.value })
            // Everyone reads the board; the agent's own line is marked; the big screen reloads itself.
            var agent = try await Visitor.signedIn(app, "agent")
            let board = try await agent.get("/contests/\(sprint.id!)")
            #expect(board.status == .ok && board.body.visibleText.contains(standings[0].label))
            let mine = try #require(standings.first { $0.subject == "m10" })
            if mine.rank <= 50 { #expect(board.body.contains("class=\"mine\"")) } else { #expect(board.body.visibleText.contains("我的名次：第 \(mine.rank)")) }
            let screen = try await agent.get("/contests/\(sprint.id!)/screen").body
            #expect(screen.contains(#"<meta http-equiv="refresh" content="30">"#) && !screen.contains("<nav"))
            // The big screen shows the first twenty, and the agent's own place below when lower.
            #expect(screen.components(separatedBy: "<span class=\"rank\">").count - 1 == min(20, standings.count) + (mine.rank > 20 ? 1 : 0))
            if mine.rank > 20 { #expect(screen.contains("class=\"mine-line\"")) }
            #expect(sprint.status == .open)
        }
    }

    @Test func aBoardWritesNamesAsTextAndIsKeptForItsLifetime() async throws {
        try await withTestApp { app in
            let sprint = try #require(try await Contest.query(on: app.db).filter(\.$kind == "individual").first())
            let top = try #require(try await service(app).standings(sprint).first)
            let member = try #require(try await Member.query(on: app.db).filter(\.$code == top.subject).first())
            var agent = try await Visitor.signedIn(app, "agent")
            _ = try await agent.get("/contests/\(sprint.id!)")
            // A name that looks like markup, changed after the board was kept: the kept board still has
            // the old name; once forgotten, the new one shows, as text.
            member.name = "<b>王</b>"
            try await member.save(on: app.db)
            let kept = try await agent.get("/contests/\(sprint.id!)").body
            #expect(kept.visibleText.contains(top.label) && !kept.contains("&lt;b&gt;"))
            await app.leaderboards.forget(sprint.id!)
            let fresh = try await agent.get("/contests/\(sprint.id!)").body
            #expect(fresh.contains("&lt;b&gt;王&lt;/b&gt; (\(top.subject))") && !fresh.contains("<b>王</b>"))
        }
    }

    @Test func anEndedContestFreezesOnceWithItsCashPrizes() async throws {
        try await withTestApp { app in
            let contests = service(app)
            let october = try await contests.create(name: "十月个人赛", kind: .individual, metric: .volume, startsOn: Dates.day("2026-10-01")!, endsOn: Dates.day("2026-10-31")!,
                                                    tiers: [], teams: [], prizes: [.init(rank: 1, text: "旅游", cashFen: 88_800), .init(rank: 2, text: "手机", cashFen: 0)],
                                                    by: .system)
            let expected = try await contests.compute(october)
            let winner = try #require(expected.first)
            let owedBefore = try await Ledger(db: app.db).balance("payable:\(winner.subject)")
            // The first look after the last day freezes it.
            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.get("/contests/\(october.id!)").body.visibleText
            #expect(page.contains("结果已锁定于") && page.contains("第 1 名：旅游 + ¥888.00"))
            let frozen = try #require(try await Contest.find(october.id, on: app.db))
            #expect(frozen.status == .frozen)
            #expect(try await contests.standings(frozen) == expected)
            #expect(try await Ledger(db: app.db).balance("payable:\(winner.subject)") == owedBefore - 88_800)
            #expect(try await Ledger(db: app.db).total() == 0)
            // Again: nothing frozen twice, no second prize.
            #expect(try await contests.freeze(frozen, by: .system) == false)
            #expect(try await contests.freezeEnded(by: .system) == 1)  // the demo's October department contest
            #expect(try await contests.freezeEnded(by: .system) == 0)
            #expect(try await JournalEntry.query(on: app.db).filter(\.$source == "contest:\(october.id!)").count() == 1)
            // A refund of an October order after the freeze does not move the results.
            let order = try #require(try await Order.query(on: app.db).filter(\.$period == "2026-10").filter(\.$refundedFen == 0).first())
            _ = try await OrderService(db: app.db, clock: JiliClock(now: { testNow })).refund(order: order, amountFen: order.amountFen, at: nil, code: nil, by: .system)
            #expect(try await contests.standings(frozen) == expected)
            // The winner reads the prize in their balance history.
            let history = try await BalanceHistory.load(member: winner.subject, on: app.db)
            #expect(history.rows.last?.kind == "prize" && history.rows.last?.changeFen == 88_800)
        }
    }

    @Test func aPrizeCanBeAnHonorTitleGivenAtTheFreeze() async throws {
        try await withTestApp { app in
            let contests = service(app)
            let title = try #require(try await Title.query(on: app.db).filter(\.$name == "最佳团队成员").first())
            // Through the form, as the leader would.
            var leader = try await Visitor.signedIn(app, "leader")
            let created = try await leader.post("/contests", ["name": "十月之星", "kind": "individual", "metric": "orders", "starts": "2026-10-01",
                                                              "ends": "2026-10-31", "prize1": "奖杯", "title1": "\(title.id!)"], from: "/contests")
            let contest = try #require(try await Contest.query(on: app.db).filter(\.$name == "十月之星").first())
            #expect(created.location == "/contests/\(contest.id!)")
            let winners = try await contests.compute(contest).filter { $0.rank == 1 }
            let board = try await leader.get("/contests/\(contest.id!)").body.visibleText
            #expect(board.contains("第 1 名：奖杯 + ★ 最佳团队成员"))
            for w in winners {
                let member = try #require(try await Member.query(on: app.db).filter(\.$code == w.subject).first())
                let honor = try #require(try await Honor.query(on: app.db).filter(\.$key == "title:\(title.id!):contest:\(contest.id!):\(w.subject)").first())
                #expect(honor.$member.id == member.id && honor.reason == "“十月之星”第 1 名" && honor.value == w.value)
                let notice = try #require(try await Notice.query(on: app.db).filter(\.$event == "prize:contest:\(contest.id!):\(w.subject)").first())
                #expect(notice.values.contains("奖杯 + ★ 最佳团队成员"))
            }
            #expect(try await Honor.query(on: app.db).filter(\.$window == "contest:\(contest.id!)").count() == winners.count)
        }
    }

    @Test func aPrizeCanBePointsAndAnItemFromTheRewardsCatalogue() async throws {
        try await withTestApp { app in
            let phones = try #require(try await RewardItem.query(on: app.db).filter(\.$name == "蓝牙耳机").first())
            var leader = try await Visitor.signedIn(app, "leader")
            _ = try await leader.post("/contests", ["name": "十月积分赛", "kind": "individual", "metric": "volume", "starts": "2026-10-01",
                                                   "ends": "2026-10-31", "points1": "300", "item1": "\(phones.id!)"], from: "/contests")
            let contest = try #require(try await Contest.query(on: app.db).filter(\.$name == "十月积分赛").first())
            let winners = try await service(app).compute(contest).filter { $0.rank == 1 }
            // The first look freezes it: the board says what first place won.
            #expect(try await leader.get("/contests/\(contest.id!)").body.visibleText.contains("第 1 名：300 积分 + 蓝牙耳机"))
            for w in winners {
                let member = try #require(try await Member.query(on: app.db).filter(\.$code == w.subject).first())
                let lot = try #require(try await PointsLotRow.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$source == "contest-prize:\(contest.id!)").first())
                #expect(lot.amount == 300 && lot.expiresAt != nil)
                let r = try #require(try await Redemption.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$item.$id == phones.id!).first())
                #expect(r.status == .approved && r.points == 0)
            }
            #expect(try await RewardItem.find(phones.id, on: app.db)?.reserved == winners.count)
        }
    }

    @Test func aWinnerChoosesThePrizeKindTheyPrefer() async throws {
        try await withTestApp { app in
            let phones = try #require(try await RewardItem.query(on: app.db).filter(\.$name == "蓝牙耳机").first())
            var leader = try await Visitor.signedIn(app, "leader")
            _ = try await leader.post("/contests", ["name": "十月任选赛", "kind": "individual", "metric": "volume", "starts": "2026-10-01", "ends": "2026-10-31",
                                                   "cash1": "500", "points1": "800", "item1": "\(phones.id!)", "choice1": "on",
                                                   "ranks_organisers": "on"], from: "/contests")
            let contest = try #require(try await Contest.query(on: app.db).filter(\.$name == "十月任选赛").first())
            let winner = try #require(try await service(app).compute(contest).first { $0.rank == 1 })
            #expect(try await leader.get("/contests/\(contest.id!)").body.visibleText.contains("第 1 名：¥500.00 或 800 积分 或 蓝牙耳机"))
            let member = try #require(try await Member.query(on: app.db).filter(\.$code == winner.subject).first())
            // Nothing given yet: the winner chooses.
            let choice = try #require(try await PrizeChoice.query(on: app.db).filter(\.$member.$id == member.id!).first())
            #expect(choice.status == .open)
            #expect(try await JournalEntry.query(on: app.db).filter(\.$source == "contest:\(contest.id!)").count() == 0)
            #expect(try await Notice.query(on: app.db).filter(\.$event == "prize:contest:\(contest.id!):\(winner.subject)").first()?.message == "notice_prize_choose")
            let account = try #require(try await Account.query(on: app.db).filter(\.$member.$id == member.id!).first())
            // Not theirs: it does not exist for someone else.
            var other = try await Visitor.signedIn(app, account.username == "agent" ? "director" : "agent")
            #expect(try await other.post("/contests/\(contest.id!)/choose", ["choice": "\(choice.id!)", "option": "cash"], from: "/contests").status == .notFound)
            // October's first is the leader (m1), ranked as the contest says: their board offers the three, and they take the points.
            #expect(account.username == "leader")
            let board = try await leader.get("/contests/\(contest.id!)").body
            #expect(board.visibleText.contains("选择您的奖品 ¥500.00 800 积分 蓝牙耳机"))
            let contests = service(app)
            await #expect(throws: (any Error).self) { try await contests.choose(choice, option: "trip", by: .system) }
            #expect(try await leader.post("/contests/\(contest.id!)/choose", ["choice": "\(choice.id!)", "option": "points"], from: "/contests/\(contest.id!)").status == .seeOther)
            #expect(!(try await leader.get("/contests/\(contest.id!)").body.contains("选择您的奖品")))
            let lot = try #require(try await PointsLotRow.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$source == "contest-prize:\(contest.id!)").first())
            #expect(lot.amount == 800)
            #expect(try await JournalEntry.query(on: app.db).filter(\.$source == "contest:\(contest.id!)#\(winner.subject)").count() == 0)
            #expect(try await Redemption.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$item.$id == phones.id!).count() == 0)
            // Once.
            let again = try #require(try await PrizeChoice.find(choice.id, on: app.db))
            await #expect(throws: (any Error).self) { try await contests.choose(again, option: "cash", by: .system) }
            #expect(try await JournalEntry.query(on: app.db).filter(\.$source == "contest:\(contest.id!)#\(winner.subject)").count() == 0)
        }
    }

    @Test func teamsDepartmentsGrowthAndTiers() async throws {
        try await withTestApp { app in
            let contests = service(app)
            let queries = TeamQueries(db: app.db)
            let teams = try await contests.create(name: "团队赛", kind: .subtree, metric: .volume, startsOn: Dates.day("2026-11-01")!, endsOn: Dates.day("2026-11-30")!,
                                                  tiers: [], teams: ["m2", "m3"], prizes: [], by: .system)
            let standings = try await contests.compute(teams)
            for code in ["m2", "m3"] {
                let head = try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
                // The director (m2) heads a team but does not compete: their own sales count for no one.
                let subtree = try await Member.query(on: app.db).filter(\.$path =~ head.path).filter(\.$status == .active).all()
                    .filter { !["m1", "m2"].contains($0.code) }.compactMap(\.id)
                let volumes = try await queries.monthVolumes(period: "2026-11", scope: .subtree(path: head.path))
                #expect(standings.first { $0.subject == "subtree:\(code)" }?.value == subtree.reduce(0) { $0 + (volumes[$1] ?? 0) })
            }
            let departments = try await contests.compute(try await contests.create(name: "部门赛", kind: .department, metric: .orders,
                                                                                      startsOn: Dates.day("2026-11-01")!, endsOn: Dates.day("2026-11-30")!, tiers: [], teams: [], prizes: [], by: .system))
            #expect(!departments.isEmpty && departments.allSatisfy { $0.subject.hasPrefix("department:") })
            // Growth: November over October (the same length before), in basis points.
            let growth = try await contests.compute(try await contests.create(name: "进步赛", kind: .individual, metric: .growth,
                                                                                 startsOn: Dates.day("2026-11-01")!, endsOn: Dates.day("2026-11-30")!, tiers: [], teams: [], prizes: [], by: .system))
            let november = try await monthSales(app, "2026-11")
            // The window before November's 30 days is October 2–31: the top member's growth by hand.
            let top = try #require(growth.first)
            let member = try #require(try await Member.query(on: app.db).filter(\.$code == top.subject).first())
            let from = ISO8601DateFormatter().date(from: "2026-10-01T16:00:00Z")!, to = ISO8601DateFormatter().date(from: "2026-10-31T16:00:00Z")!
            let before = try await Order.query(on: app.db).filter(\.$member.$id == member.id!).filter(\.$paidAt >= from).filter(\.$paidAt < to).all()
                .reduce(Int64(0)) { $0 + $1.amountFen - $1.refundedFen }
            let now = try #require(november[top.subject])
            #expect(before > 0 && top.value == (now - before) * 10_000 / before)
            #expect(zip(growth, growth.dropFirst()).allSatisfy { $0.value >= $1.value })
            // Only the tiers ticked take part.
            let vips = try await contests.compute(try await contests.create(name: "VIP 赛", kind: .individual, metric: .volume,
                                                                               startsOn: Dates.day("2026-11-01")!, endsOn: Dates.day("2026-11-30")!, tiers: ["vip"], teams: [], prizes: [], by: .system))
            let vipCodes = Set(try await Member.query(on: app.db).filter(\.$tier == "vip").all().map(\.code))
            #expect(!vips.isEmpty && vips.allSatisfy { vipCodes.contains($0.subject) })
        }
    }

    @Test func badContestsAreRefusedWithClearMessages() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let before = try await Contest.query(on: app.db).count()
            let base = ["name": "测试赛", "kind": "individual", "metric": "volume", "starts": "2026-12-01", "ends": "2026-12-31"]
            for (change, message) in [
                (["ends": "2026-11-15"], "结束日期 2026-11-15 早于开始日期 2026-12-01。"),
                (["starts": "2026-02-30"], "“2026-02-30”不是日期（如 2026-11-30）。"),
                (["kind": "subtree", "teams": "m2"], "团队对抗至少要有两支队伍（填写队长的成员编号）。"),
                (["kind": "subtree", "teams": "m2, m99999"], "没有编号为“m99999”的成员。"),
                (["cash1": "-5"], "第 1 名奖金：必须是不小于 0 的金额（元，最多两位小数）。"),
                (["name": " "], "请填写竞赛名称（最多 100 字）。"),
                (["title1": "999"], "没有编号为 999 的荣誉称号。"),
                (["points1": "许多"], "第 1 名积分：必须是 0 到 1000000 的整数。"),
                (["scope": "subtree", "scope_member": "m99999"], "没有编号为“m99999”的成员。"),
                (["scope": "department:999"], "请从列表中选择参赛范围。"),
                (["kind": "department", "scope": "department:1"], "参赛范围只用于个人赛。"),
                (["item1": "999"], "兑换目录里没有编号为 999 的商品或奖品。"),
            ] {
                let page = try await leader.post("/contests", base.merging(change) { $1 }, from: "/contests")
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(change)")
            }
            #expect(try await Contest.query(on: app.db).count() == before)
            let made = try await leader.post("/contests", base.merging(["kind": "subtree", "teams": "m2，m3", "prize1": "奖杯", "cash1": "500"]) { $1 }, from: "/contests")
            #expect(made.status == .seeOther)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "contest").filter(\.$action == "create").count() == 3)
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post("/contests", base, from: "/contests").status == .forbidden)
        }
    }

    /// A form with several mistakes comes back once, with what was typed and each field's reason.
    @Test func aRefusedContestFormKeepsEverythingAndMarksEachField() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            leader.sendsReferer = true
            let typed = ["name": "十二月冲刺", "kind": "individual", "metric": "volume", "starts": "2026-12-10", "ends": "2026-12-01", "teams": "m2, m3",
                         "prize1": "华为平板", "cash1": "-5", "points1": "三百", "prize2": "耳机", "cash2": "200", "tier_vip": "on", "scope": "subtree", "scope_member": ""]
            let back = try await leader.submit("/contests", typed, from: "/contests")
            #expect(back.body.visibleText.contains("有 4 处需要修改，见标出的字段。"))
            let kept = try #require(back.kept)
            #expect(back.keptValues == typed)
            let fields = try #require(kept["fields"] as? [String: String])
            #expect(fields == ["scope_member": "请填写成员编号：这位成员和他的全部下线参赛。", "ends": "结束日期 2026-12-01 早于开始日期 2026-12-10。",
                               "cash1": "第 1 名奖金：必须是不小于 0 的金额（元，最多两位小数）。", "points1": "第 1 名积分：必须是 0 到 1000000 的整数。"])
            #expect(kept["field"] as? String == "scope_member")
        }
    }

    /// A members' contest for one department or one member's downline ranks only them; the people who
    /// run contests are ranked only when it says so; one that has not started is 即将开始.
    @Test func aContestsScopeOrganisersAndStart() async throws {
        try await withTestApp { app in
            let contests = service(app)
            let november = (Dates.day("2026-11-01")!, Dates.day("2026-11-30")!)
            let m3 = try #require(try await TeamQueries(db: app.db).member(code: "m3"))
            let branch = try await contests.compute(try await contests.create(name: "张明团队赛", kind: .individual, metric: .volume, startsOn: november.0,
                                                                                 endsOn: november.1, tiers: [], teams: [], prizes: [], scope: "subtree:m3", by: .system))
            let downline = Set(try await Member.query(on: app.db).filter(\.$path =~ m3.path).all().map(\.code))
            #expect(!branch.isEmpty && branch.allSatisfy { downline.contains($0.subject) } && branch.contains { $0.subject == "m3" })
            let sales = try await monthSales(app, "2026-11")
            #expect(Dictionary(uniqueKeysWithValues: branch.map { ($0.subject, $0.value) }) == sales.filter { downline.contains($0.key) })
            let department = try #require(m3.$department.id)
            let inDepartment = Set(try await Member.query(on: app.db).filter(\.$department.$id == department).all().map(\.code))
            let byDepartment = try await contests.compute(try await contests.create(name: "部门内个人赛", kind: .individual, metric: .volume, startsOn: november.0,
                                                                                       endsOn: november.1, tiers: [], teams: [], prizes: [], scope: "department:\(department)", by: .system))
            #expect(!byDepartment.isEmpty && byDepartment.allSatisfy { inDepartment.contains($0.subject) })
            // The leader sold in November: ranked only when the contest says so.
            #expect(sales["m1"] != nil)
            let everyone = try await contests.compute(try await contests.create(name: "全员赛", kind: .individual, metric: .volume, startsOn: november.0,
                                                                                   endsOn: november.1, tiers: [], teams: [], prizes: [], ranksOrganisers: true, by: .system))
            #expect(everyone.contains { $0.subject == "m1" } && everyone.count == sales.count)
            // Not started: listed under 即将开始 with its first day, its board says when it starts.
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.post("/contests", ["name": "十二月冲刺", "kind": "individual", "metric": "volume", "starts": "2026-12-01", "ends": "2026-12-31",
                                                       "scope": "subtree", "scope_member": "m3"], from: "/contests").status == .seeOther)
            let december = try #require(try await Contest.query(on: app.db).filter(\.$name == "十二月冲刺").first())
            #expect(december.scope == "subtree:m3" && !december.ranksOrganisers)
            let list = try await leader.get("/contests").body.visibleText
            #expect(list.contains("即将开始 十二月冲刺 个人赛 · 销售额 2026-12-01 开始"))
            let board = try await leader.get("/contests/\(december.id!)").body.visibleText
            #expect(board.contains("参赛：\(m3.name) (m3) 及其全部下线") && board.contains("即将开始 · 比赛 2026-12-01 开始，开始后这里显示实时排名。"))
            #expect(!board.contains("实时排名，更新于") && !board.contains("还没有人上榜"))
        }
    }
}
