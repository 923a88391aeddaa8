import Foundation
import Testing
@testable import JiliServer

/// Controllers parse, check who is asking and answer; reads go through the area's queries and changes
/// through its services, so that a page and the API read the same thing the same way.
@Suite struct LayeringTests {
    /// The command line is an edge too: it parses, calls services and reads through the areas' queries.
    @Test func noControllerHoldsAQuery() throws {
        let database = try NSRegularExpression(pattern: #"\.query\(on:|\.find\(|\.get\(on:|\.sql\b|\.transaction|\.(save|create|delete|update)\(on:"#)
        let areas = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/Sources/JiliServer")
        var checked = 0
        for area in areas {
            let root = packageRoot + "/Sources/JiliServer/" + area
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.contains("Controller") || $0.hasSuffix("API.swift") || area == "Commands" }
            checked += files.count
            for file in files {
                let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
                let lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                    .filter { database.numberOfMatches(in: String($0.element), range: NSRange($0.element.startIndex..., in: $0.element)) > 0 }
                    .map { "\(file):\($0.offset + 1)" }
                #expect(lines.isEmpty, "a query in a controller: \(lines)")
            }
        }
        #expect(checked > 40, "the scan found \(checked) controllers")
    }

    /// No service or queries file knows a controller, nor the addresses they use (services make notice links).
    @Test func servicesDoNotDependOnControllers() throws {
        let root = packageRoot + "/Sources/JiliServer"
        for case let file as String in FileManager.default.enumerator(atPath: root)!
        where file.hasSuffix("Service.swift") || file.hasSuffix("Queries.swift") || file.hasSuffix("SiteURL.swift") || file.hasSuffix("SiteAddress.swift") {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            #expect(!text.contains("Controller."), "\(file) uses a controller")
        }
    }
}
