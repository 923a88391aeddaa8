import Foundation
import LeafKit
import Leaf
import Vapor

/// The interface's text in each language, from Resources/Locales/LANG.json (flat key → text).
/// zh-CN is the default and the reference: every key must exist in every catalogue.
struct Catalog: Sendable {
    static let languages = ["zh-CN", "en"]
    let messages: [String: [String: String]]

    init(folder: String) throws {
        var messages: [String: [String: String]] = [:]
        for language in Self.languages {
            let path = "\(folder)/\(language).json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Abort(.internalServerError, reason: "missing message catalogue \(path)")
            }
            messages[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.messages = messages
    }

    /// The messages of a language (falling back to zh-CN).
    func table(_ language: String) -> [String: String] { messages[language] ?? messages["zh-CN"]! }

    /// Keys present in one catalogue and missing in another.
    var missingKeys: [String] {
        let all = Set(messages.values.flatMap(\.keys))
        return Self.languages.flatMap { l in all.subtracting(messages[l]!.keys).map { "\(l): \($0)" } }.sorted()
    }
}

extension Application {
    private struct CatalogKey: StorageKey { typealias Value = Catalog }
    var catalog: Catalog {
        get { storage[CatalogKey.self]! }
        set { storage[CatalogKey.self] = newValue }
    }
}

extension Request {
    /// The language of the interface: `?lang=` (remembered in a cookie), the cookie, then
    /// Accept-Language; Chinese unless English is preferred.
    var language: String {
        if let known = storage[LanguageKey.self] { return known }
        let language = chosenLanguage
        storage[LanguageKey.self] = language
        return language
    }

    private struct LanguageKey: StorageKey { typealias Value = String }

    private var chosenLanguage: String {
        if let asked = query[String.self, at: "lang"], Catalog.languages.contains(asked) { return asked }
        if let cookie = cookies["jili_lang"]?.string, Catalog.languages.contains(cookie) { return cookie }
        let accept = headers[.acceptLanguage].first?.lowercased() ?? ""
        let first = accept.split(separator: ",").first.map { $0.split(separator: ";")[0].trimmingCharacters(in: .whitespaces) } ?? ""
        return first.hasPrefix("en") ? "en" : "zh-CN"
    }

    /// A message in the request's language, with `{name}` placeholders filled.
    func t(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = application.catalog.table(language)[key] ?? key
        for (k, v) in values { text = text.replacingOccurrences(of: "{\(k)}", with: v) }
        return text
    }
}

/// Remembers `?lang=` in a cookie for a year.
struct LanguageMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        if let asked = request.query[String.self, at: "lang"], Catalog.languages.contains(asked) {
            response.cookies["jili_lang"] = HTTPCookies.Value(string: asked, maxAge: 365 * 86_400, path: "/", isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }
}

/// The `#t` tag of templates, given a message key in quotes: the message in the visitor's language, escaped like any value.
/// Looked up as the page is written, so that a page does not carry the whole catalogue in its data.
struct MessageTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        try ctx.requireParameterCount(1)
        guard let key = ctx.parameters[0].string else { throw LeafError(.unknownError("#t takes a message key")) }
        guard let req = ctx.request else { return .string(key) }
        return .string(req.t(key))
    }
}
