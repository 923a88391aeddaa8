import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Passwords changed and reset, roles given and taken, accounts disabled and members who left:
/// each ends the sessions it must, at once, and is audited.
@Suite struct AccountTests {
    @Test func changingOnesPasswordEndsEveryOtherSession() async throws {
        try await withTestApp { app in
            var phone = try await Visitor.signedIn(app, "agent")
            phone.sendsReferer = true
            var laptop = try await Visitor.signedIn(app, "agent")
            let wrong = try await phone.submit("/account/password", ["current_password": "not-it", "password": "new-password-1", "password_confirm": "new-password-1"],
                                               from: "/account/password")
            #expect(wrong.body.visibleText.contains("当前密码不对。"))
            #expect(wrong.kept?["field"] as? String == "current_password", "\(String(describing: wrong.kept))")
            #expect(wrong.keptValues == nil || wrong.keptValues == [:])
            let short = try await phone.submit("/account/password", ["current_password": DemoTeam.password, "password": "short", "password_confirm": "short"],
                                               from: "/account/password")
            #expect(short.body.visibleText.contains("密码需要 8 到 128 个字符。"))
            let done = try await phone.submit("/account/password", ["current_password": DemoTeam.password, "password": "new-password-1",
                                                                    "password_confirm": "new-password-1"], from: "/account/password")
            #expect(done.body.visibleText.contains("密码已修改。其他设备上的登录已退出。"))
            // This browser stays signed in; the other is signed out; the old password no longer works.
            #expect(try await phone.get("/dashboard").status == .ok)
            #expect(try await laptop.get("/dashboard").location?.hasPrefix("/signin") == true)
            var someone = Visitor(app)
            #expect(try await someone.signIn("agent").status == .unauthorized)
            #expect(try await someone.signIn("agent", password: "new-password-1").location == "/dashboard")
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "change_password").count() == 1)
        }
    }

    @Test func aResetLinkSetsANewPasswordAndEndsTheOldSessions() async throws {
        try await withTestApp { app in
            var agentBefore = try await Visitor.signedIn(app, "agent")
            let agent = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            var manager = try await Visitor.signedIn(app, "manager")
            let made = try await manager.post(SiteURL.accountReset(agent.id!), [:], from: "/accounts")
            #expect(made.status == .ok && made.body.visibleText.contains("重设密码链接"))
            let path = InvitationTests.path(try InvitationTests.link(made))
            #expect(path.hasPrefix("/reset/"))
            // The manager may not reset the leader's or a staff account.
            let leader = try #require(try await Account.query(on: app.db).filter(\.$username == "leader").first())
            let finance = try #require(try await Account.query(on: app.db).filter(\.$username == "finance").first())
            #expect(try await manager.post(SiteURL.accountReset(leader.id!), [:], from: "/accounts").status == .notFound)
            #expect(try await manager.post(SiteURL.accountReset(finance.id!), [:], from: "/accounts").status == .notFound)

            var owner = Visitor(app)
            #expect(try await owner.get(path).body.visibleText.contains("为 "))
            let done = try await owner.submit(path, ["password": "reset-password-9", "password_confirm": "reset-password-9"], from: path)
            #expect(done.body.visibleText.contains("密码已重设，其他设备上的登录已退出。"))
            #expect(try await agentBefore.get("/dashboard").location?.hasPrefix("/signin") == true)
            var fresh = Visitor(app)
            #expect(try await fresh.signIn("agent", password: "reset-password-9").location == "/dashboard")
            #expect(try await owner.get(path).status == .gone)
            // An invitation's link is not a reset link, and the other way round.
            #expect(try await owner.get("/invite/" + path.dropFirst("/reset/".count)).status == .notFound)
        }
    }

    /// A member set to 已离开 signs in no more: their session and API token stop at once, their
    /// history stays; set active again, they sign in again.
    @Test func aMemberWhoLeftCanNoLongerSignInAndTheirTokenStops() async throws {
        try await withTestApp { app in
            let apiToken = try await token(app, as: "agent")
            let before = try await call(app, .GET, "/api/v1/points", apiToken)
            #expect(before.0 == .ok, "\(String(describing: before.1))")
            var agent = try await Visitor.signedIn(app, "agent")
            var director = try await Visitor.signedIn(app, "director")
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let orders = try await Order.query(on: app.db).filter(\.$member.$id == m10.id!).count()
            let form = ["name": m10.name, "phone": m10.phone ?? "", "tier": m10.tier, "status": "left", "sponsor": "m3"]
            let saved = try await director.post("/members/m10", form, from: "/members/m10/edit")
            #expect(saved.status == .seeOther)
            #expect(try await agent.get("/dashboard").location?.hasPrefix("/signin") == true)
            #expect(try await call(app, .GET, "/api/v1/points", apiToken).0 == .unauthorized)
            var again = Visitor(app)
            let refused = try await again.signIn("agent")
            #expect(refused.status == .forbidden && refused.body.visibleText.contains("这个账户的成员已离开团队，不能再登录。历史记录仍然保留。"))
            #expect(try await Order.query(on: app.db).filter(\.$member.$id == m10.id!).count() == orders)
            // A wrong password says nothing about the account.
            #expect(try await again.signIn("agent", password: "wrong-one").status == .unauthorized)
            // Back in the team: they sign in again.
            _ = try await director.post("/members/m10", form.merging(["status": "active"]) { $1 }, from: "/members/m10/edit")
            #expect(try await again.signIn("agent").location == "/dashboard")
        }
    }

    @Test func theLeaderGivesRolesAndDisablesAccountsAtOnce() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            var agent = try await Visitor.signedIn(app, "agent")
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            #expect(try await agent.get("/payouts").status == .forbidden)
            let given = try await leader.submit(SiteURL.accountRole(account.id!), ["role": "finance"], from: "/accounts")
            #expect(given.body.visibleText.contains("agent 的角色已改为财务，立即生效。"))
            #expect(try await agent.get("/payouts").status == .ok)
            // A department manager needs their department; the leader's own role stays.
            let noDepartment = try await leader.submit(SiteURL.accountRole(account.id!), ["role": "departmentManager"], from: "/accounts")
            #expect(noDepartment.body.visibleText.contains("部门经理需要选择所管的部门。"))
            let me = try #require(try await Account.query(on: app.db).filter(\.$username == "leader").first())
            #expect(try await leader.submit(SiteURL.accountRole(me.id!), ["role": "agent"], from: "/accounts").body.visibleText
                .contains("不能更改团队领导人的角色"))
            _ = try await leader.submit(SiteURL.accountRole(account.id!), ["role": "agent"], from: "/accounts")
            #expect(try await agent.get("/payouts").status == .forbidden)
            // Only the leader changes roles.
            var director = try await Visitor.signedIn(app, "director")
            #expect(try await director.post(SiteURL.accountRole(account.id!), ["role": "finance"], from: "/accounts").status == .forbidden)

            let disabled = try await leader.submit(SiteURL.accountEnabled(account.id!), ["enabled": "no"], from: "/accounts")
            #expect(disabled.body.visibleText.contains("已停用 agent"))
            #expect(try await agent.get("/dashboard").location?.hasPrefix("/signin") == true)
            var again = Visitor(app)
            #expect(try await again.signIn("agent").body.visibleText.contains("这个账户已被停用，不能登录。"))
            _ = try await leader.submit(SiteURL.accountEnabled(account.id!), ["enabled": "yes"], from: "/accounts")
            #expect(try await again.signIn("agent").location == "/dashboard")
            let actions = Set(try await AuditEntry.query(on: app.db).filter(\.$entity == "account").filter(\.$entityID == "\(account.id!)").all().map(\.action))
            #expect(actions.isSuperset(of: ["set_role", "disable", "enable"]))
        }
    }

    /// Every migration reverts, and the schema comes back the same.
    @Test func theMigrationsRevertAndApplyAgain() async throws {
        try await withTestApp(demo: false) { app in
            try await app.autoRevert()
            try await app.autoMigrate()
            #expect(try await Invitation.query(on: app.db).count() == 0)
            #expect(try await Account.query(on: app.db).count() == 0)
        }
    }
}
