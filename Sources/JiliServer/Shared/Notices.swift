import Fluent
import Foundation
import JiliCore

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

    /// A notice's words in a language (`t` translates a key with its values): values named `…_key`
    /// are keys themselves, a champion's kind and a goal's metric are said in words, a volume in yuan.
    static func text(message: String, values raw: [String: String], t: (String, [String: String]) -> String) -> String {
        var values = raw
        for (k, v) in values where k.hasSuffix("_key") { values[k] = t(v, [:]) }
        if let kind = values["kind"] { values["kind"] = t("champion_\(kind)", [:]) }
        if let metric = values["metric"] {
            if metric == "volume", let target = values["target"], case .success(let fen) = FixedPoint.parse(target, scale: 2) { values["target"] = Money(fen: fen).display }
            values["metric"] = values["activity"] ?? t("goal_metric_\(metric)", [:])
        }
        return t(message, values)
    }

    static func values(_ n: Notice) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(n.values.utf8))) as? [String: String] ?? [:]
    }
}
