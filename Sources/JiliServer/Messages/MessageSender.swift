import Fluent
import Foundation
import JiliCore
import SQLKit

/// Sends the outbox to members' WeChat as template messages. Each message is sent at most once,
/// whatever happens to the senders:
///
/// - A sender claims a batch in one conditional update (pending → sending, with its own claim id):
///   two senders at the same moment never claim the same message.
/// - Just before calling WeChat it records `called_at`. A sender that stops (killed, crashed) leaves
///   its claims behind; after ``lease`` the next sender takes back those never called and sends them
///   once, and marks those that were being called `undeliverable (interrupted)` rather than risk
///   sending them twice: WeChat may have delivered them, and a template message cannot be taken back.
/// - WeChat's answers: sent (its msgid kept); no WeChat bound, not following (43004), an openid or a
///   template WeChat does not know (40003, 40037), no template configured → undeliverable with the
///   reason; an expired access token (40001, 42001) → fetched again once and the message tried again;
///   a rate limit (45009), WeChat busy or unreachable (no connection made) → tried again later, waiting
///   1, 2, 4 … 60 minutes, and failed after ``maxAttempts``; a call made and never answered (a read
///   timeout) → undeliverable (interrupted), as it may have arrived.
/// - A claim is used only while it is still this sender's: the moment of the call is written only
///   where the claim matches, so a batch that outran the lease never calls what another took back.
struct MessageSender {
    let db: any Database
    let clock: JiliClock
    let wechat: WeChatClient
    /// The words of notices (zh-CN: members read WeChat in Chinese).
    let words: [String: String]
    /// Where the links in messages lead (`JILI_PUBLIC_URL`).
    let linkBase: String

    static let batch = 100
    static let lease: TimeInterval = 10 * 60
    static let maxAttempts = 8
    static let channel = "wechat_template"

    struct Outcome: Sendable, Equatable {
        var sent = 0
        var undeliverable = 0
        var later = 0
        var failed = 0
        var reclaimed = 0
        var interrupted = 0
    }

    /// Sends what is due, batch after batch, until nothing is left to claim.
    func run() async throws -> Outcome {
        var outcome = Outcome()
        var token: String?
        while true {
            let (batch, reclaimed, interrupted, due) = try await claim(Self.batch)
            outcome.reclaimed += reclaimed
            outcome.interrupted += interrupted
            // Nothing due: done. Due but claimed by another sender first: look again.
            if due == 0 { break }
            let accounts = try await reachable(batch)
            for message in batch { try await deliver(message, accounts: accounts, token: &token, outcome: &outcome) }
        }
        return outcome
    }

    // MARK: Claiming

    /// Claims up to `limit` due messages for this run; first, the claims of a sender that stopped
    /// are taken back (never called) or closed (called: perhaps delivered).
    func claim(_ limit: Int) async throws -> (claimed: [OutboxMessage], reclaimed: Int, interrupted: Int, due: Int) {
        let now = clock.now()
        let stale = now.addingTimeInterval(-Self.lease)
        let interrupted = try await OutboxMessage.query(on: db).filter(\.$status == .sending).filter(\.$claimedAt < stale).filter(\.$calledAt != nil).count()
        if interrupted > 0 {
            try await OutboxMessage.query(on: db).filter(\.$status == .sending).filter(\.$claimedAt < stale).filter(\.$calledAt != nil)
                .set(\.$status, to: .undeliverable).set(\.$reason, to: "interrupted").update()
        }
        func due(_ q: QueryBuilder<OutboxMessage>) -> QueryBuilder<OutboxMessage> {
            q.filter(\.$channel == Self.channel).group(.or) { g in
                g.group(.and) { $0.filter(\.$status == .pending).group(.or) { $0.filter(\.$nextAttemptAt == nil).filter(\.$nextAttemptAt <= now) } }
                 .group(.and) { $0.filter(\.$status == .sending).filter(\.$claimedAt < stale).filter(\.$calledAt == nil) }
            }
        }
        let ids = try await due(OutboxMessage.query(on: db)).sort(\.$id).limit(limit).all(\.$id)
        guard !ids.isEmpty else { return ([], 0, interrupted, 0) }
        // Claims of a sender that stopped (still stale: another sender may have claimed them since).
        let reclaimed = try await due(OutboxMessage.query(on: db).filter(\.$id ~~ ids)).filter(\.$status == .sending).count()
        let me = UUID().uuidString
        // One conditional update: a message another sender claimed in between no longer matches.
        try await due(OutboxMessage.query(on: db).filter(\.$id ~~ ids)).set(\.$status, to: .sending).set(\.$claim, to: me).set(\.$claimedAt, to: now).update()
        let claimed = try await OutboxMessage.query(on: db).filter(\.$claim == me).filter(\.$status == .sending).sort(\.$id).all()
        return (claimed, min(reclaimed, claimed.count), interrupted, ids.count)
    }

    // MARK: Delivering

    struct Payload: Decodable {
        let member_id: Int
        let template: String
        let values: [String: String]
        let link: String
    }

    /// The openids of the members of a batch whose enabled account is bound to WeChat, by member id.
    func reachable(_ batch: [OutboxMessage]) async throws -> [Int: String] {
        let members = batch.compactMap { (try? JSONDecoder().decode(Payload.self, from: Data($0.payload.utf8)))?.member_id }
        guard !members.isEmpty else { return [:] }
        var out: [Int: String] = [:]
        for a in try await Account.query(on: db).filter(\.$member.$id ~~ members).filter(\.$wechatOpenID != nil).filter(\.$disabledAt == nil).all() {
            if let m = a.$member.id, let openID = a.wechatOpenID { out[m] = openID }
        }
        return out
    }

    func deliver(_ message: OutboxMessage, accounts: [Int: String], token: inout String?, outcome: inout Outcome) async throws {
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(message.payload.utf8)) else {
            return try await close(message, .undeliverable, reason: "payload", outcome: &outcome)
        }
        guard let openID = accounts[payload.member_id] else {
            return try await close(message, .undeliverable, reason: "no_wechat", outcome: &outcome)
        }
        guard let template = wechat.config.templates[payload.template] ?? wechat.config.templates["default"] else {
            return try await close(message, .undeliverable, reason: "no_template", outcome: &outcome)
        }
        let text = Notices.text(message: payload.template, values: payload.values) { key, values in
            values.reduce(words[key] ?? key) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        }
        let body: [String: Any] = [
            "touser": openID, "template_id": template, "url": linkBase + payload.link,
            "data": ["first": ["value": text], "keyword1": ["value": String(text.prefix(20))],
                     "keyword2": ["value": clock.format(message.createdAt, "yyyy-MM-dd HH:mm")], "remark": ["value": words["wechat_message_remark"] ?? ""]],
        ]
        let current: String
        do {
            current = try await accessToken(&token, fresh: false)
        } catch let f as WeChatClient.Failure {
            return try await later(message, reason: "\(f.code) \(f.message)", outcome: &outcome)
        }
        // The moment of the call, if the claim is still this sender's (after a long batch past the
        // lease another sender may have taken it back): then, and only then, WeChat is called.
        let now = clock.now()
        let won = try await db.sql.raw("""
            UPDATE outbox SET called_at = \(bind: now) WHERE id = \(bind: message.id!) AND claim = \(bind: message.claim ?? "") \
            AND status = \(bind: OutboxMessage.Status.sending.rawValue) AND called_at IS NULL RETURNING id
            """).all()
        guard won.count == 1 else { return }
        message.calledAt = now
        do {
            let id: String?
            do {
                id = try await wechat.sendTemplate(accessToken: current, body)
            } catch let f as WeChatClient.Failure where [40001, 42001].contains(f.code) {
                // The token expired or was replaced elsewhere: a new one, once.
                id = try await wechat.sendTemplate(accessToken: try await accessToken(&token, fresh: true), body)
            }
            message.wechatMessageID = id
            message.sentAt = clock.now()
            try await close(message, .sent, reason: nil, outcome: &outcome)
        } catch let f as WeChatClient.Failure {
            switch f.code {
            case 43004: try await close(message, .undeliverable, reason: "unfollowed (43004)", outcome: &outcome)
            case 40003: try await close(message, .undeliverable, reason: "openid (40003)", outcome: &outcome)
            case 40037: try await close(message, .undeliverable, reason: "template (40037)", outcome: &outcome)
            // The call was made and not answered: it may have arrived, so it is not made again.
            case WeChatClient.Failure.noAnswer: try await close(message, .undeliverable, reason: "interrupted", outcome: &outcome)
            default: try await later(message, reason: "\(f.code) \(f.message)", outcome: &outcome)
            }
        }
    }

    /// WeChat's access token: the kept one until five minutes before it expires, else a new one.
    /// `fresh` when WeChat refused the one in hand: another sender's newer one if it kept one, else a new one.
    func accessToken(_ cached: inout String?, fresh: Bool) async throws -> String {
        if !fresh, let cached { return cached }
        let now = clock.now()
        let appID = wechat.config.appID
        if let kept = try await WeChatAccessToken.query(on: db).filter(\.$appID == appID).first(), kept.expiresAt > now.addingTimeInterval(300),
           !fresh || kept.token != cached {
            cached = kept.token
            return kept.token
        }
        let (token, seconds) = try await wechat.fetchAccessToken()
        let row = try await WeChatAccessToken.query(on: db).filter(\.$appID == appID).first() ?? WeChatAccessToken()
        row.appID = appID
        row.token = token
        row.expiresAt = now.addingTimeInterval(Double(seconds))
        do {
            try await row.save(on: db)
        } catch {
            // Another sender kept its first token at the same moment: keep it instead.
            guard let kept = try await WeChatAccessToken.query(on: db).filter(\.$appID == appID).first() else { throw error }
            kept.token = token
            kept.expiresAt = row.expiresAt
            try await kept.save(on: db)
        }
        cached = token
        return token
    }

    private func close(_ message: OutboxMessage, _ status: OutboxMessage.Status, reason: String?, outcome: inout Outcome) async throws {
        message.status = status
        message.reason = reason
        message.attempts += 1
        try await message.save(on: db)
        switch status {
        case .sent: outcome.sent += 1
        case .undeliverable: outcome.undeliverable += 1
        case .failed: outcome.failed += 1
        default: break
        }
    }

    /// WeChat did not take it this time: again later (1, 2, 4 … 60 minutes), or failed after the last attempt.
    private func later(_ message: OutboxMessage, reason: String, outcome: inout Outcome) async throws {
        if message.attempts + 1 >= Self.maxAttempts { return try await close(message, .failed, reason: reason, outcome: &outcome) }
        message.attempts += 1
        message.status = .pending
        message.reason = reason
        message.claim = nil
        message.calledAt = nil
        message.nextAttemptAt = clock.now().addingTimeInterval(Self.backoff(attempts: message.attempts))
        try await message.save(on: db)
        outcome.later += 1
    }

    static func backoff(attempts: Int) -> TimeInterval { min(3600, 60 * pow(2, Double(max(0, attempts - 1)))) }
}
