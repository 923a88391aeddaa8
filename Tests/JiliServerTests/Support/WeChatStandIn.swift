import Foundation
import NIOConcurrencyHelpers
import Vapor
@testable import JiliServer

/// A local stand-in for WeChat's servers on a loopback port, answering as WeChat's documentation
/// says: the web authorization page (the person approves at once and is sent back with a code and
/// the state) and the code exchange (`/sns/oauth2/access_token`: the openid, and unionid when the
/// person has one; `40029 invalid code` for a code unknown or used, `40125 invalid appsecret`),
/// answered as `text/plain` as WeChat does.
final class WeChatStandIn: Sendable {
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
    }

    var base: String { "http://127.0.0.1:\(port)" }

    var config: AppConfig.WeChat { AppConfig.WeChat(appID: Self.appID, secret: Self.secret, openBase: base, apiBase: base) }

    /// The person who approves on the authorization page from now on.
    func approveAs(_ openID: String, unionID: String? = nil) { state.withLockedValue { $0.person = (openID, unionID) } }
    var exchanges: Int { state.withLockedValue { $0.exchanges } }
    var lastAuthorize: [String: String] { state.withLockedValue { $0.lastAuthorize } }

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
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        guard let port = app.http.server.shared.localAddress?.port else { throw Abort(.internalServerError, reason: "the stand-in has no port") }
        let standIn = WeChatStandIn(app: app, port: port)
        box.withLockedValue { $0 = standIn }
        return standIn
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
