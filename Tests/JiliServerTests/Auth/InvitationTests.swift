import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Everyone signs in: invitations, activation, reset links and their one-time rules.
@Suite struct InvitationTests {
    /// An active member below `sponsor` (not `sponsor`) who has no account.
    static func memberWithoutAccount(under sponsor: String, _ app: Application) async throws -> Member {
        let root = try #require(try await Member.query(on: app.db).filter(\.$code == sponsor).first())
        let withAccount = Set(try await Account.query(on: app.db).all().compactMap(\.$member.id))
        let below = try await Member.query(on: app.db).filter(\.$path =~ root.path).filter(\.$status == .active).filter(\.$id != root.id!).sort(\.$id).all()
        return try #require(below.first { !withAccount.contains($0.id!) })
    }

    /// The link of a page that shows one (the invitation made).
    static func link(_ page: Visitor.Page) throws -> String {
        let start = try #require(page.body.range(of: "id=\"invite-link\" value=\""))
        return String(page.body[start.upperBound...].prefix { $0 != "\"" })
    }

    static func path(_ link: String) -> String { String(link.dropFirst("http://127.0.0.1:8080".count)) }

    @Test func aManagerInvitesAMemberOfTheirTeamWhoActivatesAndIsOnTheirOwnDashboard() async throws {
        try await withTestApp { app in
            let member = try await Self.memberWithoutAccount(under: "m10", app)
            var manager = try await Visitor.signedIn(app, "manager")
            let accounts = try await manager.get("/accounts")
            #expect(accounts.status == .ok && accounts.body.visibleText.contains("还没有账户的成员"))
            let made = try await manager.post("/accounts/invite", ["member": member.code], from: "/accounts")
            #expect(made.status == .ok && made.body.visibleText.contains("\(member.name) (\(member.code)) · 代理"))
            #expect(made.headers.first(name: .cacheControl) == "no-store" && made.body.contains("<svg"))
            let link = try Self.link(made)
            #expect(link.hasPrefix("http://127.0.0.1:8080/invite/") && link.count == "http://127.0.0.1:8080/invite/".count + 33)
            // Only a hash is kept: the link's secret is nowhere in the database.
            let stored = try #require(try await Invitation.query(on: app.db).filter(\.$member.$id == member.id!).first())
            #expect(!link.contains(stored.verifierHash) && link.hasSuffix(stored.selector + String(link.suffix(22))))

            var newcomer = Visitor(app)
            newcomer.sendsReferer = true
            let opened = try await newcomer.get(Self.path(link))
            #expect(opened.status == .ok && opened.body.visibleText.contains("为 \(member.name) (\(member.code)) 开通账户，角色：代理。"))
            // A mistake first: the two passwords differ. The username is kept; the passwords are not.
            let refused = try await newcomer.submit(Self.path(link), ["username": "newbie", "password": "secret-one-1", "password_confirm": "secret-one-2"],
                                                   from: Self.path(link))
            #expect(refused.body.visibleText.contains("两次输入的新密码不一样。"))
            #expect(refused.keptValues == ["username": "newbie"])
            let welcome = try await newcomer.submit(Self.path(link), ["username": "newbie", "password": "secret-one-1", "password_confirm": "secret-one-1"],
                                                   from: Self.path(link))
            #expect(welcome.status == .ok && welcome.body.visibleText.contains("欢迎，\(member.name)！账户已开通。"), "\(welcome.body.visibleText.prefix(300))")
            // The person is called by their name, not by the username they chose.
            #expect(welcome.body.visibleText.contains("\(member.name) · 代理") && !welcome.body.visibleText.contains("newbie"))
            let account = try #require(try await Account.query(on: app.db).filter(\.$username == "newbie").first())
            #expect(account.$member.id == member.id && account.roleValue == .agent && account.phone == member.phone)
            // They sign in afterwards with their phone number too.
            var again = Visitor(app)
            #expect(try await again.signIn(try #require(member.phone), password: "secret-one-1").location == "/dashboard")
            // The link is used: it says so, and does nothing.
            var other = Visitor(app)
            let used = try await other.get(Self.path(link))
            #expect(used.status == .gone && used.body.visibleText.contains("这个链接已经用过了，不能再用。"))
            let count = try await Account.query(on: app.db).count()
            let reuse = try await other.post(Self.path(link), ["username": "second", "password": "secret-two-2", "password_confirm": "secret-two-2"],
                                             from: Self.path(link))
            #expect(reuse.status != .seeOther)
            #expect(try await Account.query(on: app.db).count() == count)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "account").filter(\.$action == "create").all()
            #expect(audit.contains { $0.entityID == "\(account.id!)" })
        }
    }

    @Test func aManagerInvitesOnlyTheirTeamAndGrantsNoStaffRole() async throws {
        try await withTestApp { app in
            let outside = try await Self.memberWithoutAccount(under: "m4", app)
            let inside = try await Self.memberWithoutAccount(under: "m10", app)
            var manager = try await Visitor.signedIn(app, "manager")
            let refused = try await manager.submit("/accounts/invite", ["member": outside.code], from: "/accounts")
            #expect(refused.body.visibleText.contains("找不到可以邀请的成员“\(outside.code)”。"))
            #expect(try await manager.post("/accounts/invite", ["member": inside.code, "role": "finance"], from: "/accounts").status == .forbidden)
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/accounts").status == .forbidden)
            #expect(try await Invitation.query(on: app.db).count() == 0)
        }
    }

    @Test func expiredRevokedAndUnknownLinksSaySoAndDoNothing() async throws {
        try await withTestApp { app in
            let a = try await Self.memberWithoutAccount(under: "m10", app)
            let service = InvitationService(db: app.db, clock: app.jiliClock)
            let expired = try await service.invite(a, days: 1, by: .system)
            expired.invitation.expiresAt = testNow.addingTimeInterval(-60)
            try await expired.invitation.save(on: app.db)
            var visitor = Visitor(app)
            let page = try await visitor.get(SiteURL.invitation(expired.token.text))
            #expect(page.status == .gone && page.body.visibleText.contains("这个链接已过期。"))
            // A new link for the same member replaces the open one.
            let first = try await service.invite(a, by: .system)
            let second = try await service.invite(a, by: .system)
            #expect(try await visitor.get(SiteURL.invitation(first.token.text)).body.visibleText.contains("这个链接已被撤销。"))
            #expect(try await visitor.get(SiteURL.invitation(second.token.text)).status == .ok)
            // The right selector with a wrong secret, or no such link at all: not found.
            let forged = second.token.selector + String(repeating: "A", count: 22)
            #expect(try await visitor.get(SiteURL.invitation(forged)).status == .notFound)
            #expect(try await visitor.get("/invite/short").status == .notFound)
            // The leader revokes it from the list.
            var leader = try await Visitor.signedIn(app, "leader")
            let revoked = try await leader.submit(SiteURL.revokeInvitation(second.invitation.id!), [:], from: "/accounts")
            #expect(revoked.body.visibleText.contains("已撤销给 \(a.name) 的链接。"))
            #expect(try await visitor.get(SiteURL.invitation(second.token.text)).status == .gone)
            #expect(try await Account.query(on: app.db).filter(\.$member.$id == a.id!).count() == 0)
        }
    }

    /// Two people opening the same link at the same moment make one account.
    @Test func aLinkIsUsedOnceEvenWhenTwoUseItAtOnce() async throws {
        try await withTestApp { app in
            let a = try await Self.memberWithoutAccount(under: "m10", app)
            let service = InvitationService(db: app.db, clock: app.jiliClock)
            let made = try await service.invite(a, by: .system)
            let results = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        guard let found = try? await AuthQueries(db: app.db).invitation(token: made.token.text) else { return false }
                        return (try? await service.accept(found, username: "racer\(i)", passwordHash: "x")) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await Account.query(on: app.db).filter(\.$member.$id == a.id!).count() == 1)
        }
    }

    @Test func theLeaderInvitesStaffAndEveryoneWithoutAnAccountAtOnce() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let made = try await leader.post("/accounts/invite", ["name": "钱会计", "role": "finance", "days": "3"], from: "/accounts")
            #expect(made.status == .ok && made.body.visibleText.contains("钱会计 · 财务"))
            var staff = Visitor(app)
            let path = Self.path(try Self.link(made))
            let welcome = try await staff.submit(path, ["username": "qian", "password": "ledger-2026", "password_confirm": "ledger-2026"], from: path)
            #expect(welcome.body.visibleText.contains("你好，钱会计") && welcome.body.visibleText.contains("钱会计 · 财务"))
            let qian = try #require(try await Account.query(on: app.db).filter(\.$username == "qian").first())
            #expect(qian.roleValue == .finance && qian.$member.id == nil && qian.displayName == "钱会计")

            // The manager's team, as a CSV: every member under m3 without an account, each with a working link.
            var manager = try await Visitor.signedIn(app, "manager")
            let m3 = try #require(try await Member.query(on: app.db).filter(\.$code == "m3").first())
            let expected = try await AuthQueries(db: app.db).membersWithoutAccount(scope: .subtree(path: m3.path), limit: nil).filter { $0.id != m3.id }
            let csv = try await manager.post("/accounts/invite/all", ["format": "csv"], from: "/accounts")
            #expect(csv.status == .ok && csv.headers.first(name: .contentDisposition)?.contains("invitations.csv") == true)
            let lines = csv.body.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "\u{FEFF}member,name,phone,link" && lines.count == expected.count + 1)
            #expect(Set(lines.dropFirst().map { String($0.prefix { $0 != "," }) }) == Set(expected.map(\.code)))
            let someone = try #require(lines.last)
            var invited = Visitor(app)
            let link = Self.path(String(someone.split(separator: ",").last!))
            #expect(try await invited.get(link).status == .ok)
            // The printable page: one card and one QR code each.
            let print = try await leader.post("/accounts/invite/all", ["format": "print", "under": "m10"], from: "/accounts")
            let underM10 = try await AuthQueries(db: app.db).membersWithoutAccount(scope: .all, under: try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first()), limit: nil)
            #expect(print.status == .ok && print.body.components(separatedBy: "class=\"qr-card\"").count - 1 == underM10.count && underM10.count > 0)
            #expect(print.body.components(separatedBy: "<svg").count - 1 == underM10.count)
            // A bad number of days is refused with the field.
            let bad = try await leader.submit("/accounts/invite/all", ["days": "120"], from: "/accounts")
            #expect(bad.body.visibleText.contains("有效天数“120”必须是 1 到 90 的整数。"))
        }
    }

    /// 100 members invited at once: one invitation row each, no password hashed, one audit entry.
    @Test func aBulkInvitationWritesOneRowEachAndOneAuditEntry() async throws {
        try await withTestApp { app in
            let members = try await AuthQueries(db: app.db).membersWithoutAccount(scope: .all, limit: 100)
            #expect(members.count == 100)
            let made = try await InvitationService(db: app.db, clock: app.jiliClock).inviteAll(members, by: .system)
            #expect(made.count == 100 && Set(made.map(\.token.selector)).count == 100)
            #expect(try await Invitation.query(on: app.db).count() == 100)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "invite_all").count() == 1)
        }
    }

    /// A link is for the person as they were when it was made: a reset link made by a manager stops
    /// when the leader gives the account a staff role; a member who left is not invited and their open
    /// link stops; a manager cannot revoke the leader's staff invitation; reserved names are refused.
    @Test func linksFollowWhatTheyWereMadeFor() async throws {
        try await withTestApp { app in
            let service = InvitationService(db: app.db, clock: app.jiliClock)
            let agent = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            let reset = try await service.reset(agent, by: .system)
            try await AccountService(db: app.db, clock: app.jiliClock).setRole(agent, to: .finance, department: nil, by: .system)
            var visitor = Visitor(app)
            #expect(try await visitor.get(SiteURL.resetPassword(reset.token.text)).status == .gone)

            let member = try await Self.memberWithoutAccount(under: "m10", app)
            let open = try await service.invite(member, by: .system)
            let forDirector = try await service.invite(try await Self.memberWithoutAccount(under: "m4", app), role: .director, by: .system)
            var director = try await Visitor.signedIn(app, "director")
            let form = ["name": member.name, "phone": member.phone ?? "", "tier": member.tier, "status": "left",
                        "sponsor": try #require(try await Member.find(member.$sponsor.id, on: app.db)).code]
            #expect(try await director.post("/members/\(member.code)", form, from: "/members/\(member.code)/edit").status == .seeOther)
            #expect(try await visitor.get(SiteURL.invitation(open.token.text)).status == .gone)
            await #expect(throws: Refusal.self) { try await service.invite(try #require(try await Member.find(member.id, on: app.db)), by: .system) }

            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.post(SiteURL.revokeInvitation(forDirector.invitation.id!), [:], from: "/accounts").status == .notFound)
            #expect(try await visitor.get(SiteURL.invitation(forDirector.token.text)).status == .ok)
            #expect(throws: Refusal.self) { try InvitationService.check(username: "System") }
        }
    }
}
