import Fluent
import Testing
import Vapor
@testable import JiliServer

/// Every route for every role (and for someone not signed in): who gets the page, who is refused,
/// and for whom a member outside their scope does not exist.
@Suite struct PermissionTests {
    static let roles = DemoTeam.accounts.map(\.username)

    /// Expected status by route (as registered) and by username; "anonymous" is not signed in.
    /// m1 is the leader (above everyone), m10 the demo agent in the sales manager m3's team.
    static func expected(leaderOrder: String, agentOrder: String) -> [(route: String, path: String, statuses: [String: HTTPStatus])] {
        let everyone: [String: HTTPStatus] = Dictionary(uniqueKeysWithValues: roles.map { ($0, .ok) })
        /// 403 for every role but these.
        func forbiddenBut(_ allowed: [String]) -> [String: HTTPStatus] {
            Dictionary(uniqueKeysWithValues: roles.filter { !allowed.contains($0) }.map { ($0, .forbidden) })
        }
        func with(_ changes: [String: HTTPStatus], base: [String: HTTPStatus] = everyone) -> [String: HTTPStatus] {
            base.merging(changes) { $1 }.merging(["anonymous": .seeOther]) { $1 }
        }
        return [
            ("GET /", "/", with(Dictionary(uniqueKeysWithValues: roles.map { ($0, .seeOther) }))),
            ("GET /dashboard", "/dashboard", with([:])),
            ("GET /members", "/members", with(["warehouse": .forbidden])),
            ("GET /members/:code", "/members/m1", with(["manager": .notFound, "agent": .notFound, "support": .notFound, "warehouse": .forbidden])),
            ("GET /members/:code", "/members/m10", with(["support": .notFound, "warehouse": .forbidden])),
            ("GET /members/:code", "/members/m13", with(["manager": .notFound, "agent": .notFound, "warehouse": .forbidden])),
            ("GET /members/:code", "/members/m99999", with(["warehouse": .forbidden], base: Dictionary(uniqueKeysWithValues: roles.map { ($0, .notFound) }))),
            ("GET /team", "/team", with(["warehouse": .forbidden])),
            ("GET /team", "/team?root=m2", with(["manager": .notFound, "agent": .notFound, "support": .notFound, "warehouse": .forbidden])),
            ("GET /org", "/org", with([:])),
            ("GET /org/edit", "/org/edit", with(forbiddenBut(["leader"]))),
            ("GET /signin", "/signin", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, $0 == "anonymous" ? .ok : .seeOther) })),
            ("GET /setup", "/setup", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .seeOther) })),
            ("GET /healthz", "/healthz", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .ok) })),
            ("GET /readyz", "/readyz", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .ok) })),
            // The leader's API token or this machine: not a signed-in page (MetricsTests).
            ("GET /metrics", "/metrics", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .notFound) })),
            ("GET /orders", "/orders", with([:])),
            ("GET /orders", "/orders?member=m10&subtree=1", with(["support": .notFound])),
            ("GET /orders", "/orders?member=m1", with(["manager": .notFound, "agent": .notFound, "support": .notFound])),
            ("GET /orders/new", "/orders/new", with(["finance": .forbidden, "trainer": .forbidden, "warehouse": .forbidden])),
            ("GET /orders/:code", "/orders/\(leaderOrder)", with(["manager": .notFound, "agent": .notFound, "support": .notFound])),
            ("GET /orders/:code", "/orders/\(agentOrder)", with(["support": .notFound])),
            ("GET /products", "/products", with([:])),
            ("GET /pay", "/pay", with(forbiddenBut(["leader", "director", "finance"]))),
            ("GET /pay/versions/new", "/pay/versions/new?template=ladder", with(forbiddenBut(["leader", "director", "finance"]))),
            ("GET /pay/versions/:id", "/pay/versions/1", with(forbiddenBut(["leader", "director", "finance"]))),
            ("GET /pay/versions/:id/whatif", "/pay/versions/1/whatif?month=2026-10", with(forbiddenBut(["leader", "director", "finance"]))),
            ("GET /pay/runs/:period", "/pay/runs/2026-10", with(forbiddenBut(["leader", "director", "finance"]))),
            ("GET /statements", "/statements", with([:])),
            ("GET /goals", "/goals", with([:])),
            ("GET /contests", "/contests", with([:])),
            ("GET /champions", "/champions", with([:])),
            ("GET /notices", "/notices", with([:])),
            ("GET /titles", "/titles", with([:])),
            ("GET /wall", "/wall", with([:])),
            ("GET /activities", "/activities", with([:])),
            // Points: one's own (members), others' as pay is read.
            ("GET /points", "/points", with(["finance": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /points", "/points?member=m10", with(["support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /points", "/points?member=m1", with(["manager": .notFound, "agent": .notFound, "support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /points/rules", "/points/rules", with([:])),
            ("GET /rewards", "/rewards", with([:])),
            ("GET /profit", "/profit", with([:])),
            ("GET /promotion", "/promotion", with([:])),
            ("GET /promotion/proposals", "/promotion/proposals", with(forbiddenBut(["leader", "director", "manager", "support"]))),
            ("GET /promotion/ladder", "/promotion/ladder", with(forbiddenBut(["leader", "director"]))),
            ("GET /training", "/training", with([:])),
            ("GET /training/courses/:id", "/training/courses/1", with([:])),
            ("GET /training/sessions/:id", "/training/sessions/1", with(forbiddenBut(["leader", "director", "trainer"]))),
            // No such certificate: nobody finds it (the holder's case is in TrainingTests).
            ("GET /training/certificates/:number", "/training/certificates/none", with([:], base: Dictionary(uniqueKeysWithValues: roles.map { ($0, .notFound) }))),
            // No lesson has this file, no such claim: nobody finds them (StudyTests try real ones).
            ("GET /training/files/:name", "/training/files/0123456789abcdef0123456789abcdef.pdf", with([:], base: Dictionary(uniqueKeysWithValues: roles.map { ($0, .notFound) }))),
            ("GET /training/claims", "/training/claims", with([:])),
            ("GET /training/claims/:id/receipt", "/training/claims/999/receipt", with([:], base: Dictionary(uniqueKeysWithValues: roles.map { ($0, .notFound) }))),
            ("GET /training/events", "/training/events", with([:])),
            ("GET /motivation", "/motivation", with(["finance": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /rewards/redemptions", "/rewards/redemptions", with(forbiddenBut(["leader", "director", "manager", "support", "warehouse", "finance"]))),
            ("GET /wall", "/wall?before=3", with([:])),
            ("GET /wall/photos/:name", "/wall/photos/0123456789abcdef0123456789abcdef.png",
             with([:], base: Dictionary(uniqueKeysWithValues: roles.map { ($0, .notFound) }))),
            // A path out of the folder is refused before anything else (by the static files' middleware).
            ("GET /wall/photos/:name", "/wall/photos/..%2F..%2Fjili.sqlite", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .forbidden) })),
            ("GET /contests/:id", "/contests/1", with([:])),
            ("GET /contests/:id/screen", "/contests/1/screen", with([:])),
            ("GET /goals", "/goals?period=2026-Q4", with([:])),
            ("GET /disputes", "/disputes", with(forbiddenBut(["leader", "finance"]))),
            ("GET /payouts", "/payouts", with(forbiddenBut(["leader", "finance"]))),
            ("GET /payouts/:id", "/payouts/1", with(Dictionary(uniqueKeysWithValues: roles.map { ($0, ["leader", "finance"].contains($0) ? .notFound : .forbidden) }))),
            // Bulk transfer files and tax lists carry payee details in full: finance only, not even the leader.
            ("GET /payouts/:id/transfer-file", "/payouts/1/transfer-file", with(Dictionary(uniqueKeysWithValues: roles.map { ($0, $0 == "finance" ? .notFound : .forbidden) }))),
            ("GET /payouts/tax/:month", "/payouts/tax/2026-11", with(Dictionary(uniqueKeysWithValues: roles.map { ($0, $0 == "finance" ? .notFound : .forbidden) }))),
            // Payee details: one's own (members), anyone's for finance.
            ("GET /payee", "/payee", with(["finance": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /payee", "/payee?member=m10", with(Dictionary(uniqueKeysWithValues: roles.map { ($0, ["agent", "finance"].contains($0) ? .ok : .notFound) }))),
            ("GET /audit", "/audit", with(forbiddenBut(["leader", "director", "finance"]))),
            // Own statement: those who are members; others' statements: managers for their scope, pay runners for all.
            ("GET /statements/:period", "/statements/2026-10", with(["finance": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /statements/:period", "/statements/2026-10?member=m10", with(["support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /statements/:period/print", "/statements/2026-10/print?member=m10", with(["support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /statements/:period/csv", "/statements/2026-10/csv?member=m10", with(["support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /statements/:period/csv", "/statements/2026-10/csv?member=m1", with(["manager": .notFound, "agent": .notFound, "support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            // Balance history: the same as statements.
            ("GET /balance", "/balance", with(["finance": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /balance", "/balance?member=m10", with(["support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /balance", "/balance?member=m1", with(["manager": .notFound, "agent": .notFound, "support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /tokens", "/tokens", with(forbiddenBut(["leader"]))),
            // Without WeChat configured, 微信登录 does not exist (WeChatSignInTests try it with the stand-in).
            ("GET /signin/wechat", "/signin/wechat", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .notFound) })),
            ("GET /signin/wechat/callback", "/signin/wechat/callback", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .notFound) })),
            ("GET /messages", "/messages", with(forbiddenBut(["leader", "director"]))),
            ("GET /accounts", "/accounts", with(forbiddenBut(["leader", "director", "manager", "support"]))),
            ("GET /account/password", "/account/password", with([:])),
            ("GET /more", "/more", with([:])),
            // An area one has no place in does not exist for them.
            ("GET /more/:area", "/more/pay", with(["manager": .notFound, "agent": .notFound, "support": .notFound, "service": .notFound, "trainer": .notFound, "warehouse": .notFound])),
            ("GET /more/:area", "/more/nowhere", with(Dictionary(uniqueKeysWithValues: roles.map { ($0, .notFound) }))),
            // A link that does not exist: not found for anyone, signed in or not (InvitationTests open real ones).
            ("GET /invite/:token", "/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .notFound) })),
            ("GET /reset/:token", "/reset/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Dictionary(uniqueKeysWithValues: (roles + ["anonymous"]).map { ($0, .notFound) })),
            ("GET /import", "/import", with(["manager": .forbidden, "agent": .forbidden, "support": .forbidden, "service": .forbidden, "trainer": .forbidden, "warehouse": .forbidden])),
            ("GET /export/:file", "/export/members.csv", with(["warehouse": .forbidden])),
            ("GET /export/:file", "/export/orders.csv", with([:])),
            ("GET /members/new", "/members/new", with(forbiddenBut(["leader", "director"]))),
            ("GET /members/:code/edit", "/members/m10/edit", with(forbiddenBut(["leader", "director"]))),
            ("GET /products/new", "/products/new", with(forbiddenBut(["leader", "director"]))),
            ("GET /products/:code", "/products/p1", with(forbiddenBut(["leader", "director"]))),
        ]
    }

    /// Forms: every role is tried on each in FormPermissionTests; listed here so that a new route
    /// cannot be added without a decision about who may use it.
    static let forms = ["POST /signin", "POST /signout", "POST /setup", "POST /orders", "POST /orders/:code/refunds",
                        "POST /products", "POST /products/:code", "POST /members", "POST /members/:code", "POST /import",
                        "POST /tokens", "POST /tokens/:id/revoke", "POST /accounts/invite", "POST /accounts/invite/all",
                        "POST /accounts/invitations/:id/revoke", "POST /accounts/:id/reset", "POST /accounts/:id/role", "POST /accounts/:id/enabled",
                        "POST /invite/:token", "POST /reset/:token", "POST /account/password", "POST /org/departments", "POST /org/departments/:id",
                        "POST /org/departments/:id/delete", "POST /org/positions", "POST /org/positions/:id", "POST /org/positions/:id/delete",
                        "POST /contests", "POST /contests/:id/choose", "POST /titles", "POST /titles/grant", "POST /titles/nominate", "POST /titles/nominations/:id/confirm", "POST /titles/nominations/:id/decline", "POST /goals", "POST /goals/raise", "POST /goals/import", "POST /pay/versions", "POST /pay/versions/form", "POST /pay/versions/:id/activate", "POST /pay/runs", "POST /pay/runs/:period/approve",
                        "POST /points/rules", "POST /profit", "POST /promotion/proposals", "POST /promotion/evaluate", "POST /promotion/ladder",
                        "POST /members/:code/cases", "POST /members/:code/cases/:id/close",
                        "POST /training/courses", "POST /training/courses/:id/lessons", "POST /training/courses/:id/questions", "POST /training/courses/:id/quiz",
                        "POST /training/sessions", "POST /training/sessions/:id/enroll", "POST /training/sessions/:id/cancel", "POST /training/sessions/:id/attendance",
                        "POST /training/claims", "POST /training/claims/:id/approve", "POST /training/claims/:id/refuse", "POST /training/claims/:id/withdraw",
                        "POST /training/limits", "POST /training/events", "POST /training/events/:id/apply", "POST /training/events/applications/:id/decide",
                        "POST /training/events/applications/:id/withdraw", "POST /training/events/applications/:id/attendance", "POST /motivation", "POST /rewards", "POST /rewards/:id/redeem", "POST /rewards/redemptions/:id/approve",
                        "POST /rewards/redemptions/:id/decline", "POST /rewards/redemptions/:id/hand-over", "POST /rewards/redemptions/:id/cancel", "POST /activities", "POST /activities/kinds", "POST /activities/import", "POST /wall", "POST /wall/:id/react", "POST /wall/:id/comments", "POST /wall/:id/hide", "POST /wall/:id/restore",
                        "POST /wall/:id/pin", "POST /wall/:id/unpin", "POST /wall/comments/:id/hide",
                        "POST /payouts", "POST /payouts/transfers/:id", "POST /payee", "POST /statements/:period/disputes", "POST /disputes/:id/answer"]

    @Test func everyRegisteredRouteIsInTheTable() async throws {
        try await withTestApp(demo: false) { app in
            // The API has its own tests (APITests: every route against the OpenAPI document, tokens).
            let registered = Set(app.routes.all.filter { $0.path.first?.description != "api" }.map { "\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))" })
            let covered = Set(Self.expected(leaderOrder: "", agentOrder: "").map(\.route) + Self.forms)
            #expect(registered.subtracting(covered).isEmpty, "routes without a permission decision: \(registered.subtracting(covered).sorted())")
            #expect(covered.subtracting(registered).isEmpty, "table names routes that do not exist: \(covered.subtracting(registered).sorted())")
        }
    }

    @Test func everyRoleGetsWhatItMaySee() async throws {
        try await withTestApp { app in
            var visitors: [String: Visitor] = ["anonymous": Visitor(app)]
            for role in Self.roles { visitors[role] = try await Visitor.signedIn(app, role) }
            let leaderOrder = try await Self.firstOrder(of: "m1", app)
            let agentOrder = try await Self.firstOrder(of: "m10", app)
            for (route, path, statuses) in Self.expected(leaderOrder: leaderOrder, agentOrder: agentOrder) {
                for (who, status) in statuses.sorted(by: { $0.key < $1.key }) {
                    let got = try await visitors[who]!.get(path).status
                    #expect(got == status, "\(who) \(route) (\(path)): \(got.code), expected \(status.code)")
                }
            }
        }
    }

    static func firstOrder(of code: String, _ app: Application) async throws -> String {
        let member = try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
        return try #require(try await Order.query(on: app.db).filter(\.$member.$id == member.id!).sort(\.$id).first()).code
    }

    @Test func anAgentSeesTheirDownlineButNotTheirContactDetails() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let me = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let downline = try await Member.query(on: app.db).filter(\.$sponsor.$id == me.id!).sort(\.$id).all()
            let child = try #require(downline.first)
            let own = try await agent.get("/members/m10")
            #expect(own.body.contains(me.phone!))
            let theirs = try await agent.get("/members/\(child.code)")
            #expect(theirs.status == .ok)
            #expect(!theirs.body.contains(child.phone!))
            // The list holds exactly the agent's subtree, with no phone numbers but the agent's own.
            let subtree = try await Member.query(on: app.db).filter(\.$path =~ me.path).count()
            let list = try await agent.get("/members")
            #expect(list.body.visibleText.contains("\(subtree) 位成员"))
            #expect(!list.body.contains(child.phone!))
            // A search for someone outside finds nothing.
            let leader = try #require(try await Member.query(on: app.db).filter(\.$code == "m1").first())
            let search = try await agent.get("/members?q=\(leader.phone!)")
            #expect(search.body.visibleText.contains("0 位成员"))
        }
    }
}
