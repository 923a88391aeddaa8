import Fluent
import Vapor

/// The praise wall (认可与表扬), for every signed-in person: pinned posts first, then the newest, 20 at a
/// time. Everyone posts praise and stories (with a photo), reacts and comments; moderators (the leader,
/// the operations director and the managers) hide posts and comments with a reason and show them
/// again; the leader pins.
struct WallController: RouteCollection {
    static let perPage = 20

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.wall, use: list)
        routes.post(SiteURL.wall, use: create)
        routes.get(SiteURL.wallPhoto, use: photo)
        routes.post(SiteURL.react, use: react)
        routes.post(SiteURL.comments, use: comment)
        routes.post(SiteURL.hidePost, use: hide)
        routes.post(SiteURL.restorePost, use: restore)
        routes.post(SiteURL.pin, use: pin)
        routes.post(SiteURL.unpin, use: unpin)
        routes.post(SiteURL.hideComment, use: hideComment)
    }

    func wall(_ req: Request) -> PraiseWall {
        PraiseWall(db: req.db, clock: req.application.jiliClock, files: req.application.jiliConfig.files)
    }

    // MARK: Reading

    struct ReactionButton: Encodable {
        let kind: String
        let label: String
        let count: Int
        let mine: Bool
    }

    struct CommentRow: Encodable {
        let id: Int
        let author: String
        let text: String
        let at: String
        let hidden: String?
    }

    struct PostRow: Encodable {
        let id: Int
        let kind: String
        let author: String
        let about: String?
        let text: String
        let link: String?
        let photo: String?
        let at: String
        let pinned: Bool
        /// For moderators: why it is hidden, by whom.
        let hidden: String?
        let reactions: [ReactionButton]
        let comments: [CommentRow]
    }

    struct Page: Encodable {
        let layout: Layout
        let posts: [PostRow]
        let more: Int?
        let canModerate: Bool
        let canPin: Bool
        let error: String?
    }

    /// A post by Jili in the reader's language: values named `…_key` are catalogue keys themselves.
    static func text(_ p: WallPost, _ req: Request) -> String {
        guard !p.message.isEmpty else { return p.text }
        var values = (try? JSONSerialization.jsonObject(with: Data(p.values.utf8))) as? [String: String] ?? [:]
        for (k, v) in values where k.hasSuffix("_key") { values[k] = req.t(v) }
        return req.t(p.message, values)
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let moderator = WallPermissions.mayModerate(account.roleValue)
        let before = req.query[Int.self, at: "before"]
        let queries = RecognitionQueries(db: req.db)
        let (pinned, page) = try await queries.wall(moderator: moderator, before: before, perPage: Self.perPage)
        let posts = pinned + page.prefix(Self.perPage)
        let more = page.count > Self.perPage ? page[Self.perPage - 1].id : nil

        let ids = posts.compactMap(\.id)
        let reactions = try await queries.reactions(to: ids)
        var comments = try await queries.comments(on: ids)
        if !moderator { comments = comments.filter { $0.hiddenAt == nil } }
        let clock = req.application.jiliClock
        let people = moderator ? try await People.load(posts.map(\.hiddenBy) + comments.map(\.hiddenBy), on: req.db) : .none
        func hiddenNote(_ at: Date?, _ by: String?, _ why: String?) -> String? {
            guard moderator, let at else { return nil }
            return req.t("wall_hidden_note", ["by": people.name(by ?? "", req), "at": clock.format(at), "reason": why ?? ""])
        }
        let rows = posts.map { p in
            let mine = reactions.filter { $0.$post.id == p.id }
            return PostRow(
                id: p.id!, kind: req.t("wall_kind_\(p.kind)"), author: p.authorLabel.isEmpty ? req.t("wall_by_jili") : p.authorLabel,
                about: p.kind == .praise ? p.member.map { "\($0.name) (\($0.code))" } : nil,
                text: Self.text(p, req), link: p.link.isEmpty ? nil : p.link, photo: p.photo, at: clock.format(p.createdAt), pinned: p.pinned,
                hidden: hiddenNote(p.hiddenAt, p.hiddenBy, p.hiddenReason),
                reactions: WallReaction.Kind.allCases.map { kind in
                    ReactionButton(kind: kind.rawValue, label: req.t("wall_reaction_\(kind)"), count: mine.filter { $0.kind == kind }.count,
                                   mine: mine.contains { $0.kind == kind && $0.$account.id == account.id })
                },
                comments: comments.filter { $0.$post.id == p.id }.map {
                    CommentRow(id: $0.id!, author: $0.authorLabel, text: $0.text, at: clock.format($0.createdAt), hidden: hiddenNote($0.hiddenAt, $0.hiddenBy, $0.hiddenReason))
                })
        }
        return try await req.view.render("recognition/wall", Page(layout: Layout(req, title: req.t("wall_title")), posts: rows, more: more,
                                                      canModerate: moderator, canPin: WallPermissions.mayPin(account.roleValue), error: error))
            .encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    /// A photo, only for those who may see its post (a hidden post's photo for moderators only).
    @Sendable func photo(req: Request) async throws -> Response {
        let account = try req.account
        let name = req.parameters.get("name") ?? ""
        guard Uploads.isName(name), let post = try await RecognitionQueries(db: req.db).post(photo: name),
              post.hiddenAt == nil || WallPermissions.mayModerate(account.roleValue),
              let response = Uploads.wall(files: req.application.jiliConfig.files).response(name) else { throw Abort(.notFound) }
        return response
    }

    // MARK: Writing

    struct PostForm: Content {
        var kind: String?
        var member: String?
        var text: String?
        var photo: File?
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account
        let form = try req.content.decode(PostForm.self)
        let bytes = form.photo.flatMap { $0.data.readableBytes > 0 ? Array($0.data.readableBytesView) : nil }
        guard let kind = WallPost.Kind(rawValue: form.kind ?? "praise") else { throw Refusal(key: "wall_error_kind", field: "kind") }
        let post = try await wall(req).post(by: account, kind: kind, about: form.member ?? "", text: form.text ?? "", photo: bytes)
        return req.redirect(to: SiteURL.wall() + "#p\(post.id!)")
    }

    func post(_ req: Request) async throws -> WallPost {
        guard let p = try await RecognitionQueries(db: req.db).post(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        return p
    }

    /// Runs `change` and goes back to the post, or shows the wall with the refusal.
    func act(_ req: Request, _ id: Int?, _ change: () async throws -> Void) async throws -> Response {
        try await change()
        return req.redirect(to: SiteURL.wall() + (id.map { "#p\($0)" } ?? ""))
    }

    @Sendable func react(req: Request) async throws -> Response {
        let account = try req.account
        let p = try await post(req)
        guard let kind = WallReaction.Kind(rawValue: (try? req.content.get(String.self, at: "kind")) ?? "") else { throw Refusal(key: "wall_error_reaction") }
        return try await act(req, p.id) { try await wall(req).react(p, kind: kind, by: account) }
    }

    @Sendable func comment(req: Request) async throws -> Response {
        let account = try req.account
        let p = try await post(req)
        guard p.hiddenAt == nil || WallPermissions.mayModerate(account.roleValue) else { throw Abort(.notFound) }
        let text = (try? req.content.get(String.self, at: "text")) ?? ""
        return try await act(req, p.id) { _ = try await wall(req).comment(on: p, text: text, by: account) }
    }

    @Sendable func hide(req: Request) async throws -> Response {
        let account = try req.account(if: WallPermissions.mayModerate)
        let p = try await post(req)
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        return try await act(req, p.id) { try await wall(req).hide(p, reason: reason, by: .account(account)) }
    }

    @Sendable func restore(req: Request) async throws -> Response {
        let account = try req.account(if: WallPermissions.mayModerate)
        let p = try await post(req)
        return try await act(req, p.id) { try await wall(req).restore(p, by: .account(account)) }
    }

    @Sendable func pin(req: Request) async throws -> Response {
        let account = try req.account(if: WallPermissions.mayPin)
        let p = try await post(req)
        return try await act(req, p.id) { try await wall(req).pin(p, true, by: .account(account)) }
    }

    @Sendable func unpin(req: Request) async throws -> Response {
        let account = try req.account(if: WallPermissions.mayPin)
        let p = try await post(req)
        return try await act(req, p.id) { try await wall(req).pin(p, false, by: .account(account)) }
    }

    @Sendable func hideComment(req: Request) async throws -> Response {
        let account = try req.account(if: WallPermissions.mayModerate)
        guard let c = try await RecognitionQueries(db: req.db).comment(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        return try await act(req, c.$post.id) { try await wall(req).hide(c, reason: reason, by: .account(account)) }
    }
}
