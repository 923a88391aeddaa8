import Foundation
import NIOConcurrencyHelpers
import Vapor
@testable import JiliServer

/// A local stand-in for WeChat's servers on a loopback port, answering as WeChat's documentation
/// says: the web authorization page (the person approves at once and is sent back with a code and
/// the state) and the code exchange (`/sns/oauth2/access_token`: the openid, and unionid when the
/// person has one; `40029 invalid code` for a code unknown or used, `40125 invalid appsecret`),
/// answered as `text/plain` as WeChat does.
final class WeChatStandIn: @unchecked Sendable {
    static let appID = "wxstandin00000001"
    static let secret = "standin-secret-0123456789abcdef"

    let app: Application
    let port: Int
    private let state = NIOLockedValueBox(State())

    struct State {
        /// Who approves on the authorization page next.
        var person = (openID: "oStandInPerson0001", unionID: String?.none)
        var codes: [String: (openID: String, unionID: String?)] = [:]
        var exchanges = 0
        /// The last authorization request's query, as WeChat received it.
        var lastAuthorize: [String: String] = [:]
        /// Access tokens handed out: the newest is valid, and the one before it (WeChat keeps an old token
        /// valid for 5 minutes after a new one is fetched); it expires after `tokenSends` messages.
        var tokens: [String] = []
        var tokenSends = Int.max
        var sendsWithToken = 0
        /// Template messages received, in order.
        var received: [[String: Any]] = []
        var unfollowed: Set<String> = []
        /// Openids whose next message meets the rate limit (45009), once.
        var rateLimitedOnce: Set<String> = []
    }

    var base: String { "http://127.0.0.1:\(port)" }

    var config: AppConfig.WeChat {
        AppConfig.WeChat(appID: Self.appID, secret: Self.secret, openBase: base, apiBase: base,
                         templates: ["default": "TPL-DEFAULT", "notice_prize": "TPL-PRIZE"])
    }

    /// The person who approves on the authorization page from now on.
    func approveAs(_ openID: String, unionID: String? = nil) { state.withLockedValue { $0.person = (openID, unionID) } }
    var exchanges: Int { state.withLockedValue { $0.exchanges } }
    var lastAuthorize: [String: String] { state.withLockedValue { $0.lastAuthorize } }
    var tokenFetches: Int { state.withLockedValue { $0.tokens.count } }
    /// The messages received: who, which template, the link and the first line.
    var received: [(touser: String, template: String, url: String, first: String)] {
        state.withLockedValue { s in
            s.received.map { m in
                let first = ((m["data"] as? [String: Any])?["first"] as? [String: Any])?["value"] as? String ?? ""
                return (m["touser"] as? String ?? "", m["template_id"] as? String ?? "", m["url"] as? String ?? "", first)
            }
        }
    }
    func expireTokensAfter(_ sends: Int) { state.withLockedValue { $0.tokenSends = sends } }
    func unfollow(_ openID: String) { _ = state.withLockedValue { $0.unfollowed.insert(openID) } }
    func rateLimitOnce(_ openID: String) { _ = state.withLockedValue { $0.rateLimitedOnce.insert(openID) } }

    private init(app: Application, port: Int) {
        self.app = app
        self.port = port
    }

    static func start() async throws -> WeChatStandIn {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        let box = NIOLockedValueBox<WeChatStandIn?>(nil)
        app.get("connect", "oauth2", "authorize") { req -> Response in
            guard let me = box.withLockedValue({ $0 }) else { throw Abort(.serviceUnavailable) }
            let q = (try? req.query.decode([String: String].self)) ?? [:]
            me.state.withLockedValue { $0.lastAuthorize = q }
            guard q["appid"] == Self.appID, q["response_type"] == "code", q["scope"] == "snsapi_base", let redirect = q["redirect_uri"] else {
                return Response(status: .ok, body: .init(string: "appid或参数错误"))
            }
            let code = "code-" + UUID().uuidString
            me.state.withLockedValue { $0.codes[code] = $0.person }
            let back = redirect + (redirect.contains("?") ? "&" : "?") + "code=\(code)&state=\(WeChatClient.escape(q["state"] ?? ""))"
            return req.redirect(to: back, redirectType: .normal)
        }
        app.get("sns", "oauth2", "access_token") { req -> Response in
            guard let me = box.withLockedValue({ $0 }) else { throw Abort(.serviceUnavailable) }
            let q = (try? req.query.decode([String: String].self)) ?? [:]
            var answer: [String: Any]
            if q["appid"] != Self.appID || q["secret"] != Self.secret {
                answer = ["errcode": 40125, "errmsg": "invalid appsecret, rid: 0"]
            } else if q["grant_type"] != "authorization_code" {
                answer = ["errcode": 40002, "errmsg": "invalid grant_type"]
            } else if let person = me.state.withLockedValue({ s -> (openID: String, unionID: String?)? in
                s.exchanges += 1
                return q["code"].flatMap { s.codes.removeValue(forKey: $0) }
            }) {
                answer = ["access_token": "ACCESS-" + UUID().uuidString, "expires_in": 7200, "refresh_token": "REFRESH", "openid": person.openID,
                          "scope": "snsapi_base", "is_snapshotuser": 0]
                if let union = person.unionID { answer["unionid"] = union }
            } else {
                answer = ["errcode": 40029, "errmsg": "invalid code, rid: 0"]
            }
            let response = Response(status: .ok, body: .init(data: try JSONSerialization.data(withJSONObject: answer)))
            response.headers.contentType = .plainText
            return response
        }
        // The access token (client_credential): a new one each time, the older ones invalid at once.
        app.get("cgi-bin", "token") { req -> Response in
            guard let me = box.withLockedValue({ $0 }) else { throw Abort(.serviceUnavailable) }
            let q = (try? req.query.decode([String: String].self)) ?? [:]
            let answer: [String: Any]
            if q["grant_type"] != "client_credential" {
                answer = ["errcode": 40002, "errmsg": "invalid grant_type"]
            } else if q["appid"] != Self.appID || q["secret"] != Self.secret {
                answer = ["errcode": 40125, "errmsg": "invalid appsecret"]
            } else {
                let token = "TOKEN-" + UUID().uuidString
                me.state.withLockedValue { $0.tokens.append(token); $0.sendsWithToken = 0 }
                answer = ["access_token": token, "expires_in": 7200]
            }
            return try Self.json(answer)
        }
        // A template message: the newest token, a known openid that follows, under the rate limit.
        app.post("cgi-bin", "message", "template", "send") { req -> Response in
            guard let me = box.withLockedValue({ $0 }) else { throw Abort(.serviceUnavailable) }
            let token = req.query[String.self, at: "access_token"] ?? ""
            let body = (try? JSONSerialization.jsonObject(with: Data(buffer: req.body.data ?? ByteBuffer()))) as? [String: Any] ?? [:]
            let touser = body["touser"] as? String ?? ""
            let answer: [String: Any] = me.state.withLockedValue { s in
                guard s.tokens.suffix(2).contains(token) else { return ["errcode": 40001, "errmsg": "invalid credential, access_token is invalid or not latest"] }
                guard s.sendsWithToken < s.tokenSends else { return ["errcode": 42001, "errmsg": "access_token expired"] }
                guard touser.hasPrefix("o") else { return ["errcode": 40003, "errmsg": "invalid openid"] }
                guard (body["template_id"] as? String)?.hasPrefix("TPL-") == true else { return ["errcode": 40037, "errmsg": "invalid template_id"] }
                if s.unfollowed.contains(touser) { return ["errcode": 43004, "errmsg": "require subscribe"] }
                if s.rateLimitedOnce.remove(touser) != nil { return ["errcode": 45009, "errmsg": "reach max api daily quota limit"] }
                s.sendsWithToken += 1
                s.received.append(body)
                return ["errcode": 0, "errmsg": "ok", "msgid": 200_000_000 + s.received.count]
            }
            return try Self.json(answer)
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw Abort(.internalServerError, reason: "the stand-in has no port") }
        let standIn = WeChatStandIn(app: app, port: port)
        box.withLockedValue { $0 = standIn }
        return standIn
    }

    static func json(_ object: [String: Any]) throws -> Response {
        let response = Response(status: .ok, body: .init(data: try JSONSerialization.data(withJSONObject: object)))
        response.headers.contentType = .json
        return response
    }

    func stop() async {
        await app.server.shutdown()
        try? await app.asyncShutdown()
    }
}

/// Runs `body` with a test app configured for the stand-in, and the stand-in.
func withWeChat(_ body: (Application, WeChatStandIn) async throws -> Void) async throws {
    let standIn = try await WeChatStandIn.start()
    do {
        try await withTestApp(configured: { $0.wechat = standIn.config }) { app in try await body(app, standIn) }
    } catch {
        await standIn.stop()
        throw error
    }
    await standIn.stop()
}
