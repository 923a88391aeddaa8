import Foundation
import Testing
import Vapor
@testable import JiliServer

/// Every link on every page a role reaches from its home leads somewhere it may go: no 404, no 403
/// (the titles page linked support and the warehouse to member pages they may not open).
@Suite struct LinkWalkTests {
    static let roles = ["leader", "director", "manager", "agent", "support", "finance", "service", "trainer", "warehouse"]

    /// The same-site links of a page (`href="/…"`), without their fragment.
    static func links(_ body: String) -> [String] {
        var out: [String] = []
        var rest = Substring(body)
        while let r = rest.range(of: "href=\"/") {
            let link = "/" + rest[r.upperBound...].prefix { $0 != "\"" }
            rest = rest[r.upperBound...]
            let path = String(link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                .replacingOccurrences(of: "&amp;", with: "&")
            if !path.isEmpty { out.append(path) }
        }
        return out
    }

    /// A path's shape: runs of digits stand for any (`/members/m12` ~ `/members/m3`), so that a
    /// list of a thousand members is walked through a few of them.
    static func shape(_ path: String) -> String {
        var out = ""
        var inDigits = false
        for c in path {
            if c.isNumber { if !inDigits { out.append("#") }; inDigits = true } else { out.append(c); inDigits = false }
        }
        return out
    }

    @Test(arguments: roles) func noLinkLeadsToAPageThatIsMissingOrForbidden(role: String) async throws {
        try await withTestApp { app in
            var visitor = try await Visitor.signedIn(app, role)
            var queue = ["/dashboard"]
            var from: [String: String] = [:]
            var seen = Set<String>()
            var shapes: [String: Int] = [:]
            var broken: [String] = []
            var unreadable: [String] = []
            var visited = 0
            while let path = queue.first, visited < 1_500 {
                queue.removeFirst()
                guard !seen.contains(path) else { continue }
                seen.insert(path)
                // Every link of a shape is followed up to 40 times; the pages of a shape are read for
                // their own links three times.
                let shape = Self.shape(path.split(separator: "?")[0].description)
                let times = shapes[shape, default: 0]
                guard times < 40 else { continue }
                shapes[shape] = times + 1
                visited += 1
                let page = try await visitor.get(path)
                if page.status == .notFound || page.status == .forbidden {
                    broken.append("\(path) \(page.status.code) (on \(from[path] ?? "?"))")
                    continue
                }
                guard times < 3, page.status == .ok, page.headers.contentType?.subType == "html" else { continue }
                // Words a person reads: no message placeholder left unfilled, no `system` for Jili's own doing.
                let text = page.body.visibleText
                for pattern in [#"\{[a-zA-Z_]+\}"#, #"\bsystem\b"#] {
                    if let r = text.range(of: pattern, options: .regularExpression) {
                        let from = text.index(r.lowerBound, offsetBy: -30, limitedBy: text.startIndex) ?? text.startIndex
                        unreadable.append(path + ": …" + String(text[from..<r.upperBound]))
                    }
                }
                for link in Self.links(page.body) where !seen.contains(link) && !link.hasPrefix("/signout") && !link.hasPrefix("/app.") {
                    queue.append(link)
                    if from[link] == nil { from[link] = path }
                }
            }
            #expect(visited > 10, "\(role) reached \(visited) pages")
            #expect(broken.isEmpty, "\(role): \(broken.joined(separator: ", "))")
            #expect(unreadable.isEmpty, "\(role): \(unreadable.joined(separator: "\n"))")
        }
    }
}
