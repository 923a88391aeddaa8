import Fluent
import Foundation
import Vapor

extension JiliServer {
    /// `jili messages send` (also part of `jili jobs`, and every minute in `jili serve` when WeChat is
    /// configured): the outbox to members' WeChat.
    public static func sendMessages(config: AppConfig) async throws -> [String] {
        try await withApp(config) { app in
            guard let sender = messageSender(app) else {
                let pending = try await MessageQueries(db: app.db).count(.pending)
                return ["WeChat is not configured (JILI_WECHAT_APPID, JILI_WECHAT_SECRET): nothing sent, \(pending) message(s) wait in the app"]
            }
            return [describe(try await sender.run())]
        }
    }

    static func describe(_ o: MessageSender.Outcome) -> String {
        "messages: \(o.sent) sent, \(o.undeliverable) undeliverable, \(o.later) to try again later, \(o.failed) failed"
            + (o.reclaimed + o.interrupted > 0 ? " (\(o.reclaimed) taken back from a sender that stopped, \(o.interrupted) interrupted during the call)" : "")
    }

    /// The sender of an application, when WeChat is configured.
    static func messageSender(_ app: Application) -> MessageSender? {
        guard let wechat = app.jiliConfig.wechat else { return nil }
        return MessageSender(db: app.db, clock: app.jiliClock, wechat: WeChatClient(config: wechat, client: app.client),
                             words: app.catalog.table("zh-CN"), linkBase: app.jiliConfig.linkBase)
    }

    /// In `jili serve`: the sender every minute (`JILI_MESSAGES_EVERY`) while the server runs, when WeChat is configured.
    static func startSendingMessages(_ app: Application) -> Task<Void, Never>? {
        guard let sender = messageSender(app) else { return nil }
        let logger = app.logger, every = app.jiliConfig.messagesEvery
        return Task {
            while !Task.isCancelled {
                do {
                    // One instance sends at a time; another takes over when that one stops.
                    if let outcome = try await recorded("messages", app, { try await InstanceLock(app: app).ifFree("messages", { try await sender.run() }) }) {
                        JiliMetrics.messages(outcome)
                        if outcome != MessageSender.Outcome() { logger.info("\(describe(outcome))") }
                    }
                } catch {
                    logger.warning("sending messages: \(String(describing: error).prefix(200))")
                }
                try? await Task.sleep(for: .seconds(every))
            }
        }
    }
}
