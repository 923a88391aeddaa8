import Foundation
import Vapor

/// One address of the site: its name (what a template's `#url` gives), its pattern (`/members/:code`,
/// what the router matches) and, for a form that uploads files, the most it may send. A link is made by
/// calling it with the values of its parameters, in the order the pattern has them.
protocol SiteAddress: Sendable {
    var name: String { get }
    var pattern: String { get }
    var maxBody: ByteCount? { get }
    init(name: String, pattern: String, maxBody: ByteCount?)
}

extension SiteAddress {
    init(_ name: String, _ pattern: String, maxBody: ByteCount? = nil) {
        self.init(name: name, pattern: pattern, maxBody: maxBody)
    }

    /// The router's components (`members`, `:code`).
    var route: [PathComponent] { pattern.pathComponents }

    /// The names of the parameters, in order (`code`).
    var parameters: [String] {
        pattern.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }

    /// The path with these values in place of the parameters (each percent-encoded as one segment),
    /// and the query's pairs whose value is not nil, in their order.
    func path(_ values: [String], query: KeyValuePairs<String, String?> = [:]) -> String {
        precondition(values.count == parameters.count, "\(name) takes \(parameters.count) values")
        var rest = values[...]
        var path = pattern == "/" ? "/" : ""
        for part in pattern.split(separator: "/") {
            path += "/" + (part.hasPrefix(":") ? Self.segment(rest.removeFirst()) : String(part))
        }
        let pairs = query.compactMap { key, value in value.map { "\(key)=\(Self.queryValue($0))" } }
        return pairs.isEmpty ? path : path + "?" + pairs.joined(separator: "&")
    }

    /// Whether a request's path (`/members/m10`) is this address.
    func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/"), own = pattern.split(separator: "/")
        return parts.count == own.count && zip(own, parts).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
    }

    static func segment(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: URLText.asciiAlphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: URLText.asciiAlphanumerics.union(CharacterSet(charactersIn: "-._~:/"))) ?? value
    }
}

/// An address without parameters (`/dashboard`).
struct Address: SiteAddress {
    let name: String
    let pattern: String
    let maxBody: ByteCount?

    func callAsFunction(query: KeyValuePairs<String, String?> = [:]) -> String { path([], query: query) }
}

/// An address with one parameter (`/members/:code`).
struct Address1: SiteAddress {
    let name: String
    let pattern: String
    let maxBody: ByteCount?

    func callAsFunction(_ value: some CustomStringConvertible, query: KeyValuePairs<String, String?> = [:]) -> String {
        path([value.description], query: query)
    }
}

/// An address with two parameters (`/members/:code/cases/:id/close`).
struct Address2: SiteAddress {
    let name: String
    let pattern: String
    let maxBody: ByteCount?

    func callAsFunction(_ first: some CustomStringConvertible, _ second: some CustomStringConvertible,
                        query: KeyValuePairs<String, String?> = [:]) -> String {
        path([first.description, second.description], query: query)
    }
}

extension RoutesBuilder {
    /// The route of a page (GET).
    @discardableResult
    func get(_ address: some SiteAddress, use handler: @escaping @Sendable (Request) async throws -> some AsyncResponseEncodable) -> Route {
        get(address.route, use: handler)
    }

    /// The route of a form (POST); a form that uploads files collects up to the address's `maxBody`.
    @discardableResult
    func post(_ address: some SiteAddress, use handler: @escaping @Sendable (Request) async throws -> some AsyncResponseEncodable) -> Route {
        on(.POST, address.route, body: address.maxBody.map { .collect(maxSize: $0) } ?? .collect, use: handler)
    }
}

/// What a URL carries unencoded: ASCII letters and digits (`.alphanumerics` holds every script's).
enum URLText {
    static let asciiAlphanumerics = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
}
