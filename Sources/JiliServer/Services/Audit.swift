import Fluent
import Foundation

/// The audit log: who changed what, when, with the values before and after.
enum Audit {
    static func record(on db: any Database, at: Date, account: Account?, action: String, entity: String, id: String,
                       before: [String: String]?, after: [String: String]?) async throws {
        func json(_ v: [String: String]?) -> String? {
            guard let v else { return nil }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return String(decoding: try! encoder.encode(v), as: UTF8.self)
        }
        try await AuditEntry(at: at, accountID: account?.id, actor: account?.username ?? "system", action: action,
                             entity: entity, entityID: id, before: json(before), after: json(after)).create(on: db)
    }
}
