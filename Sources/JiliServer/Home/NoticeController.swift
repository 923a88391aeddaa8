import Fluent
import JiliCore
import Vapor

/// A member's notices (通知): prizes won, champions' places, goals reached — newest first; reading
/// the page marks them read.
struct NoticeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.notices, use: list)
    }

    struct Row: Encodable {
        let text: String
        let link: String
        let at: String
        let unread: Bool
    }

    struct Page: Encodable {
        let layout: Layout
        let rows: [Row]
    }

    /// A notice in the reader's language.
    static func text(_ n: Notice, _ req: Request) -> String {
        Notices.text(message: n.message, values: Notices.values(n)) { req.t($0, $1) }
    }

    static func rows(_ notices: [Notice], _ req: Request) -> [Row] {
        let clock = req.application.jiliClock
        return notices.map { Row(text: text($0, req), link: $0.link, at: clock.format($0.createdAt), unread: $0.readAt == nil) }
    }

    @Sendable func list(req: Request) async throws -> View {
        let account = try req.account
        guard let me = try await req.member(of: account) else {
            return try await req.view.render("home/notices", Page(layout: Layout(req, title: req.t("notices_title")), rows: []))
        }
        let notices = try await HomeQueries(db: req.db).notices(of: me, limit: 100)
        let page = Page(layout: Layout(req, title: req.t("notices_title")), rows: Self.rows(notices, req))
        try await Notices.markRead(of: me, at: req.application.jiliClock.now(), on: req.db)
        return try await req.view.render("home/notices", page)
    }
}
