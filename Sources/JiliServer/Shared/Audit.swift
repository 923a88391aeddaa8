import Fluent
import Foundation

/// Who did something: a signed-in account, an API client, or the system (demo data, the command line).
struct Actor: Sendable {
    var accountID: Int?
    var name: String

    static let system = Actor(accountID: nil, name: "system")
    static func account(_ a: Account) -> Actor { Actor(accountID: a.id, name: a.username) }
    static func api(_ client: ApiClient) -> Actor { Actor(accountID: nil, name: client.actor) }
}

/// The audit log: who changed what, when, with the values before and after.
enum Audit {
    static func record(on db: any Database, at: Date, actor: Actor, action: String, entity: String, id: String,
                       before: [String: String]?, after: [String: String]?) async throws {
        func json(_ v: [String: String]?) -> String? {
            guard let v else { return nil }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try! encoder.encode(v), as: UTF8.self)
        }
        try await AuditEntry(at: at, accountID: actor.accountID, actor: actor.name, action: action,
                             entity: entity, entityID: id, before: json(before), after: json(after)).create(on: db)
    }
}

/// Who changed what, when, with the values before and after (JSON).
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_log"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @OptionalField(key: "account_id") var accountID: Int?
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "entity") var entity: String
    @Field(key: "entity_id") var entityID: String
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?

    init() {}
    init(at: Date, accountID: Int?, actor: String, action: String, entity: String, entityID: String, before: String?, after: String?) {
        self.at = at
        self.accountID = accountID
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entityID = entityID
        self.before = before
        self.after = after
    }
}
