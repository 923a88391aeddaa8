import Foundation
import LeafKit
import Testing
import Vapor
@testable import JiliServer

/// Every route is an address of `SiteURL`, and links, form actions and redirects are made from them.
@Suite struct SiteURLTests {
    @Test func aLinkIsItsPatternWithTheValuesInPlaceAndEncoded() {
        #expect(SiteURL.root() == "/")
        #expect(SiteURL.dashboard() == "/dashboard")
        #expect(SiteURL.member("m10") == "/members/m10")
        #expect(SiteURL.member("张 三/1") == "/members/%E5%BC%A0%20%E4%B8%89%2F1")
        #expect(SiteURL.closeCase("m10", 7) == "/members/m10/cases/7/close")
        // The query keeps its order, drops nil values and encodes what would end a value.
        #expect(SiteURL.members(query: ["page": "2", "q": "a&b=c", "tier": nil]) == "/members?page=2&q=a%26b%3Dc")
        #expect(SiteURL.signIn(query: ["next": "/members/m10"]) == "/signin?next=/members/m10")
        #expect(SiteURL.member.parameters == ["code"] && SiteURL.closeCase.parameters == ["code", "id"])
        #expect(SiteURL.lessons.matches("/training/courses/3/lessons") && !SiteURL.lessons.matches("/training/courses/3"))
        #expect(SiteURL.maxBody("/training/courses/3/lessons") == SiteURL.lessonForm)
        #expect(SiteURL.maxBody("/members") == nil)
    }

    /// The router's routes (but the API's, which its OpenAPI document lists) are exactly the addresses.
    @Test func everyRouteIsAnAddressAndEveryAddressARoute() async throws {
        try await withTestApp(demo: false) { app in
            let routes = Set(app.routes.all.filter { $0.path.first?.description != "api" }
                .map { "/" + $0.path.map(\.description).joined(separator: "/") })
            let addresses = Set(SiteURL.all.map(\.pattern))
            #expect(SiteURL.named.count == SiteURL.all.count)
            #expect(routes.subtracting(addresses).isEmpty, "routes without an address: \(routes.subtracting(addresses).sorted())")
            // The stylesheet and the script are files; the OpenAPI document is the API's.
            let files: Set<String> = ["/app.css", "/app.js", "/api/v1/openapi.json"]
            #expect(addresses.subtracting(routes) == files)
            #expect(SiteURL.all.count > 100)
        }
    }

    /// Templates make every link with `#url`, naming an address and giving it as many values as it takes.
    @Test func templatesLinkOnlyThroughAddresses() throws {
        let root = packageRoot + "/Resources/Views"
        let literal = try NSRegularExpression(pattern: #"\b(href|action|src|formaction)="/"#)
        let tag = try NSRegularExpression(pattern: #"#url\("([A-Za-z]+)"((?:, [^,()]+)*)\)"#)
        var uses = 0
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(".leaf") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            let all = NSRange(text.startIndex..., in: text)
            #expect(literal.numberOfMatches(in: text, range: all) == 0, "\(file) has a path literal")
            #expect(!text.contains("#url(") || tag.numberOfMatches(in: text, range: all) == text.components(separatedBy: "#url(").count - 1,
                    "\(file): a #url the test cannot read")
            for m in tag.matches(in: text, range: all) {
                let name = String(text[Range(m.range(at: 1), in: text)!])
                let values = String(text[Range(m.range(at: 2), in: text)!]).components(separatedBy: ", ").count - 1
                let address = SiteURL.named[name]
                #expect(address != nil, "\(file): no address named \(name)")
                #expect(address == nil || address!.parameters.count == values, "\(file): #url(\"\(name)\") with \(values) values")
                uses += 1
            }
        }
        #expect(uses > 150)
    }

    /// Controllers and services make links and redirects from addresses too.
    @Test func theCodeLinksOnlyThroughAddresses() throws {
        let root = packageRoot + "/Sources/JiliServer"
        let literal = try NSRegularExpression(pattern: #"(redirect\((to|back): "/|link: "/|href=\\"/|action=\\"/|item\("/|url: "/)"#)
        for case let file as String in FileManager.default.enumerator(atPath: root)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(literal.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) == 0, "\(file) has a path literal")
        }
    }

    /// A template naming an address that does not exist does not render.
    @Test func aTagWithAnUnknownNameOrTheWrongValuesFails() async throws {
        try await withTestApp(demo: false) { app in
            await #expect(throws: (any Error).self) { try await URLTagProbe.render("#url(\"nowhere\")", app) }
            await #expect(throws: (any Error).self) { try await URLTagProbe.render("#url(\"member\")", app) }
            let rendered = try await URLTagProbe.render("<a href=\"#url(\"member\", code)\">", app, ["code": "m10"])
            #expect(rendered == "<a href=\"/members/m10\">")
        }
    }
}

/// Renders a template text with the app's tags.
enum URLTagProbe {
    static func render(_ template: String, _ app: Application, _ context: [String: String] = [:]) async throws -> String {
        let folder = NSTemporaryDirectory() + "jili-url-tag-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try template.write(toFile: folder + "/probe.leaf", atomically: true, encoding: .utf8)
        let renderer = LeafRenderer(configuration: .init(rootDirectory: folder + "/"), tags: ["url": URLTag()],
                                    sources: .singleSource(NIOLeafFiles(fileio: app.fileio, limits: .default, sandboxDirectory: folder, viewDirectory: folder + "/")),
                                    eventLoop: app.eventLoopGroup.next())
        let view = try await renderer.render(path: "probe", context: context).get()
        return String(buffer: view)
    }
}
