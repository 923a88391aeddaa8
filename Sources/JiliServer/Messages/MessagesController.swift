import Fluent
import Vapor

/// What reached members' WeChat, for the leader and the operations director: the last 7 days by
/// state, and the latest messages that did not arrive, with why.
struct MessagesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.messages, use: page)
    }

    struct Count: Encodable {
        let label: String
        let count: Int
    }

    struct Problem: Encodable {
        let member: String
        let text: String
        let status: String
        let reason: String
        let attempts: Int
        let at: String
    }

    struct Page: Encodable {
        let layout: Layout
        let configured: Bool
        let counts: [Count]
        let problems: [Problem]
    }

    @Sendable func page(req: Request) async throws -> View {
        _ = try req.account(if: MessagePermissions.mayReadOutbox)
        let clock = req.application.jiliClock
        let queries = MessageQueries(db: req.db)
        let counts = try await queries.counts(since: clock.now().addingTimeInterval(-7 * 86_400))
        let problems = try await queries.problems(limit: 50)
        return try await req.view.render("home/messages", Page(
            layout: Layout(req, title: req.t("messages_title")), configured: req.application.jiliConfig.wechat != nil,
            counts: OutboxMessage.Status.allCases.map { Count(label: req.t("messages_status_\($0)"), count: counts[$0] ?? 0) },
            problems: problems.map { m in
                Problem(member: "\(m.notice.member.name) (\(m.notice.member.code))", text: NoticeController.text(m.notice, req),
                        status: req.t("messages_status_\(m.status)"), reason: Self.reason(m.reason, req), attempts: m.attempts,
                        at: clock.format(m.nextAttemptAt ?? m.createdAt))
            }))
    }

    /// Why a message did not arrive, in words: the sender's reason codes, WeChat's code kept with it.
    static func reason(_ code: String?, _ req: Request) -> String {
        guard let code else { return "" }
        for known in ["no_wechat", "no_template", "interrupted", "payload", "unfollowed", "openid", "template"] where code.hasPrefix(known) {
            return req.t("messages_reason_\(known)") + (code.contains("(") ? " " + code.drop { $0 != "(" } : "")
        }
        return req.t("messages_reason_wechat", ["code": code])
    }
}
