import Fluent
import Foundation

/// Notices to members, each with its outbox message for WeChat, written on `db` — call it inside
/// the transaction of what it tells (a freeze, an award), so both or neither are kept. An event
/// already told is not told again.
enum Notices {
    static func tell(_ memberID: Int, message: String, values: [String: String], link: String, event: String, at: Date, on db: any Database) async throws {
        guard try await Notice.query(on: db).filter(\.$event == event).first() == nil else { return }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]), as: UTF8.self)
        let n = Notice()
        n.$member.id = memberID
        n.message = message
        n.values = json
        n.link = link
        n.event = event
        n.createdAt = at
        try await n.create(on: db)
        let payload: [String: Any] = ["member_id": memberID, "template": message, "values": values, "link": link]
        let o = OutboxMessage()
        o.$notice.id = n.id!
        o.channel = "wechat_template"
        o.payload = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
        o.status = .pending
        o.attempts = 0
        o.createdAt = at
        try await o.create(on: db)
    }

    /// A member has read their notices (they opened the list).
    static func markRead(of member: Member, at now: Date, on db: any Database) async throws {
        try await Notice.query(on: db).filter(\.$member.$id == member.id!).filter(\.$readAt == nil).set(\.$readAt, to: now).update()
    }

    static func values(_ n: Notice) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(n.values.utf8))) as? [String: String] ?? [:]
    }
}
