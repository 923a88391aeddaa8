import Fluent
import Foundation
import SQLKit

/// A run's review (its amounts per rule, department and team, its largest totals) is computed when
/// the run is written and stored with it; runs written before are broken down here, once.
struct M042AddRunReview: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PayRun.schema).field("review", .string, .required, .sql(.default(""))).update()
        // The document is in the run's row at this point (M045 moves it apart): read by SQL.
        for row in try await db.sql.select().columns("id", "result").from(PayRun.schema).all() {
            let result = try JSONDecoder().decode(RunResult.self, from: Data(try row.decode(column: "result", as: String.self).utf8))
            let breakdown = try await RunReview.breakdown(result.members.map {
                RunReview.Amounts(member: $0.member, total: $0.total, rules: $0.rules, adjustments: $0.adjustments)
            }, on: db)
            try await PayRun.query(on: db).filter(\.$id == (try row.decode(column: "id", as: Int.self)))
                .set(\.$review, to: String(decoding: try JSONEncoder().encode(breakdown), as: UTF8.self)).update()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayRun.schema).deleteField("review").update()
    }
}
