import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Vapor

/// WeChat's 公众号 API, called through Vapor's client (AsyncHTTPClient) with a timeout: the web
/// authorization (网页授权, `snsapi_base`) that tells who opened a page inside WeChat. The secret goes
/// only into the query of the calls that need it and is never logged or shown.
struct WeChatClient {
    let config: AppConfig.WeChat
    let client: any Client
    static let timeout: TimeAmount = .seconds(10)

    /// WeChat said no (`{"errcode":40029,"errmsg":"invalid code"}`), could not be reached (``unreachable``:
    /// nothing was sent), or did not answer a call that was made (``noAnswer``: it may have arrived).
    struct Failure: Error, CustomStringConvertible {
        static let unreachable = -1
        static let noAnswer = -2
        let code: Int
        let message: String
        var description: String { "WeChat error \(code): \(message)" }
    }

    /// Where WeChat's browser is sent to ask who the person is: the parameters in the order WeChat
    /// requires, and `#wechat_redirect`.
    func authorizeURL(redirect: String, state: String) -> String {
        config.openBase + "/connect/oauth2/authorize?appid=" + Self.escape(config.appID) + "&redirect_uri=" + Self.escape(redirect)
            + "&response_type=code&scope=snsapi_base&state=" + Self.escape(state) + "#wechat_redirect"
    }

    /// The person a code names: their openid, and unionid when the account has one.
    func person(code: String) async throws -> (openID: String, unionID: String?) {
        let url = config.apiBase + "/sns/oauth2/access_token?appid=" + Self.escape(config.appID) + "&secret=" + Self.escape(config.secret)
            + "&code=" + Self.escape(code) + "&grant_type=authorization_code"
        let json = try await get(url)
        guard let openID = json["openid"] as? String, !openID.isEmpty else { throw Failure(code: -1, message: "no openid in WeChat's answer") }
        return (openID, (json["unionid"] as? String).flatMap { $0.isEmpty ? nil : $0 })
    }

    /// A new access token (`client_credential`) and the seconds it lasts.
    func fetchAccessToken() async throws -> (token: String, expiresIn: Int) {
        let json = try await get(config.apiBase + "/cgi-bin/token?grant_type=client_credential&appid=" + Self.escape(config.appID)
                                 + "&secret=" + Self.escape(config.secret))
        guard let token = json["access_token"] as? String, !token.isEmpty else { throw Failure(code: -1, message: "no access_token in WeChat's answer") }
        return (token, (json["expires_in"] as? NSNumber)?.intValue ?? 7200)
    }

    /// Sends a template message; WeChat's message id.
    func sendTemplate(accessToken: String, _ body: [String: Any]) async throws -> String? {
        let json = try await post(config.apiBase + "/cgi-bin/message/template/send?access_token=" + Self.escape(accessToken), json: body)
        return (json["msgid"] as? NSNumber).map { "\($0)" } ?? json["msgid"] as? String
    }

    /// A GET whose answer is a JSON object; an `errcode` other than 0 is a ``Failure``.
    func get(_ url: String) async throws -> [String: Any] {
        let response: ClientResponse
        do {
            response = try await client.get(URI(string: url)) { $0.timeout = Self.timeout }
        } catch {
            throw Failure(code: -1, message: "WeChat could not be reached")
        }
        return try Self.object(response)
    }

    /// A POST of a JSON body whose answer is a JSON object.
    func post(_ url: String, json body: [String: Any]) async throws -> [String: Any] {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let response: ClientResponse
        do {
            response = try await client.post(URI(string: url)) { req in
                req.timeout = Self.timeout
                req.headers.contentType = .json
                req.body = ByteBuffer(data: data)
            }
        } catch {
            throw Self.neverConnected(error) ? Failure(code: Failure.unreachable, message: "WeChat could not be reached")
                : Failure(code: Failure.noAnswer, message: "WeChat did not answer")
        }
        return try Self.object(response)
    }

    /// Whether an error of the client means no connection was made (so nothing was sent).
    static func neverConnected(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let e = error as? HTTPClientError, e == .connectTimeout { return true }
        if let e = error as? ChannelError, case .connectTimeout = e { return true }
        return false
    }

    /// WeChat answers JSON (sometimes labelled text/plain); `errcode` 0 or absent is success.
    static func object(_ response: ClientResponse) throws -> [String: Any] {
        guard response.status == .ok, let body = response.body,
              let json = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw Failure(code: -1, message: "WeChat answered \(response.status.code) without JSON")
        }
        if let code = (json["errcode"] as? NSNumber)?.intValue, code != 0 {
            throw Failure(code: code, message: (json["errmsg"] as? String).map { String($0.prefix(200)) } ?? "")
        }
        return json
    }

    static func escape(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension Request {
    /// The WeChat client, when WeChat is configured.
    var wechat: WeChatClient? {
        application.jiliConfig.wechat.map { WeChatClient(config: $0, client: client) }
    }

    /// Whether the page is open inside WeChat's browser.
    var isInsideWeChat: Bool { headers.first(name: .userAgent)?.contains("MicroMessenger") ?? false }
}
