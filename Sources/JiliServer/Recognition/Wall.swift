import Fluent
import Foundation

/// A post on the praise wall (认可与表扬): praise of a member or a story told by a person (text and an
/// optional photo), or a post Jili writes itself when a contest is frozen, a title is given, a champion
/// is named or a member is promoted (a catalogue message and its values, said in the reader's
/// language). A moderator hides a post with a reason; nothing is deleted.
final class WallPost: Model, @unchecked Sendable {
    static let schema = "wall_posts"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "kind") var kind: Kind
    @OptionalParent(key: "author_account_id") var author: Account?
    /// The author's name as shown (their member's name, or their username); empty for Jili's own posts.
    @Field(key: "author_label") var authorLabel: String
    /// Whom the post is about, when it is about one member.
    @OptionalParent(key: "member_id") var member: Member?
    /// A person's words; empty for Jili's own posts.
    @Field(key: "text") var text: String
    /// Jili's own posts: the catalogue key and its values as JSON (a value whose name ends in `_key`
    /// is itself a catalogue key, translated when shown).
    @Field(key: "message") var message: String
    @Field(key: "values") var values: String
    @Field(key: "link") var link: String
    /// The photo's file name under the files folder's `wall/`, when there is one.
    @OptionalField(key: "photo") var photo: String?
    @Field(key: "pinned") var pinned: Bool
    /// Jili's own posts are written once per event: `contest:3`, an honor's key, `promotion:m10:2026-11-29:director`.
    @OptionalField(key: "event") var event: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "hidden_at") var hiddenAt: Date?
    @OptionalField(key: "hidden_by") var hiddenBy: String?
    @OptionalField(key: "hidden_reason") var hiddenReason: String?

    init() {}

    /// `praise` or `story` (by a person); `contest`, `title`, `champion`, `promotion` (by Jili).
    enum Kind: String, StoredStatus {
        case praise, story, contest, title, champion, promotion
        /// What a person may post; the others Jili writes itself.
        static let byPeople: [Kind] = [.praise, .story]
    }
}

/// A reaction to a post (赞, 鼓掌, 送花): one of each kind per account; reacting again takes it back.
final class WallReaction: Model, @unchecked Sendable {
    static let schema = "wall_reactions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "post_id") var post: WallPost
    @Parent(key: "account_id") var account: Account
    @Field(key: "kind") var kind: Kind
    @Field(key: "created_at") var createdAt: Date

    init() {}

    enum Kind: String, StoredStatus {
        case like, applause, flower
    }
}

/// A comment on a post; a moderator hides it with a reason.
final class WallComment: Model, @unchecked Sendable {
    static let schema = "wall_comments"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "post_id") var post: WallPost
    @Parent(key: "account_id") var account: Account
    @Field(key: "author_label") var authorLabel: String
    @Field(key: "text") var text: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "hidden_at") var hiddenAt: Date?
    @OptionalField(key: "hidden_by") var hiddenBy: String?
    @OptionalField(key: "hidden_reason") var hiddenReason: String?

    init() {}
}
