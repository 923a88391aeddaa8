import Foundation
import Testing
import Vapor
@testable import JiliServer

/// Every answer carries the security headers, errors included; odd paths are answered, not crashed on.
@Suite struct ErrorResponseTests {
    struct Boom: Error {}

    func securityHeaders(_ headers: HTTPHeaders) -> [String?] {
        ["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"].map { headers.first(name: $0) }
    }

    let expected: [String?] = ["nosniff", "DENY", "same-origin",
                               "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"]

    @Test func errorPagesAndAPIErrorsCarryTheSecurityHeaders() async throws {
        try await withTestApp { app in
            app.get("test-boom") { _ -> String in throw Boom() }
            app.get("api", "v1", "test-boom") { _ -> String in throw Boom() }
            var visitor = Visitor(app)
            var agent = try await Visitor.signedIn(app, "agent")
            let notFound = try await visitor.get("/no-such-page")
            #expect(notFound.status == .notFound)
            #expect(securityHeaders(notFound.headers) == expected)
            let forbidden = try await agent.get("/audit")
            #expect(forbidden.status == .forbidden)
            #expect(securityHeaders(forbidden.headers) == expected)
            let serverError = try await visitor.get("/test-boom")
            #expect(serverError.status == .internalServerError)
            #expect(serverError.body.visibleText.contains("出错了"))
            #expect(securityHeaders(serverError.headers) == expected)
            for (path, status) in [("/api/v1/members", HTTPStatus.unauthorized), ("/api/v1/test-boom", .internalServerError)] {
                let api = try await visitor.get(path)
                #expect(api.status == status, "\(path)")
                #expect(api.headers.contentType == .json)
                #expect(securityHeaders(api.headers) == expected, "\(path)")
            }
            for _ in 0..<SignInController.perAccount { _ = try await visitor.signIn("finance", password: "guess") }
            let tooMany = try await visitor.signIn("finance")
            #expect(tooMany.status == .tooManyRequests)
            #expect(securityHeaders(tooMany.headers) == expected)
        }
    }

    /// A path part longer than a file name can be answers 404 (it was the file system's 500).
    @Test func aVeryLongPathPartIsNotFound() async throws {
        try await withTestApp(demo: false) { app in
            var visitor = Visitor(app)
            let long = String(repeating: "a", count: 300)
            for path in ["/\(long)", "/app.css/\(long)", "/members/\(long)"] {
                let page = try await visitor.get(path)
                #expect(page.status == .notFound || page.status == .seeOther, "\(path.prefix(20)): \(page.status)")
                #expect(securityHeaders(page.headers) == expected)
            }
            #expect(try await visitor.get("/app.css").status == .ok)
        }
    }
}
