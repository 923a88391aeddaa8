import Vapor

/// A request refused for a reason the person can act on: the message key and its values, the field
/// of the form it is about, and the HTTP status. Services throw it; it reaches the person the same
/// way everywhere (``ErrorPages``): on a page, back on the form they filled in with what they typed
/// kept and the reason at the field; in the API, 422 or 409 JSON with the message in English.
struct Refusal: Error, Equatable {
    var key: String
    var values: [String: String] = [:]
    /// The form field the reason is about (`name`, `lines[0].quantity`), when there is one.
    var field: String?
    /// 422 for input that cannot be taken, 409 for a state that forbids it (a month already approved).
    var status: HTTPStatus = .unprocessableEntity

    init(key: String, values: [String: String] = [:], field: String? = nil, status: HTTPStatus = .unprocessableEntity) {
        self.key = key
        self.values = values
        self.field = field
        self.status = status
    }

    /// In the request's language.
    func text(_ req: Request) -> String { req.t(key, values) }

    /// In English, for the API and the command line.
    func english(_ app: Application) -> String {
        let text = app.catalog.table("en")[key] ?? key
        return values.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
