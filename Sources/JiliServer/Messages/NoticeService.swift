import Fluent
import Foundation

/// A notice an integration queues (`POST /api/v1/notices`): in the app at once, with its outbox
/// message for WeChat, and its audit entry, in one transaction.
struct NoticeService {
    let db: any Database
    let clock: JiliClock

    func queue(to member: Member, text: String, link: String, by actor: Actor, onBehalfOf account: Account) async throws -> Notice? {
        let now = clock.now()
        let event = "api:\(UUID().uuidString)"
        try await db.transaction { db in
            try await Notices.tell(member.id!, message: "notice_text", values: ["text": text], link: link, event: event, at: now, on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "queue", entity: "notice", id: event, before: nil,
                                   after: ["member": member.code, "by": account.username])
        }
        return try await MessageQueries(db: db).notice(event: event)
    }
}
