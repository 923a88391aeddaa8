import Fluent
import Testing
import Vapor
@testable import JiliServer

@Suite struct SignInTests {
    @Test func signInWithUsernameOrPhoneAndSignOut() async throws {
        try await withTestApp { app in
            var v = Visitor(app)
            #expect(try await v.get("/dashboard").location == "/signin?next=/dashboard")
            let ok = try await v.signIn("agent")
            #expect(ok.status == .seeOther && ok.location == "/dashboard")
            #expect(try await v.get("/dashboard").status == .ok)
            let out = try await v.post("/signout", [:])
            #expect(out.location == "/signin")
            #expect(try await v.get("/dashboard").status == .seeOther)

            let phone = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first()?.phone)
            var byPhone = Visitor(app)
            #expect(try await byPhone.signIn(phone).location == "/dashboard")
        }
    }

    @Test func aWrongPasswordIsRefusedWithoutSayingWhichPartWasWrong() async throws {
        try await withTestApp { app in
            var v = Visitor(app)
            let wrong = try await v.signIn("agent", password: "not it")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.visibleText.contains("用户名、手机号或密码不正确。"))
            let unknown = try await v.signIn("nobody", password: "not it")
            #expect(unknown.status == .unauthorized)
            #expect(unknown.body.visibleText.contains("用户名、手机号或密码不正确。"))
        }
    }

    @Test func attemptsAreLimitedPerAccount() async throws {
        try await withTestApp { app in
            var v = Visitor(app)
            for _ in 0..<SignInController.perAccount { _ = try await v.signIn("manager", password: "guess") }
            // Even the right password waits now.
            let blocked = try await v.signIn("manager")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.visibleText.contains("尝试次数过多，请 15 分钟后再试。"))
            // Another account from elsewhere is not affected.
            var other = Visitor(app)
            #expect(try await other.signIn("agent").location == "/dashboard")
        }
    }

    @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
        try await withTestApp { app in
            var v = try await Visitor.signedIn(app, "leader")
            let forged = try await v.request(.POST, "/signout", form: ["_csrf": "forged"])
            #expect(forged.status == .forbidden)
            #expect(forged.body.visibleText.contains("表单已过期"))
            let none = try await v.request(.POST, "/signin", form: ["login": "agent", "password": DemoTeam.password])
            #expect(none.status == .forbidden)
        }
    }

    @Test func sessionsAreNewAfterSignInAndCookiesAreProtected() async throws {
        try await withTestApp { app in
            var v = Visitor(app)
            let page = try await v.get("/signin")
            let cookie = try #require(page.headers[.setCookie].first { $0.hasPrefix("jili_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
            let before = v.cookies["jili_session"]
            _ = try await v.signIn("agent")
            #expect(v.cookies["jili_session"] != nil && v.cookies["jili_session"] != before)
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)
        }
    }

    @Test func theNextPageIsOnlyEverOnThisSite() {
        #expect(SignInController.safeNext("/members?tier=vip") == "/members?tier=vip")
        #expect(SignInController.safeNext("/members?q=%E5%BC%A0%20%E4%B8%89") == "/members?q=%E5%BC%A0%20%E4%B8%89")
        #expect(SignInController.safeNext("https://evil.example/") == "/dashboard")
        #expect(SignInController.safeNext("//evil.example/") == "/dashboard")
        #expect(SignInController.safeNext(nil) == "/dashboard")
        // A tab is dropped by browsers (`/\t/host` is `//host`); CR/LF would split the header.
        for bad in ["/\t/evil.example", "/%09/evil.example", "/%2F/evil.example", "/\\evil.example", "/%5Cevil.example",
                    "/dashboard\r\nSet-Cookie: jili_session=planted", "/dashboard%0d%0aSet-Cookie:%20x=1", "/ /x", "/团队", "dashboard", ""] {
            #expect(SignInController.safeNext(bad) == "/dashboard", "\(bad.debugDescription)")
        }
    }

    /// The `next` of the sign-in form reaches the `Location` header only as a path on this site.
    @Test func aSignInLinkCannotSetCookiesOrLeaveTheSite() async throws {
        try await withTestApp { app in
            for next in ["/dashboard\r\nSet-Cookie: planted=1", "/\t/evil.example", "/%09/evil.example"] {
                var v = Visitor(app)
                let token = try await v.get("/signin").csrf ?? ""
                let page = try await v.request(.POST, "/signin", form: ["_csrf": token, "login": "agent", "password": DemoTeam.password, "next": next])
                #expect(page.status == .seeOther && page.location == "/dashboard", "\(next.debugDescription) → \(page.location ?? "nil")")
                #expect(!page.headers[.setCookie].contains { $0.contains("planted") })
            }
        }
    }

    /// Five wrong passwords lock the account, whichever of its names is typed: the right password
    /// typed as its phone number waits too, and the phone does not get five guesses of its own.
    @Test func attemptsAreCountedPerAccountWhateverNameIsTyped() async throws {
        try await withTestApp { app in
            let agent = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            let phone = try #require(agent.phone)
            var v = Visitor(app)
            for i in 0..<SignInController.perAccount {
                _ = try await v.signIn(i % 2 == 0 ? "agent" : phone, password: "guess")
            }
            #expect(try await v.signIn(phone).status == .tooManyRequests)
            // A login that names no account is counted as typed, and does not lock anyone else.
            var w = Visitor(app)
            for _ in 0..<SignInController.perAccount { _ = try await w.signIn("nobody", password: "guess") }
            #expect(try await w.signIn("nobody", password: "guess").status == .tooManyRequests)
            #expect(try await w.signIn("manager").location == "/dashboard")
        }
    }
}
