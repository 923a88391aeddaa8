import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The rewards catalogue: redeeming, approval, handing over, cancelling, races and bad input.
@Suite struct RewardTests {
    func member(_ app: Application, _ code: String) async throws -> Member {
        try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
    }

    func balance(_ app: Application, _ code: String) async throws -> Int64 {
        try await PointsLedger(db: app.db, clock: app.jiliClock).account(try await member(app, code).id!).balance
    }

    func item(_ app: Application, _ name: String) async throws -> RewardItem {
        try #require(try await RewardItem.query(on: app.db).filter(\.$name == name).first())
    }

    @Test func aMemberRedeemsTheWarehouseHandsItOverAndTheHistorySaysSo() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let sample = try await item(app, "护肤小样套装")
            let before = try await balance(app, "m10")
            let page = try await agent.submit("/rewards/\(sample.id!)/redeem", [:], from: "/rewards")
            #expect(page.status == .ok && page.body.visibleText.contains("已兑换“护肤小样套装”，等待发放。"))
            #expect(try await balance(app, "m10") == before - 500)
            let reserved = try await item(app, "护肤小样套装")
            #expect(reserved.reserved == 2 && reserved.stock == 20)
            // The warehouse hands it over: the unit leaves the stock.
            var warehouse = try await Visitor.signedIn(app, "warehouse")
            let mine = try #require(try await Redemption.query(on: app.db).filter(\.$member.$id == (try await member(app, "m10")).id!).sort(\.$id, .descending).first())
            #expect(try await warehouse.get("/rewards/redemptions").body.contains("/rewards/redemptions/\(mine.id!)/hand-over"))
            #expect(try await warehouse.post("/rewards/redemptions/\(mine.id!)/hand-over", [:], from: "/rewards/redemptions").status == .seeOther)
            let after = try await item(app, "护肤小样套装")
            #expect(after.stock == 19 && after.reserved == 1)
            #expect(try await Redemption.find(mine.id, on: app.db)?.status == .handedOver)
            // Again: refused, nothing changes.
            #expect(try await warehouse.post("/rewards/redemptions/\(mine.id!)/hand-over", [:], from: "/rewards/redemptions").body.visibleText.contains("这笔兑换已经处理过了。"))
            #expect(try await item(app, "护肤小样套装").stock == 19)
            // The member reads it in the points history and on the catalogue.
            #expect(try await agent.get("/points").body.visibleText.contains("兑换“护肤小样套装” 2026-11-29 12:00 -500"))
            #expect(try await agent.get("/rewards").body.visibleText.contains("护肤小样套装 2026-11-29 12:00 · 已发放"))
        }
    }

    @Test func cancellingGivesBackThePointsAndTheUnit() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let before = try await balance(app, "m10")
            let demo = try #require(try await Redemption.query(on: app.db).first())
            #expect(try await agent.submit("/rewards/redemptions/\(demo.id!)/cancel", [:], from: "/rewards").body.visibleText.contains("已取消兑换“护肤小样套装”，积分已退回。"))
            #expect(try await balance(app, "m10") == before + 500)
            #expect(try await item(app, "护肤小样套装").reserved == 0)
            // Someone else's: it does not exist for them.
            var other = try await Visitor.signedIn(app, "manager")
            let r = try await RewardService(db: app.db, clock: app.jiliClock).redeem(try await item(app, "护肤小样套装"), for: try await member(app, "m10"), by: .system)
            #expect(try await other.post("/rewards/redemptions/\(r.id!)/cancel", [:], from: "/rewards").status == .notFound)
        }
    }

    @Test func approvalIsNeededWhereTheItemSaysSoAndADeclineGivesEverythingBack() async throws {
        try await withTestApp { app in
            // Enough points for the earphones.
            let m10 = try await member(app, "m10")
            _ = try await PointsLedger(db: app.db, clock: app.jiliClock).settle([m10.id!: ([.init(source: "test:gift", rule: "goal", points: 5_000, validDays: nil,
                                                                                                reason: .init(key: "points_reason_goal", values: ["period": "2026-11"]))], [])])
            var agent = try await Visitor.signedIn(app, "agent")
            let phones = try await item(app, "蓝牙耳机")
            let before = try await balance(app, "m10")
            #expect(try await agent.submit("/rewards/\(phones.id!)/redeem", [:], from: "/rewards").body.visibleText.contains("等待审批"))
            let r = try #require(try await Redemption.query(on: app.db).filter(\.$item.$id == phones.id!).first())
            #expect(r.status == .requested)
            // The warehouse cannot hand over what is not approved; a manager outside the member's team cannot approve.
            var warehouse = try await Visitor.signedIn(app, "warehouse")
            #expect(try await warehouse.post("/rewards/redemptions/\(r.id!)/hand-over", [:], from: "/rewards/redemptions").status == .unprocessableEntity)
            var support = try await Visitor.signedIn(app, "support")
            #expect(try await support.post("/rewards/redemptions/\(r.id!)/approve", [:], from: "/rewards/redemptions").status == .notFound)
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.post("/rewards/redemptions/\(r.id!)/decline", [:], from: "/rewards/redemptions").status == .seeOther)
            #expect(try await balance(app, "m10") == before)
            #expect(try await item(app, "蓝牙耳机").reserved == 0)
            #expect(try await agent.get("/points").body.visibleText.contains("兑换“蓝牙耳机”未获批准，积分退回"))
        }
    }

    @Test func cashIsEnteredInTheLedgerWhenHandedOver() async throws {
        try await withTestApp { app in
            let cash = try await item(app, "现金红包 50 元")
            let r = try await RewardService(db: app.db, clock: app.jiliClock).redeem(cash, for: try await member(app, "m10"), by: .system)
            let owed = try await Ledger(db: app.db).balance("payable:m10")
            var finance = try await Visitor.signedIn(app, "finance")
            var warehouse = try await Visitor.signedIn(app, "warehouse")
            #expect(try await warehouse.post("/rewards/redemptions/\(r.id!)/hand-over", [:], from: "/rewards/redemptions").status == .forbidden)
            #expect(try await finance.post("/rewards/redemptions/\(r.id!)/hand-over", [:], from: "/rewards/redemptions").status == .seeOther)
            #expect(try await Ledger(db: app.db).balance("payable:m10") == owed - 5_000)
            #expect(try await Ledger(db: app.db).total() == 0)
        }
    }

    @Test func notEnoughPointsOrStockIsRefusedAndChangesNothing() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let before = try await balance(app, "m10")
            // Too dear.
            let service = RewardService(db: app.db, clock: app.jiliClock)
            let dear = try await service.create(.init(name: "旅游", kind: "prize", price: before + 1, stock: 5), by: .system)
            let page = try await agent.post("/rewards/\(dear.id!)/redeem", [:], from: "/rewards")
            #expect(page.status == .unprocessableEntity && page.body.visibleText.contains("积分不足：需要 \(before + 1)，可用 \(before)。"))
            #expect(try await balance(app, "m10") == before)
            #expect(try await item(app, "旅游").reserved == 0)
            // None left.
            let none = try await service.create(.init(name: "限量杯", kind: "prize", price: 1, stock: 0), by: .system)
            #expect(try await agent.post("/rewards/\(none.id!)/redeem", [:], from: "/rewards").body.visibleText.contains("“限量杯”已经兑完了。"))
            #expect(try await balance(app, "m10") == before)
            #expect(try await Redemption.query(on: app.db).filter(\.$item.$id ~~ [dear.id!, none.id!]).count() == 0)
        }
    }

    @Test func badItemsAreRefusedWithClearMessages() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let count = try await RewardItem.query(on: app.db).count()
            for (form, message) in [
                (["name": "x", "kind": "prize", "price": "-5", "stock": "1"], "所需积分“-5”必须是大于 0 的整数。"),
                (["name": "x", "kind": "prize", "price": "5", "stock": "-1"], "库存“-1”必须是不小于 0 的整数。"),
                (["name": "x", "kind": "product", "price": "5", "stock": "1", "product": "p999"], "没有编号为“p999”的商品。"),
                (["name": "x", "kind": "cash", "price": "5", "cash": "0"], "现金金额“0”必须是大于 0 的金额（元）。"),
                (["name": "x", "kind": "leave", "price": "5", "days": "400"], "天数“400”必须是 1 到 365 的整数。"),
                (["name": " ", "kind": "prize", "price": "5", "stock": "1"], "请填写名称（最多 60 字）。"),
            ] {
                let page = try await leader.post("/rewards", form, from: "/rewards")
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(form)")
            }
            #expect(try await RewardItem.query(on: app.db).count() == count)
        }
    }

    @Test func twoMembersRacingForTheLastItemCannotBothHaveIt() async throws {
        try await withTestApp { app in
            let service = RewardService(db: app.db, clock: app.jiliClock)
            let last = try await service.create(.init(name: "最后一台", kind: "prize", price: 1, stock: 1), by: .system)
            // Two members who can both afford it.
            let rich = try await PointsBalance.query(on: app.db).all().map { $0.$member.id }
            var buyers: [Member] = []
            for id in rich where buyers.count < 2 {
                if try await PointsLedger(db: app.db, clock: app.jiliClock).account(id).balance >= 1, let m = try await Member.find(id, on: app.db) { buyers.append(m) }
            }
            #expect(buyers.count == 2)
            func attempt(_ m: Member) async -> Bool { (try? await service.redeem(last, for: m, by: .system)) != nil }
            async let a = attempt(buyers[0])
            async let b = attempt(buyers[1])
            let results = await [a, b]
            #expect(results.filter { $0 }.count == 1)
            let after = try await item(app, "最后一台")
            #expect(after.reserved == 1 && after.stock == 1)
            #expect(try await Redemption.query(on: app.db).filter(\.$item.$id == last.id!).count() == 1)
        }
    }
}
