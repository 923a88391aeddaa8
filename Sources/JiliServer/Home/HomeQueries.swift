import Fluent
import Foundation

/// The reads of what waits for someone: their notices, and their team's counts on the dashboard.
struct HomeQueries {
    let db: any Database

    /// A member's notices, newest first, at most `limit` (only the unread ones when asked).
    func notices(of member: Member, unreadOnly: Bool = false, limit: Int) async throws -> [Notice] {
        var q = Notice.query(on: db).filter(\.$member.$id == member.id!)
        if unreadOnly { q = q.filter(\.$readAt == nil) }
        return try await q.sort(\.$id, .descending).limit(limit).all()
    }
    /// How many members a scope holds, and how many of them are active.
    func headcount(in scope: MemberScope) async throws -> (all: Int, active: Int) {
        (try await scope.apply(to: Member.query(on: db)).count(),
         try await scope.apply(to: Member.query(on: db).filter(\.$status == .active)).count())
    }
}
