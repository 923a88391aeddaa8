import Fluent
import Testing
import Vapor
@testable import JiliServer

/// Every form (POST) for every role: refused (403) for those who may not use it, taken (anything
/// but 403, 404, a server error and a page rendered on POST) for those who may. The sign-in forms are public and tested in SignInTests.
@Suite struct FormPermissionTests {
    static let roles = DemoTeam.accounts.map(\.username)
    /// Forms that answer with a page: a new API token is shown once, in the answer to the form that
    /// made it, and kept nowhere else (not even in the session).
    /// Forms whose answer shows a secret once (a token, an invitation or reset link), kept nowhere.
    static let answersWithAPage: Set<String> = ["POST /tokens", "POST /accounts/invite", "POST /accounts/invite/all", "POST /accounts/:id/reset"]

    @Test func everyFormForEveryRole() async throws {
        try await withTestApp { app in
            let agentOrder = try await PermissionTests.firstOrder(of: "m10", app)
            let position = try #require(try await Position.query(on: app.db).first())
            let department = position.$department.id
            let token = ApiToken(name: "t", tokenHash: "x", createdBy: "leader", createdAt: testNow)
            try await token.create(on: app.db)
            let title = try #require(try await Title.query(on: app.db).filter(\.$rule == "manual").first())
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let nomination = try await TitleService(db: app.db, clock: JiliClock(now: { testNow })).nominate(title, member: m10, reason: "r", by: .system)
            let praise = try #require(try await WallPost.query(on: app.db).filter(\.$kind == .praise).first())
            let comment = try #require(try await WallComment.query(on: app.db).first())
            let everyone = Set(Self.roles)
            let soldOut = try await RewardService(db: app.db, clock: JiliClock(now: { testNow })).create(
                .init(name: "售罄", kind: "prize", price: 1, stock: 0), by: .system)
            let moderators: Set<String> = ["leader", "director", "manager", "support"]
            // Route, path, form, and who may use it.
            let table: [(String, String, [String: String], Set<String>)] = [
                ("POST /orders", "/orders", ["seller": "m10", "product[0]": "1", "quantity[0]": "1"],
                 ["leader", "director", "manager", "agent", "service"]),
                ("POST /orders/:code/refunds", "/orders/\(agentOrder)/refunds", ["amount": "0.01"], ["leader", "director", "finance", "service"]),
                ("POST /products", "/products", ["code": "", "name": "", "category": "food", "price": "1", "cost": "1"], ["leader", "director"]),
                ("POST /products/:code", "/products/p1", ["name": "", "category": "food", "price": "1", "cost": "1"], ["leader", "director"]),
                ("POST /members", "/members", ["name": "", "tier": "vip", "status": "active"], ["leader", "director"]),
                ("POST /members/:code", "/members/m10", ["name": "", "tier": "vip", "status": "active"], ["leader", "director"]),
                ("POST /import", "/import", ["kind": "orders"], ["leader", "director", "finance"]),
                ("POST /tokens", "/tokens", ["name": ""], ["leader"]),
                ("POST /tokens/:id/revoke", "/tokens/\(token.id!)/revoke", [:], ["leader"]),
                // Accounts: a member no one may invite, a bad number of days, a role that is not one (422).
                ("POST /accounts/invite", "/accounts/invite", ["member": "nobody"], ["leader", "director", "manager", "support"]),
                ("POST /accounts/invite/all", "/accounts/invite/all", ["days": "0"], ["leader", "director", "manager", "support"]),
                ("POST /accounts/:id/role", "/accounts/4/role", ["role": "chief"], ["leader"]),
                ("POST /account/password", "/account/password", ["current_password": "", "password": "", "password_confirm": ""], everyone),
                ("POST /org/departments", "/org/departments", ["name": ""], ["leader"]),
                ("POST /org/departments/:id", "/org/departments/\(department)", ["name": ""], ["leader"]),
                ("POST /org/departments/:id/delete", "/org/departments/\(department)/delete", [:], ["leader"]),
                ("POST /org/positions", "/org/positions", ["name": "", "department": "\(department)"], ["leader"]),
                ("POST /org/positions/:id", "/org/positions/\(position.id!)", ["name": ""], ["leader"]),
                ("POST /org/positions/:id/delete", "/org/positions/\(position.id!)/delete", [:], ["leader"]),
                ("POST /contests", "/contests", ["name": "", "kind": "individual"], ["leader", "director"]),
                ("POST /titles", "/titles", ["name": ""], ["leader"]),
                ("POST /titles/grant", "/titles/grant", ["title": "1", "member": "m10", "reason": ""], ["leader"]),
                ("POST /titles/nominate", "/titles/nominate", ["title": "1", "member": "m10", "reason": ""], ["director", "manager", "support"]),
                ("POST /titles/nominations/:id/confirm", "/titles/nominations/\(nomination.id!)/confirm", [:], ["leader"]),
                ("POST /titles/nominations/:id/decline", "/titles/nominations/\(nomination.id!)/decline", [:], ["leader"]),
                ("POST /goals", "/goals", ["scope": "team", "period": "2026-12", "metric": "volume", "target": "1"], ["leader", "director"]),
                ("POST /goals", "/goals", ["scope": "member", "member": "m10", "period": "2026-12", "metric": "volume", "target": "1"],
                 ["leader", "director", "manager"]),
                ("POST /goals/raise", "/goals/raise", ["group": "subtree:m1", "period": "2026-12", "metric": "volume", "percent": "10", "minimum": "100"],
                 ["leader", "director"]),
                ("POST /goals/import", "/goals/import", [:], ["leader", "director", "manager", "support"]),
                ("POST /pay/versions", "/pay/versions", ["name": "x", "json": "{}"], ["leader", "director", "finance"]),
                ("POST /pay/versions/form", "/pay/versions/form", ["base": "{}", "version": "x"], ["leader", "director", "finance"]),
                ("POST /pay/versions/:id/activate", "/pay/versions/1/activate", ["month": "2026-08"], ["leader", "director", "finance"]),
                ("POST /pay/runs", "/pay/runs", ["month": "2026-11"], ["leader", "director", "finance"]),
                ("POST /pay/runs/:period/approve", "/pay/runs/2026-11/approve", [:], ["leader", "director", "finance"]),
                ("POST /payouts", "/payouts", ["minimum": "999999999"], ["leader", "finance"]),
                ("POST /wall", "/wall", ["kind": "praise", "member": "m10", "text": "谢谢"], everyone),
                ("POST /activities", "/activities", ["member": "m10", "kind": "training", "day": "2026-11-28", "count": "1"],
                 ["leader", "director", "manager", "support", "trainer"]),
                ("POST /activities/kinds", "/activities/kinds", ["code": "", "name": ""], ["leader"]),
                ("POST /points/rules", "/points/rules", ["trigger": "goal", "points": ""], ["leader"]),
                ("POST /profit", "/profit", ["name": ""], ["leader", "director", "finance"]),
                // Nothing selected (422) for those who decide; a recruits-only ladder (422) for who edit it.
                ("POST /promotion/proposals", "/promotion/proposals", ["action": "approve"], ["leader", "director", "manager", "support"]),
                ("POST /promotion/evaluate", "/promotion/evaluate", [:], ["leader", "director"]),
                ("POST /promotion/ladder", "/promotion/ladder", ["agent_reach_recruits": "3"], ["leader", "director"]),
                // Training: bad input (422) for those who teach; the quiz, enrolling and cancelling for members.
                ("POST /training/courses", "/training/courses", ["title": ""], ["leader", "director", "trainer"]),
                ("POST /training/courses/:id/lessons", "/training/courses/1/lessons", ["title": ""], ["leader", "director", "trainer"]),
                ("POST /training/courses/:id/questions", "/training/courses/1/questions", ["prompt": ""], ["leader", "director", "trainer"]),
                ("POST /training/sessions", "/training/sessions", ["course": "0"], ["leader", "director", "trainer"]),
                ("POST /training/claims", "/training/claims", ["kind": ""], ["leader", "director", "manager", "agent", "support"]),
                ("POST /training/limits", "/training/limits", ["limit_all": "x"], ["leader", "director", "finance"]),
                ("POST /training/events", "/training/events", ["name": ""], ["leader", "director", "trainer"]),
                ("POST /training/events/:id/apply", "/training/events/1/apply", [:], ["leader", "director", "manager", "agent", "support"]),
                ("POST /training/courses/:id/quiz", "/training/courses/1/quiz", [:], ["leader", "director", "manager", "agent", "support"]),
                ("POST /training/sessions/:id/cancel", "/training/sessions/1/cancel", [:], ["leader", "director", "manager", "agent", "support"], ),
                ("POST /motivation", "/motivation", ["income": "3", "recognition": "3", "growth": "3", "time": "3", "family": "3"],
                 ["leader", "director", "manager", "agent", "support"]),
                ("POST /rewards", "/rewards", ["name": "", "kind": "prize", "price": "1", "stock": "1"], ["leader", "director"]),
                // Redeeming (a sold-out item: refused, 422) is for those who are members.
                ("POST /rewards/:id/redeem", "/rewards/\(soldOut.id!)/redeem", [:], ["leader", "director", "manager", "agent", "support"]),
                ("POST /activities/import", "/activities/import", [:], ["leader", "director", "manager", "support", "trainer"]),
                ("POST /wall/:id/react", "/wall/\(praise.id!)/react", ["kind": "like"], everyone),
                ("POST /wall/:id/comments", "/wall/\(praise.id!)/comments", ["text": "好"], everyone),
                // Without a reason: refused (422) for moderators, forbidden for everyone else.
                ("POST /wall/:id/hide", "/wall/\(praise.id!)/hide", ["reason": ""], moderators),
                ("POST /wall/:id/restore", "/wall/\(praise.id!)/restore", [:], moderators),
                ("POST /wall/comments/:id/hide", "/wall/comments/\(comment.id!)/hide", ["reason": ""], moderators),
                ("POST /wall/:id/pin", "/wall/\(praise.id!)/pin", [:], ["leader"]),
                ("POST /wall/:id/unpin", "/wall/\(praise.id!)/unpin", [:], ["leader"]),
                // A question about one's own statement: those who are members.
                ("POST /statements/:period/disputes", "/statements/2026-10/disputes", ["rule": "retail", "message": "?"],
                 ["leader", "director", "manager", "agent", "support"]),
            ]
            // Every form route is in the table (the sign-in ones are public).
            let posts = Set(app.routes.all.filter { $0.method == .POST && $0.path.first?.description != "api" }
                .map { "POST /" + $0.path.map(\.description).joined(separator: "/") })
            // Recording a transfer's reference needs a batch: PayoutTests try it.
            // Recording a transfer's reference and answering a dispute need one first: PayoutTests and
            // DisputeTests try them with every role that matters.
            // The steps of a redemption need one in the right state, a prize choice a frozen contest:
            // RewardTests and ContestTests try them with the roles that matter; compliance cases
            // depend on the member's scope (PromotionTests), enrolling and attendance change seats
            // and passes (TrainingTests), the steps of a study claim and of an event application need
            // one in the right state (StudyTests).

            // Accounts: disabling and reset links change who may sign in, revoking needs a link
            // (AccountTests and InvitationTests); opening a link is public, like signing in.
            // Payee details are one's own or finance's (PayeeTests).
            #expect(posts.subtracting(table.map(\.0)) == ["POST /signin", "POST /signout", "POST /setup", "POST /payouts/transfers/:id", "POST /payee",
                                                          "POST /accounts/:id/enabled", "POST /accounts/:id/reset", "POST /accounts/invitations/:id/revoke",
                                                          "POST /invite/:token", "POST /reset/:token",
                                                          "POST /disputes/:id/answer", "POST /rewards/redemptions/:id/approve",
                                                          "POST /rewards/redemptions/:id/decline", "POST /rewards/redemptions/:id/hand-over",
                                                          "POST /rewards/redemptions/:id/cancel", "POST /contests/:id/choose",
                                                          "POST /members/:code/cases", "POST /members/:code/cases/:id/close",
                                                          "POST /training/sessions/:id/enroll", "POST /training/sessions/:id/attendance",
                                                          "POST /training/claims/:id/approve", "POST /training/claims/:id/refuse", "POST /training/claims/:id/withdraw",
                                                          "POST /training/events/applications/:id/decide", "POST /training/events/applications/:id/withdraw",
                                                          "POST /training/events/applications/:id/attendance"])
            for role in Self.roles {
                var v = try await Visitor.signedIn(app, role)
                for (route, path, form, allowed) in table {
                    let status = try await v.post(path, form, from: "/dashboard").status
                    if allowed.contains(role) {
                        // Taken: anything but refused, missing or broken (a 500 for an allowed role is a bug).
                        #expect(status != .forbidden && status != .notFound && status.code < 500, "\(role) \(route): \(status.code)")
                        // A form that changes something answers with a redirect (a reload posts nothing
                        // again) or a refusal.
                        #expect(status != .ok || Self.answersWithAPage.contains(route), "\(role) \(route) rendered on POST")
                    } else {
                        #expect(status == .forbidden, "\(role) \(route): \(status.code), expected 403")
                    }
                }
            }
            // Not signed in: to the sign-in page, whatever the form.
            var anonymous = Visitor(app)
            for (route, path, form, _) in table {
                let page = try await anonymous.post(path, form, from: "/signin")
                #expect(page.status == .seeOther && page.location?.hasPrefix("/signin") == true, "anonymous \(route)")
            }
        }
    }
}
