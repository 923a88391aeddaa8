import Foundation
import MultipartKit
import Vapor

/// A message shown once, on the next page: after a change ("已提交"), or a refusal sent back to the
/// form it came from with what was typed. It lives in the session until a page shows it.
struct Flash: Codable, Equatable {
    /// A change that was made, in the visitor's language.
    var notice: String?
    /// What the change's author should know about it (a ladder published with a tier nobody can reach).
    var warnings: [String]?
    /// Why a form was refused, in the visitor's language.
    var error: String?
    /// The form a refusal is about (its `action`), the field, and what was typed into it.
    var form: String?
    var field: String?
    var kept: [String: String]?
    /// Each field to change with its reason, when a form had problems in several fields.
    var fields: [String: String]?

    static let sessionKey = "flash"
}

extension Request {
    /// After a change: back to `path` (303, so a reload asks again and posts nothing), with a notice.
    func redirect(to path: String, notice key: String, _ values: [String: String] = [:], warnings: [String] = []) -> Response {
        keepFlash(Flash(notice: t(key, values), warnings: warnings.isEmpty ? nil : warnings))
        return redirect(to: path)
    }

    /// After a change made from more than one page (a seat taken from the calendar or from the
    /// session's page): back to the page of this site the form was on, else to `fallback`.
    func redirect(back fallback: String, notice key: String, _ values: [String: String] = [:]) -> Response {
        redirect(to: headers.first(name: .referer).flatMap(pathOnThisSite) ?? fallback, notice: key, values)
    }

    func keepFlash(_ flash: Flash) {
        if let data = try? JSONEncoder().encode(flash) { session.data[Flash.sessionKey] = String(decoding: data, as: UTF8.self) }
    }

    /// The message kept for this page, taken out of the session (it is shown once).
    func takeFlash() -> Flash? {
        guard hasSession, let text = session.data[Flash.sessionKey] else { return nil }
        session.data[Flash.sessionKey] = nil
        return try? JSONDecoder().decode(Flash.self, from: Data(text.utf8))
    }

    /// What is never kept in the session: passwords, and payees' ID and card numbers.
    static let neverKept = ["password", "id_number", "bank_card"]

    /// A refused form, sent back to the page it was filled in on: the reason, its field and the
    /// fields as typed (never a password or the CSRF token; a file cannot be kept). Nil when the
    /// form did not come from a page of this site.
    func sendBack(_ refusal: Refusal) -> Response? {
        guard method == .POST, let back = headers.first(name: .referer).flatMap(pathOnThisSite) else { return nil }
        // What was typed, up to 64 KB in all (it lives in the session until the page shows it).
        var kept: [String: String] = [:]
        var size = 0
        for (name, value) in formFields where name != "_csrf" && !Self.neverKept.contains(where: name.lowercased().contains) {
            size += name.utf8.count + value.utf8.count
            guard size <= 65_536 else { break }
            kept[name] = value
        }
        let fields = refusal.fieldTexts(self)
        keepFlash(Flash(error: refusal.summary(self), form: url.path, field: refusal.field, kept: kept.isEmpty ? nil : kept,
                        fields: fields.isEmpty ? nil : fields))
        return redirect(to: back)
    }

    /// The text fields of a form (URL-encoded, or multipart without its files) by the names its inputs
    /// have (`lines[0][quantity]` as it is); a repeated name keeps its last value.
    var formFields: [(String, String)] {
        guard let type = headers.contentType, let data = body.data else { return [] }
        if type.type == "multipart", type.subType == "form-data", let boundary = type.parameters["boundary"] {
            return Self.textParts(data, boundary: boundary)
        }
        guard type.type == "application", type.subType == "x-www-form-urlencoded", let body = body.string else { return [] }
        return body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ s: Substring) -> String? { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = parts.first.flatMap(decoded), !name.isEmpty else { return nil }
            return (name, parts.count > 1 ? decoded(parts[1]) ?? "" : "")
        }
    }

    /// The text fields of a multipart form (a file's part is left out: a browser cannot be given it back).
    static func textParts(_ body: ByteBuffer, boundary: String) -> [(String, String)] {
        let parser = MultipartParser(boundary: boundary)
        var fields: [(String, String)] = []
        var name: String?
        var isFile = false
        var value = ByteBuffer()
        parser.onHeader = { field, header in
            guard field.lowercased() == "content-disposition" else { return }
            isFile = header.contains("filename=")
            name = header.split(separator: ";").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("name=") }.map { String($0.dropFirst(5)).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        parser.onBody = { chunk in value.writeBuffer(&chunk) }
        parser.onPartComplete = {
            if let n = name, !isFile { fields.append((n, value.readString(length: value.readableBytes) ?? "")) }
            name = nil
            isFile = false
            value.clear()
        }
        do { try parser.execute(body) } catch { return [] }
        return fields
    }

    /// The path (and query) of a Referer on this site, or nil: another host, or anything odd.
    func pathOnThisSite(_ referer: String) -> String? {
        guard let parts = URLComponents(string: referer), parts.user == nil, parts.password == nil else { return nil }
        if let host = parts.host {
            let given = parts.port.map { "\(host):\($0)" } ?? host
            guard let ours = headers.first(name: .host), ours.lowercased() == given.lowercased() else { return nil }
        }
        var path = parts.percentEncodedPath
        if let query = parts.percentEncodedQuery { path += "?" + query }
        let next = SignInController.safeNext(path)
        return next == path ? path : nil
    }
}
