import Fluent
import Foundation

/// The reads of the outbox: how many are in each state, and the latest that did not arrive.
struct MessageQueries {
    let db: any Database

    func notice(event: String) async throws -> Notice? { try await Notice.query(on: db).filter(\.$event == event).first() }

    func count(_ status: OutboxMessage.Status) async throws -> Int {
        try await OutboxMessage.query(on: db).filter(\.$status == status).count()
    }

    /// Messages written since `since`, counted by state.
    func counts(since: Date) async throws -> [OutboxMessage.Status: Int] {
        var out: [OutboxMessage.Status: Int] = [:]
        for status in OutboxMessage.Status.allCases {
            out[status] = try await OutboxMessage.query(on: db).filter(\.$createdAt >= since).filter(\.$status == status).count()
        }
        return out
    }

    /// The latest messages that were not delivered (undeliverable, failed, or waiting to be tried again), with their notices.
    func problems(limit: Int) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: db).group(.or) { $0.filter(\.$status == .undeliverable).filter(\.$status == .failed).filter(\.$reason != nil) }
            .filter(\.$status != .sent).with(\.$notice) { $0.with(\.$member) }.sort(\.$id, .descending).limit(limit).all()
    }
}
