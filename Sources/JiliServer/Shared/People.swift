import Fluent
import Vapor

/// Who did something, as pages name them. Changes record their actor as a string (``Actor``): an
/// account's username, `system` for Jili's own doing, `api:NAME` for a client of the API. A page
/// shows the person's name for a username, 系统 for `system`, and the token's name for the API.
struct People: Sendable {
    private let names: [String: String]

    static let none = People(names: [:])
    private init(names: [String: String]) { self.names = names }

    /// The names of the accounts among `actors`, read at once.
    static func load(_ actors: some Sequence<String?>, on db: any Database) async throws -> People {
        let usernames = Set(actors.compactMap { $0 }.filter { $0 != Actor.system.name && !$0.hasPrefix("api:") && !$0.isEmpty })
        guard !usernames.isEmpty else { return .none }
        var names: [String: String] = [:]
        for chunk in Array(usernames).chunked(500) {
            for a in try await Account.query(on: db).filter(\.$username ~~ chunk).all() { names[a.username] = a.name }
        }
        return People(names: names)
    }

    /// How the page names `actor` in the reader's language.
    func name(_ actor: String, _ req: Request) -> String {
        if actor == Actor.system.name { return req.t("actor_system") }
        if actor.hasPrefix("api:") { return req.t("actor_api", ["name": String(actor.dropFirst(4))]) }
        return names[actor] ?? actor
    }
}

extension Array {
    /// The array in runs of at most `size`.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min(count, $0 + size)]) }
    }
}
