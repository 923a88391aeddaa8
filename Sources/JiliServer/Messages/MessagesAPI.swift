import Fluent
import Vapor

/// `POST /api/v1/notices`: an integration queues a notice to a member — in the app at once, and to
/// their WeChat by the sender. For tokens acting as the leader or the operations director.
struct MessagesAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(ApiTokenAuthenticator(), RequireApiClient())
        api.post("notices", use: queue)
    }

    struct NewNoticeDTO: Content {
        let member: String
        let text: String
        let url: String?
    }

    struct NoticeDTO: Content {
        let id: Int
        let member: String
        let text: String
        let url: String
        let status: String
    }

    static let maxText = 200

    @Sendable func queue(req: Request) async throws -> Response {
        let account = try APIController.account(req) { MessagePermissions.mayQueue($0.roleValue) }
        let input = try req.content.decode(NewNoticeDTO.self)
        let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= Self.maxText else {
            throw Abort(.unprocessableEntity, reason: "text: 1 to \(Self.maxText) characters")
        }
        let url = (input.url ?? "").isEmpty ? SiteURL.notices() : input.url!
        guard SignInController.safeNext(url) == url else { throw Abort(.unprocessableEntity, reason: "url: a path on this site, such as /notices") }
        guard let member = try await TeamQueries(db: req.db).member(code: input.member) else {
            throw Abort(.unprocessableEntity, reason: "member: no member \(input.member.prefix(40))")
        }
        guard let client = req.auth.get(ApiClient.self) else { throw Abort(.unauthorized) }
        let notice = try await NoticeService(db: req.db, clock: req.application.jiliClock)
            .queue(to: member, text: text, link: url, by: .api(client), onBehalfOf: account)
        return try await NoticeDTO(id: notice?.id ?? 0, member: member.code, text: text, url: url, status: OutboxMessage.Status.pending.rawValue)
            .encodeResponse(status: .created, for: req)
    }
}
