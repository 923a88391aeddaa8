import Fluent
import Foundation
import SQLKit

/// A run's review (its amounts per rule, department and team, its largest totals) is computed when
/// the run is written and stored with it; runs written before are broken down here, once.
struct M042AddRunReview: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PayRun.schema).field("review", .string, .required, .sql(.default(""))).update()
        for run in try await PayRun.query(on: db).field(\.$id).field(\.$period).all() {
            let breakdown = try await RunReview.breakdown(of: run, on: db)
            try await PayRun.query(on: db).filter(\.$id == run.id!)
                .set(\.$review, to: String(decoding: try JSONEncoder().encode(breakdown), as: UTF8.self)).update()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PayRun.schema).deleteField("review").update()
    }
}
