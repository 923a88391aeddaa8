import Vapor

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
        /// The field a refusal is about, when there is one.
        var field: String?
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let refusal as Refusal {
            // Answered by ``Refusals`` inside the session; one thrown outside it is still said.
            return try await Refusals.answer(refusal, request, sendingBack: false)
        } catch {
            let status = (error as? any AbortError)?.status ?? .internalServerError
            if status == .internalServerError { request.logger.report(error: error) }
            let reason = (error as? any AbortError)?.reason ?? ""
            if request.url.path.hasPrefix("/api/") {
                let response = Response(status: status)
                try response.content.encode(APIError(code: Self.code(status, reason), message: reason.isEmpty ? status.reasonPhrase : reason, field: nil))
                return response
            }
            let key = "error_\(status.code)"
            var message = request.t(key)
            if message == key { message = request.t("error_other") }
            if reason == "csrf" { message = request.t("error_csrf") }
            return try await page(request, status: status, message: message)
        }
    }

    func page(_ request: Request, status: HTTPStatus, message: String) async throws -> Response {
        let page = ErrorPage(layout: Layout(request, title: message), status: Int(status.code), message: message)
        do {
            return try await request.view.render("app/error", page).encodeResponse(status: status, for: request)
        } catch {
            // The page itself could not be made: the message alone, still an answer of this site.
            request.logger.report(error: error)
            let response = Response(status: status, body: .init(string: message))
            response.headers.contentType = .plainText
            return response
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

/// A ``Refusal`` reaches the person: in the API as JSON (422 or 409, the message in English and the
/// field); on a page, back to the form it came from with the reason and what was typed (``Flash``),
/// or said on a page of its own when there is no form to go back to. Inside the sessions middleware,
/// so that what it keeps in the session is saved.
struct Refusals: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch let refusal as Refusal {
            return try await Self.answer(refusal, request, sendingBack: true)
        }
    }

    static func answer(_ refusal: Refusal, _ request: Request, sendingBack: Bool) async throws -> Response {
        if request.url.path.hasPrefix("/api/") {
            let response = Response(status: refusal.status)
            try response.content.encode(ErrorPages.APIError(code: ErrorPages.code(refusal.status, ""), message: refusal.english(request.application),
                                                            field: refusal.field))
            return response
        }
        if sendingBack, let back = request.sendBack(refusal) { return back }
        return try await ErrorPages().page(request, status: refusal.status, message: refusal.fullText(request))
    }
}
