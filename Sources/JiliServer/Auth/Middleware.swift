import Fluent
import Vapor

extension Account: ModelSessionAuthenticatable {}

/// Pages for signed-in people only: others are sent to the sign-in page (401 JSON under /api).
struct RequireAccount: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.auth.has(Account.self) else {
            if request.url.path.hasPrefix("/api/") { throw Abort(.unauthorized) }
            let next = request.url.path.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "/"
            return request.redirect(to: "/signin?next=\(next)")
        }
        return try await next.respond(to: request)
    }
}

/// A form that changes something must carry the session's CSRF token in `_csrf`.
struct CSRFProtection: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method != .GET && request.method != .HEAD {
            // A body that came in more than one piece is still streaming when the middlewares run
            // (the route collects it later): collect it here, or the token is not found. The limit is
            // the route's: a form that uploads takes its own, every other form the default.
            if request.body.data == nil {
                let limit = Self.uploadLimit(request.url.path) ?? request.application.routes.defaultMaxBodySize
                _ = try await request.body.collect(max: limit.value).get()
            }
            let sent = (try? request.content.get(String.self, at: "_csrf")) ?? request.headers.first(name: "X-CSRF-Token")
            guard let expected = request.session.data["csrf"], let sent, constantTimeEqual(sent, expected) else {
                throw Abort(.forbidden, reason: "csrf")
            }
        }
        return try await next.respond(to: request)
    }

    /// The forms that upload files and the most each may send (their routes collect with the same
    /// limit); `*` stands for one path component.
    static let uploadLimits: [(path: [Substring], limit: ByteCount)] = [
        ("/import", ImportExportController.maxUpload), ("/goals/import", ImportExportController.maxUpload),
        ("/activities/import", ImportExportController.maxUpload), ("/wall", WallController.maxForm),
        ("/training/courses/*/lessons", TrainingController.maxLessonForm), ("/training/claims", StudyController.maxClaimForm),
    ].map { ($0.0.split(separator: "/"), $0.1) }

    static func uploadLimit(_ path: String) -> ByteCount? {
        let parts = path.split(separator: "/")
        return uploadLimits.first { $0.path.count == parts.count && zip($0.path, parts).allSatisfy { $0 == "*" || $0 == $1 } }?.limit
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    /// The session's CSRF token, created on first use.
    func csrfToken() -> String {
        if let token = session.data["csrf"] { return token }
        let token = [UInt8].random(count: 24).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
        session.data["csrf"] = token
        return token
    }

    /// The signed-in account (only on routes behind ``RequireAccount``).
    var account: Account {
        get throws {
            guard let a = auth.get(Account.self) else { throw Abort(.unauthorized) }
            return a
        }
    }

    /// The signed-in account when its role may do what is asked; 403 otherwise.
    func account(if allowed: (Role) -> Bool) throws -> Account {
        let a = try account
        guard allowed(a.roleValue) else { throw Abort(.forbidden) }
        return a
    }
}

/// Headers that keep pages from being framed, sniffed or loading anything from elsewhere.
struct SecurityHeaders: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "Content-Security-Policy",
                                      value: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        return response
    }
}

/// The files of Public/ (the style sheet). A path with a part longer than a file name can be (255
/// bytes) is no file: it goes on to the routes, which answer 404, instead of the file system's
/// "file name too long" becoming a 500.
struct PublicFiles: AsyncMiddleware {
    let files: FileMiddleware

    init(folder: String) { files = FileMiddleware(publicDirectory: folder) }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.url.path.split(separator: "/").contains(where: { $0.utf8.count > 255 }) {
            return try await next.respond(to: request)
        }
        return try await files.respond(to: request, chainingTo: next)
    }
}

/// Errors as a page in the visitor's language, or as JSON `{code, message}` under /api.
struct ErrorPages: AsyncMiddleware {
    struct APIError: Content {
        var code: String
        var message: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let status = (error as? any AbortError)?.status ?? .internalServerError
            if status == .internalServerError { request.logger.report(error: error) }
            let reason = (error as? any AbortError)?.reason ?? ""
            if request.url.path.hasPrefix("/api/") {
                let response = Response(status: status)
                try response.content.encode(APIError(code: Self.code(status, reason), message: reason.isEmpty ? status.reasonPhrase : reason))
                return response
            }
            let key = "error_\(status.code)"
            var message = request.t(key)
            if message == key { message = request.t("error_other") }
            if reason == "csrf" { message = request.t("error_csrf") }
            let page = ErrorPage(layout: Layout(request, title: message), status: Int(status.code), message: message)
            do {
                return try await request.view.render("error", page).encodeResponse(status: status, for: request)
            } catch {
                // The page itself could not be made: the message alone, still an answer of this site.
                request.logger.report(error: error)
                let response = Response(status: status, body: .init(string: message))
                response.headers.contentType = .plainText
                return response
            }
        }
    }

    static func code(_ status: HTTPResponseStatus, _ reason: String) -> String {
        switch status.code {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return reason == "csrf" ? "csrf" : "forbidden"
        case 404: return "not_found"
        case 409: return "conflict"
        case 422: return "invalid"
        case 429: return "too_many_requests"
        default: return "error"
        }
    }

    struct ErrorPage: Encodable {
        let layout: Layout
        let status: Int
        let message: String
    }
}
