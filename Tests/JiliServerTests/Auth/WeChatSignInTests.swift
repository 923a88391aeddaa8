import AsyncHTTPClient
import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// 微信登录 against the local WeChat stand-in: the authorization address as WeChat requires it, a
/// known WeChat signed in, an unknown one bound by a password sign-in or by an invitation, and a
/// wrong state or a WeChat error that signs no one in.
@Suite struct WeChatSignInTests {
    static let wechatBrowser = ("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) MicroMessenger/8.0.50")

    /// Goes through WeChat as its browser does: Jili's redirect to the authorization page, the
    /// stand-in's redirect back with a code, and Jili's callback.
    static func signInWithWeChat(_ visitor: inout Visitor, start: String = "/signin/wechat") async throws -> Visitor.Page {
        try await signInReturningCode(&visitor, start: start).page
    }

    static func signInReturningCode(_ visitor: inout Visitor, start: String = "/signin/wechat") async throws -> (page: Visitor.Page, code: String) {
        let toWeChat = try await visitor.request(.GET, start, headers: [wechatBrowser])
        let authorize = try #require(toWeChat.location)
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: .init(redirectConfiguration: .disallow))
        defer { _ = client.shutdown() }
        let url = String(authorize.prefix { $0 != "#" })
        let answer = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let back = try #require(answer.headers.first(name: "Location"))
        #expect(back.hasPrefix("http://127.0.0.1:8080/signin/wechat/callback?code="))
        let code = String(back.split(separator: "code=")[1].prefix { $0 != "&" })
        return (try await visitor.request(.GET, String(back.dropFirst("http://127.0.0.1:8080".count)), headers: [wechatBrowser]), code)
    }

    @Test func theAuthorizationAddressIsAsWeChatRequiresIt() async throws {
        try await withWeChat { app, standIn in
            var visitor = Visitor(app)
            let page = try await visitor.request(.GET, "/signin", headers: [Self.wechatBrowser])
            #expect(page.body.visibleText.contains("微信登录"))
            // Outside WeChat the button is not offered.
            let outside = try await visitor.get("/signin")
            #expect(!outside.body.visibleText.contains("微信登录"))
            let start = try await visitor.request(.GET, "/signin/wechat", headers: [Self.wechatBrowser])
            let location = try #require(start.location)
            let state = try #require(location.range(of: "&state=")).upperBound
            #expect(location.hasPrefix(standIn.base + "/connect/oauth2/authorize?appid=wxstandin00000001&redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2Fsignin%2Fwechat%2Fcallback&response_type=code&scope=snsapi_base&state="))
            #expect(location.hasSuffix("#wechat_redirect") && location[state...].count == 32 + "#wechat_redirect".count)
            #expect(location[state...].prefix(32).allSatisfy { $0.isHexDigit })
        }
    }

    @Test func anUnknownWeChatIsBoundByAPasswordSignInAndThenSignsInAlone() async throws {
        try await withWeChat { app, standIn in
            standIn.approveAs("oAgentWeChat0001", unionID: "uAgent0001")
            var phone = Visitor(app)
            let first = try await Self.signInWithWeChat(&phone)
            #expect(first.status == .seeOther && first.location == "/signin?wechat=bind")
            let hint = try await phone.request(.GET, "/signin?wechat=bind", headers: [Self.wechatBrowser])
            #expect(hint.body.visibleText.contains("这个微信还没有绑定账户"))
            let signedIn = try await phone.signIn("agent")
            #expect(signedIn.location == "/dashboard")
            #expect(try await phone.get("/dashboard").body.visibleText.contains("已绑定微信"))
            let agent = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            #expect(agent.wechatOpenID == "oAgentWeChat0001" && agent.wechatUnionID == "uAgent0001")
            // Next time, on another phone: WeChat alone signs in.
            var other = Visitor(app)
            let again = try await Self.signInWithWeChat(&other)
            #expect(again.status == .seeOther && again.location == "/dashboard")
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            #expect(try await other.get("/dashboard").body.visibleText.contains("\(m10.name) · 代理"))
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "bind_wechat").count() == 1)
            // A member who left: WeChat does not sign them in either.
            agent.disabledAt = testNow
            agent.disabledReason = .left
            try await agent.save(on: app.db)
            var third = Visitor(app)
            let refused = try await Self.signInWithWeChat(&third)
            #expect(refused.status == .forbidden && refused.body.visibleText.contains("已离开团队"))
        }
    }

    @Test func anInvitationOpenedInWeChatIsActivatedWithWeChat() async throws {
        try await withWeChat { app, standIn in
            let member = try await InvitationTests.memberWithoutAccount(under: "m10", app)
            let made = try await InvitationService(db: app.db, clock: app.jiliClock).invite(member, by: .system)
            var phone = Visitor(app)
            let opened = try await phone.request(.GET, SiteURL.invitation(made.token.text), headers: [Self.wechatBrowser])
            #expect(opened.body.visibleText.contains("用微信登录开通"))
            standIn.approveAs("oNewMember0001")
            let done = try await Self.signInWithWeChat(&phone, start: SiteURL.wechatSignIn(query: ["invite": made.token.text]))
            #expect(done.location == "/dashboard")
            let welcome = try await phone.get("/dashboard")
            #expect(welcome.body.visibleText.contains("欢迎，\(member.name)！账户已开通并绑定微信（用户名 \(member.code)）。"))
            let account = try #require(try await Account.query(on: app.db).filter(\.$wechatOpenID == "oNewMember0001").first())
            #expect(account.$member.id == member.id && account.passwordHash.isEmpty && account.username == member.code)
            // Without a password, the password form signs no one in as them.
            var guesser = Visitor(app)
            #expect(try await guesser.signIn(member.code, password: "").status != .seeOther)
            #expect(try await guesser.signIn(member.code, password: "anything-at-all").status == .unauthorized)
            // The link is used.
            #expect(try await guesser.get(SiteURL.invitation(made.token.text)).status == .gone)
        }
    }

    @Test func aWrongStateOrAWeChatErrorSignsNoOneIn() async throws {
        try await withWeChat { app, standIn in
            standIn.approveAs("oAgentWeChat0002")
            let agent = try #require(try await Account.query(on: app.db).filter(\.$username == "agent").first())
            agent.wechatOpenID = "oAgentWeChat0002"
            try await agent.save(on: app.db)
            // A callback with a code but a state this browser was never given (login CSRF): refused.
            var victim = Visitor(app)
            _ = try await victim.request(.GET, "/signin/wechat", headers: [Self.wechatBrowser])
            let forged = try await victim.get("/signin/wechat/callback?code=code-whatever&state=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            #expect(forged.status == .badRequest && forged.body.visibleText.contains("这次微信登录已失效"))
            #expect(try await victim.get("/dashboard").location?.hasPrefix("/signin") == true)
            #expect(standIn.exchanges == 0)
            // A code WeChat does not know: its error, and no one signed in.
            var visitor = Visitor(app)
            let start = try await visitor.request(.GET, "/signin/wechat", headers: [Self.wechatBrowser])
            let state = String(try #require(start.location).split(separator: "&state=")[1].prefix(32))
            let bad = try await visitor.get("/signin/wechat/callback?code=nope&state=\(state)")
            #expect(bad.status == .badGateway && bad.body.visibleText.contains("微信登录没有成功（40029：invalid code, rid: 0），未登录任何人。"))
            #expect(try await visitor.get("/dashboard").location?.hasPrefix("/signin") == true)
            // The state was used: the same callback again is refused before WeChat is asked.
            let exchanges = standIn.exchanges
            #expect(try await visitor.get("/signin/wechat/callback?code=nope&state=\(state)").status == .badRequest)
            #expect(standIn.exchanges == exchanges)
            // A code used once already is WeChat's 40029 too, even with a fresh state.
            var first = Visitor(app)
            let (signedIn, code) = try await Self.signInReturningCode(&first)
            #expect(signedIn.location == "/dashboard")
            var replay = Visitor(app)
            let restart = try await replay.request(.GET, "/signin/wechat", headers: [Self.wechatBrowser])
            let fresh = String(try #require(restart.location).split(separator: "&state=")[1].prefix(32))
            let reused = try await replay.get("/signin/wechat/callback?code=\(code)&state=\(fresh)")
            #expect(reused.status == .badGateway && reused.body.visibleText.contains("40029"))
        }
    }

    @Test func withoutWeChatConfiguredNothingIsOffered() async throws {
        try await withTestApp { app in
            var visitor = Visitor(app)
            let page = try await visitor.request(.GET, "/signin", headers: [Self.wechatBrowser])
            #expect(!page.body.visibleText.contains("微信登录"))
            let start = try await visitor.get("/signin/wechat"), callback = try await visitor.get("/signin/wechat/callback?code=x&state=y")
            #expect(start.status == .notFound && callback.status == .notFound)
        }
    }
}
