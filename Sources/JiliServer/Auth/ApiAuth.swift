import Crypto
import Fluent
import Vapor

/// An API client, signed in by its bearer token, acting as the token's account.
struct ApiClient: Authenticatable {
    let token: ApiToken
    let account: Account
    var actor: String { "api:\(token.name)" }
}

enum ApiTokens {
    /// `jili_` and 32 random bytes, URL-safe.
    static func generate() -> String {
        "jili_" + [UInt8].random(count: 32).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// `Authorization: Bearer jili_…` → the token's client, unless revoked or its account disabled.
struct ApiTokenAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard let token = try await ApiToken.query(on: request.db).filter(\.$tokenHash == ApiTokens.hash(bearer.token))
            .filter(\.$revokedAt == nil).with(\.$account).first(), let account = token.account, account.isEnabled else { return }
        request.auth.login(ApiClient(token: token, account: account))
    }
}

/// API routes answer 401 JSON without a valid token.
struct RequireApiClient: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(ApiClient.self) else { throw Abort(.unauthorized, reason: "a valid bearer token is needed (Authorization: Bearer jili_…)") }
        return try await next.respond(to: request)
    }
}
