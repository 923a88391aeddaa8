import Fluent
import Foundation
import JiliCore
import SQLKit

/// A run's member line as its statement page shows it, when its rules have more sources than a page
/// shows (a leader's 级差 from tens of thousands of members): the page reads that instead of the
/// whole line. The long lines of runs stored before are trimmed here, once.
struct M043AddPageLines: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PayRunMember.schema).field("page_line", .sql(.text), .required, .sql(.default(""))).update()
        // Fifty sources take a few kilobytes: only longer lines can have more.
        let long = try await db.sql.select().column("id").from(PayRunMember.schema)
            .where(SQLFunction("LENGTH", args: SQLIdentifier("line")), .greaterThan, SQLLiteral.numeric("8000")).all()
            .map { try $0.decode(column: "id", as: Int.self) }
        for id in long {
            // The line is in the member's row at this point (M045 moves it apart).
            guard let row = try await db.sql.select().column("line").from(PayRunMember.schema).where("id", .equal, id).first() else { continue }
            let page = try Self.pageLine(try row.decode(column: "line", as: String.self))
            if !page.isEmpty { try await PayRunMember.query(on: db).filter(\.$id == id).set(\.$pageLine, to: page).update() }
        }
    }

    /// ``RunLines/pageLine(_:_:)`` for a line stored as JSON: each rule's largest sources, and how many were left off.
    static func pageLine(_ json: String) throws -> String {
        guard var line = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              var explanations = line["explanations"] as? [String: [String: Any]] else { return "" }
        func size(_ l: [String: Any]) -> Int64 {
            let amount = (l["amount"] as? String) ?? "0"
            guard case .success(let micro) = FixedPoint.parse(amount.hasPrefix("-") ? String(amount.dropFirst()) : amount, scale: 8) else { return 0 }
            return micro
        }
        var more: [String: Int] = [:]
        for (rule, var e) in explanations {
            guard let lines = e["lines"] as? [[String: Any]], lines.count > RunLines.sourcesShown else { continue }
            e["lines"] = Array(RunLines.largestFirst(lines, size: size).prefix(RunLines.sourcesShown))
            explanations[rule] = e
            more[rule] = lines.count - RunLines.sourcesShown
        }
        guard !more.isEmpty else { return "" }
        line["explanations"] = explanations
        let page: [String: Any] = ["more": more, "line": line]
        return String(decoding: try JSONSerialization.data(withJSONObject: page, options: [.sortedKeys]), as: UTF8.self)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayRunMember.schema).deleteField("page_line").update()
    }
}
