import Fluent
import Foundation
import Testing
import Vapor
@testable import JiliServer

/// The personal questionnaire: saved, checked, shown to whom it concerns, and ordering the catalogue.
@Suite struct MotivationTests {
    @Test func aMemberSaysWhatMotivatesThemAndTheCatalogueFollows() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            // Before: cheapest first.
            func names(_ body: String) -> [String] {
                body.components(separatedBy: "<li class=\"reward\">").dropFirst().map { String($0.components(separatedBy: "<strong>")[1].prefix { $0 != "<" }) }
            }
            #expect(names(try await agent.get("/rewards").body).first == "护肤小样套装")
            let bad = try await agent.post("/motivation", ["income": "2", "recognition": "3", "growth": "3", "time": "4", "family": "9"], from: "/motivation")
            #expect(bad.status == .unprocessableEntity && bad.body.visibleText.contains("请为“家庭”选择 1 到 5 分。"))
            #expect(try await MotivationProfile.query(on: app.db).count() == 0)
            let saved = try await agent.submit("/motivation", ["income": "2", "recognition": "3", "growth": "1", "time": "4", "family": "5"], from: "/motivation")
            #expect(saved.status == .ok && saved.body.visibleText.contains("已保存您的激励偏好。"))
            // Family first: leave comes first in the catalogue, then prizes (recognition), then income, then growth.
            #expect(names(try await agent.get("/rewards").body) == ["带薪家庭日", "蓝牙耳机", "护肤小样套装", "现金红包 50 元", "优先参加培训"])

            // The member's manager reads it with suggestions; an agent upline does not; finance does not.
            var manager = try await Visitor.signedIn(app, "manager")
            let page = try await manager.get("/members/m10").body.visibleText
            #expect(page.contains("激励偏好 家庭 5 · 时间与弹性 4 · 认可与荣誉 3 · 收入 2 · 学习与成长 1"))
            #expect(page.contains("家庭：家庭日、家属福利、带薪假") && !page.contains("成长：优先培训"))
            var finance = try await Visitor.signedIn(app, "finance")
            #expect(!(try await finance.get("/members/m10").body.contains("激励偏好")))
            var own = agent
            #expect(try await own.get("/members/m10").body.visibleText.contains("家庭 5"))
        }
    }

    @Test func redeemedPrivilegesAndLeaveShowOnTheProfile() async throws {
        try await withTestApp { app in
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            _ = try await PointsLedger(db: app.db, clock: app.jiliClock).settle([m10.id!: ([.init(source: "test:gift", rule: "goal", points: 5_000, validDays: nil,
                                                                                                reason: .init(key: "points_reason_goal", values: ["period": "2026-11"]))], [])])
            let service = RewardService(db: app.db, clock: app.jiliClock)
            for name in ["优先参加培训", "带薪家庭日"] {
                _ = try await service.redeem(try #require(try await RewardItem.query(on: app.db).filter(\.$name == name).first()), for: m10, by: .system)
            }
            var manager = try await Visitor.signedIn(app, "manager")
            let page = try await manager.get("/members/m10").body.visibleText
            // 90 days from today (2026-11-29), and the leave waiting for approval.
            #expect(page.contains("兑换的特权与假期 带薪家庭日 1 天（待审批） 优先参加培训 至 2027-02-27"))
        }
    }
}
