import Fluent
import Foundation

/// The praise wall (认可与表扬): people post praise and stories, react and comment; Jili posts contest
/// results, titles, champions and promotions itself; moderators hide with a reason (audited) and the
/// leader pins. Who may do what is in ``WallController``; this checks what is written.
struct PraiseWall {
    let db: any Database
    let clock: JiliClock
    /// The files folder (``AppConfig/files``): photos go to its `wall/`.
    let files: String

    static let maxText = 1000
    static let maxComment = 300
    static let maxReason = 200

    /// How an account is named on the wall: its member's name, or the person's name.
    static func label(_ account: Account, on db: any Database) async throws -> String {
        try await account.$member.get(on: db)?.name ?? account.name
    }

    // MARK: People's posts

    /// A person's post: `praise` (of a member, named by code) or `story`; a photo's bytes when there is one.
    /// The praised member is told. The photo is stored first and removed again if the post is not written.
    func post(by account: Account, kind: WallPost.Kind, about memberCode: String, text: String, photo: [UInt8]?) async throws -> WallPost {
        guard WallPost.Kind.byPeople.contains(kind) else { throw Refusal(key: "wall_error_kind") }
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !words.isEmpty else { throw Refusal(key: "wall_error_text_empty") }
        guard words.count <= Self.maxText else { throw Refusal(key: "wall_error_text_long", values: ["max": "\(Self.maxText)"]) }
        let code = memberCode.trimmingCharacters(in: .whitespaces)
        if code.isEmpty && kind == .praise { throw Refusal(key: "wall_error_member_missing") }
        let member = code.isEmpty ? nil : try await Member.query(on: db).filter(\.$code == code).first()
        if !code.isEmpty && member == nil { throw Refusal(key: "wall_error_member", values: ["code": code]) }
        let label = try await Self.label(account, on: db)
        let photos = Uploads.wall(files: files)
        let photoName = try photo.map { try photos.store($0) }
        let now = clock.now()
        do {
            return try await db.transaction { db in
                let p = WallPost()
                p.kind = kind
                p.$author.id = account.id
                p.authorLabel = label
                p.$member.id = member?.id
                p.text = words
                p.message = ""
                p.values = "{}"
                p.link = ""
                p.photo = photoName
                p.pinned = false
                p.createdAt = now
                try await p.create(on: db)
                if let member, member.id != account.$member.id {
                    try await Notices.tell(member.id!, message: "notice_praised", values: ["author": label], link: SiteURL.wall() + "#p\(p.id!)",
                                           event: "praise:\(p.id!)", at: now, on: db)
                }
                return p
            }
        } catch {
            if let photoName { photos.remove(photoName) }
            throw error
        }
    }

    /// Adds the account's reaction of `kind`, or takes it back when it is there.
    func react(_ post: WallPost, kind: WallReaction.Kind, by account: Account) async throws {
        guard post.hiddenAt == nil else { throw Refusal(key: "wall_error_hidden") }
        let mine = WallReaction.query(on: db).filter(\.$post.$id == post.id!).filter(\.$account.$id == account.id!).filter(\.$kind == kind)
        if try await mine.first() != nil {
            try await mine.delete()
            return
        }
        let r = WallReaction()
        r.$post.id = post.id!
        r.$account.id = account.id!
        r.kind = kind
        r.createdAt = clock.now()
        // Two taps at once: the unique key keeps one, and the second changes nothing.
        do { try await r.create(on: db) } catch let e as any DatabaseError where e.isConstraintFailure {}
    }

    func comment(on post: WallPost, text: String, by account: Account) async throws -> WallComment {
        guard post.hiddenAt == nil else { throw Refusal(key: "wall_error_hidden") }
        let words = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !words.isEmpty else { throw Refusal(key: "wall_error_text_empty") }
        guard words.count <= Self.maxComment else { throw Refusal(key: "wall_error_text_long", values: ["max": "\(Self.maxComment)"]) }
        let c = WallComment()
        c.$post.id = post.id!
        c.$account.id = account.id!
        c.authorLabel = try await Self.label(account, on: db)
        c.text = words
        c.createdAt = clock.now()
        try await c.create(on: db)
        return c
    }

    // MARK: Moderation

    func reason(_ text: String) throws -> String {
        let why = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, why.count <= Self.maxReason else { throw Refusal(key: "wall_error_reason", values: ["max": "\(Self.maxReason)"]) }
        return why
    }

    /// Hides a post or a comment from everyone but moderators, with a reason in the audit log.
    func hide<Item: WallHideable>(_ item: Item, reason text: String, by actor: Actor) async throws {
        let why = try reason(text)
        guard item.hiddenAt == nil else { return }
        let now = clock.now()
        try await db.transaction { db in
            item.hiddenAt = now
            item.hiddenBy = actor.name
            item.hiddenReason = why
            try await item.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "hide", entity: Item.auditEntity, id: "\(item.id!)",
                                   before: ["visible": "yes", "text": item.auditText], after: ["visible": "no", "reason": why])
        }
    }

    /// Shows a hidden post again (audited).
    func restore(_ post: WallPost, by actor: Actor) async throws {
        guard let was = post.hiddenReason, post.hiddenAt != nil else { return }
        let now = clock.now()
        try await db.transaction { db in
            post.hiddenAt = nil
            post.hiddenBy = nil
            post.hiddenReason = nil
            try await post.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "restore", entity: "wall_post", id: "\(post.id!)",
                                   before: ["visible": "no", "reason": was], after: ["visible": "yes"])
        }
    }

    /// Pins a post on top of the wall, or unpins it (audited).
    func pin(_ post: WallPost, _ pinned: Bool, by actor: Actor) async throws {
        guard post.pinned != pinned else { return }
        guard post.hiddenAt == nil || !pinned else { throw Refusal(key: "wall_error_hidden") }
        let now = clock.now()
        try await db.transaction { db in
            post.pinned = pinned
            try await post.save(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: pinned ? "pin" : "unpin", entity: "wall_post", id: "\(post.id!)",
                                   before: ["pinned": pinned ? "no" : "yes"], after: ["pinned": pinned ? "yes" : "no"])
        }
    }

    // MARK: Jili's own posts

    /// Posts what happened, once per `event`: call it inside the transaction of the event itself (a
    /// freeze, an award, a promotion), so that both or neither are kept.
    static func announce(_ kind: WallPost.Kind, message: String, values: [String: String], about memberID: Int?, link: String,
                         event: String, at: Date, on db: any Database) async throws {
        guard try await WallPost.query(on: db).filter(\.$event == event).first() == nil else { return }
        let p = WallPost()
        p.kind = kind
        p.authorLabel = ""
        p.$member.id = memberID
        p.text = ""
        p.message = message
        p.values = String(decoding: try JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]), as: UTF8.self)
        p.link = link
        p.pinned = false
        p.event = event
        p.createdAt = at
        try await p.create(on: db)
    }

    /// "1. 王芳 (m12) · 2. 李娜 (m7)": the first places of a ranking, in any language.
    static func places(_ rows: [(rank: Int, label: String)], upTo last: Int = 3) -> String {
        rows.filter { $0.rank <= last }.map { "\($0.rank). \($0.label)" }.joined(separator: " · ")
    }
}

/// What a moderator hides: posts and comments.
protocol WallHideable: Model where IDValue == Int {
    var hiddenAt: Date? { get set }
    var hiddenBy: String? { get set }
    var hiddenReason: String? { get set }
    /// The audit log's entity: `wall_post`, `wall_comment`.
    static var auditEntity: String { get }
    /// What was written (kept in the audit entry).
    var auditText: String { get }
}

extension WallPost: WallHideable {
    static let auditEntity = "wall_post"
    var auditText: String { text.isEmpty ? message : text }
}

extension WallComment: WallHideable {
    static let auditEntity = "wall_comment"
    var auditText: String { text }
}
