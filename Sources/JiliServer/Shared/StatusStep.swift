import Fluent
import Foundation
import SQLKit
import Vapor

/// One step of something decided in steps (a redemption, a study claim, an event application), taken
/// once: the status moves only from one of `from` — a conditional update, so a second click or two
/// people at once change nothing, and the loser is refused with `refusal`. What the step writes
/// (`set`) and its audit entry share the transaction.
enum StatusStep {
    static func take<Status: RawRepresentable<String> & Sendable>(on db: any Database, table: String, id: Int, from: [Status], to: Status, refusal: String, at now: Date,
                     audit: (actor: Actor, entity: String, before: Status, after: [String: String]),
                     set: @escaping @Sendable (any Database, any SQLDatabase, Date) async throws -> Void) async throws {
        let after = audit.after.merging(["status": to.rawValue]) { $1 }
        try await db.transaction { db in
            let sql = db.sql
            let moved = try await sql.raw("UPDATE \(ident: table) SET status = \(bind: to.rawValue) WHERE id = \(bind: id) AND status IN (\(binds: from.map(\.rawValue))) RETURNING id").all()
            guard moved.count == 1 else { throw Refusal(key: refusal) }
            try await set(db, sql, now)
            try await Audit.record(on: db, at: now, actor: audit.actor, action: to.rawValue, entity: audit.entity, id: "\(id)", before: ["status": audit.before.rawValue], after: after)
        }
    }
}
