import Fluent
import Foundation

/// A one-time link that lets someone sign in: an invitation (to a member, or to a staff person who
/// is not a member) with the role it grants, or a password reset of an account. Only a selector and
/// the hash of the secret are kept; the link itself is shown once, to the person who made it.
final class Invitation: Model, @unchecked Sendable {
    static let schema = "invitations"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    /// Finds the row: the first part of the token, not secret on its own.
    @Field(key: "selector") var selector: String
    /// SHA-256 of the secret part, compared in constant time.
    @Field(key: "verifier_hash") var verifierHash: String
    @Field(key: "purpose") var purpose: Purpose
    /// The member invited (nil for a staff person who is not a member).
    @OptionalParent(key: "member_id") var member: Member?
    /// A reset's account; an invitation's once it was used.
    @OptionalParent(key: "account_id") var account: Account?
    /// The role an invitation grants.
    @Field(key: "role") var role: String
    @OptionalParent(key: "department_id") var department: Department?
    /// Whom it is for, as the inviter named them (a staff person's name; the member's name otherwise).
    @Field(key: "label") var label: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    enum Purpose: String, StoredStatus {
        case invite, reset
    }

    /// What a link is now.
    enum State: String, StoredStatus {
        case open, used, expired, revoked
    }

    func state(at now: Date) -> State {
        if usedAt != nil { return .used }
        if revokedAt != nil { return .revoked }
        return expiresAt <= now ? .expired : .open
    }

    var roleValue: Role { Role(rawValue: role) ?? .agent }
}

/// The token of a link: 64 random bits of selector and 128 of secret, URL-safe (33 characters).
struct LinkToken: Sendable, Equatable {
    let selector: String
    let verifier: String

    static func generate() -> LinkToken {
        LinkToken(selector: Self.encode([UInt8].random(count: 8)), verifier: Self.encode([UInt8].random(count: 16)))
    }

    /// The token as it goes into a link.
    var text: String { selector + verifier }

    /// A token as found in a link; nil when it has not the shape of one.
    init?(_ text: String) {
        guard text.count == 33, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        selector = String(text.prefix(11))
        verifier = String(text.dropFirst(11))
    }

    private init(selector: String, verifier: String) {
        self.selector = selector
        self.verifier = verifier
    }

    /// Stored as API tokens are: the SHA-256 of the secret, in hex.
    var verifierHash: String { ApiTokens.hash(verifier) }

    /// Whether `hash` is this token's verifier's hash, in time that does not depend on where they differ.
    func matches(_ hash: String) -> Bool { Self.constantTimeEqual(verifierHash, hash) }

    /// Equal strings, compared in time that does not depend on where they differ (secrets, states, CSRF tokens).
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
