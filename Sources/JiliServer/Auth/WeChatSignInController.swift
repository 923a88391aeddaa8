import Fluent
import Vapor

/// 微信登录 (公众号网页授权, `snsapi_base`): WeChat tells who opened Jili inside its browser. The
/// state is random, single-use and kept in the browser's session, so that no one can sign someone
/// else in with their own code (login CSRF). A known WeChat signs its account in; an unknown one is
/// bound once: by signing in with the password, or by an invitation opened inside WeChat.
struct WeChatSignInController: RouteCollection {
    static let stateKey = "wechat_state"
    static let inviteKey = "wechat_invite"
    static let pendingKey = "wechat_pending"
    static let pendingUnionKey = "wechat_pending_union"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.wechatSignIn, use: start)
        routes.get(SiteURL.wechatCallback, use: callback)
    }

    /// To WeChat's authorization page, with a new state; `?invite=TOKEN` to activate an invitation with WeChat.
    @Sendable func start(req: Request) async throws -> Response {
        guard let wechat = req.wechat else { throw Abort(.notFound) }
        // 128 random bits in hex: WeChat documents the state as letters and digits only.
        let state = [UInt8].random(count: 16).map { String(format: "%02x", $0) }.joined()
        req.session.data[Self.stateKey] = state
        req.session.data[Self.inviteKey] = nil
        if let invite = req.query[String.self, at: "invite"], let found = try await AuthQueries(db: req.db).invitation(token: invite),
           found.purpose == .invite, found.state(at: req.application.jiliClock.now()) == .open {
            req.session.data[Self.inviteKey] = invite
        }
        let redirect = req.application.jiliConfig.linkBase + SiteURL.wechatCallback()
        return req.redirect(to: wechat.authorizeURL(redirect: redirect, state: state))
    }

    @Sendable func callback(req: Request) async throws -> Response {
        guard let wechat = req.wechat else { throw Abort(.notFound) }
        let expected = req.session.data[Self.stateKey]
        req.session.data[Self.stateKey] = nil
        guard let expected, let state = req.query[String.self, at: "state"], LinkToken.constantTimeEqual(state, expected) else {
            throw Refusal(key: "wechat_error_state", status: .badRequest)
        }
        guard let code = req.query[String.self, at: "code"], !code.isEmpty else { throw Refusal(key: "wechat_error_denied", status: .badRequest) }
        let person: (openID: String, unionID: String?)
        do {
            person = try await wechat.person(code: code)
        } catch let failure as WeChatClient.Failure {
            req.logger.warning("WeChat sign-in refused: \(failure.code)")
            throw Refusal(key: "wechat_error_failed", values: ["code": "\(failure.code)", "message": failure.message], status: .badGateway)
        }
        let queries = AuthQueries(db: req.db)
        // An invitation opened inside WeChat: the account is made and bound to this WeChat.
        if let invite = req.session.data[Self.inviteKey] {
            req.session.data[Self.inviteKey] = nil
            guard let invitation = try await queries.invitation(token: invite) else { throw Abort(.notFound) }
            let username = try await Self.freeUsername(for: invitation, queries)
            let account = try await InvitationService(db: req.db, clock: req.application.jiliClock)
                .accept(invitation, username: username, passwordHash: "", wechat: person)
            req.signIn(account)
            return req.redirect(to: SiteURL.dashboard(), notice: "activate_done_wechat", ["name": invitation.member?.name ?? invitation.label, "username": username])
        }
        if let account = try await queries.account(wechat: person.openID) {
            guard account.isEnabled else { throw Refusal(key: account.disabledReason == .left ? "signin_left" : "signin_disabled", status: .forbidden) }
            req.signIn(account)
            return req.redirect(to: SiteURL.dashboard())
        }
        // Not bound yet: the next sign-in with a password binds it.
        req.session.data[Self.pendingKey] = person.openID
        req.session.data[Self.pendingUnionKey] = person.unionID
        return req.redirect(to: SiteURL.signIn(query: ["wechat": "bind"]))
    }

    /// A username for an account made by WeChat: the member's code when free, else with a number.
    static func freeUsername(for invitation: Invitation, _ queries: AuthQueries) async throws -> String {
        let base = invitation.member?.code ?? "wx"
        if invitation.member != nil, (try? InvitationService.check(username: base)) != nil, try await queries.isFree(username: base) { return base }
        for _ in 0..<20 {
            let name = base + "-" + String(Int.random(in: 1000...9999))
            if try await queries.isFree(username: name) { return name }
        }
        throw Refusal(key: "invite_error_username_taken", values: ["value": base])
    }
}
