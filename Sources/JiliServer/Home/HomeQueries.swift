import Fluent
import Foundation

/// The reads of what waits for someone: their notices (their team's figures are ``TeamFigures``).
struct HomeQueries {
    let db: any Database

    /// A member's notices, newest first, at most `limit` (only the unread ones when asked).
    func notices(of member: Member, unreadOnly: Bool = false, limit: Int) async throws -> [Notice] {
        var q = Notice.query(on: db).filter(\.$member.$id == member.id!)
        if unreadOnly { q = q.filter(\.$readAt == nil) }
        return try await q.sort(\.$id, .descending).limit(limit).all()
    }
}
