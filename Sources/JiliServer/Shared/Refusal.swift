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
    /// The problems of the form's other fields, each with its field: a form is refused once, with
    /// every field that needs a change marked.
    var also: [Refusal] = []

    init(key: String, values: [String: String] = [:], field: String? = nil, status: HTTPStatus = .unprocessableEntity) {
        self.key = key
        self.values = values
        self.field = field
        self.status = status
    }

    /// All the problems of a form as one refusal (the first's key and field, the rest in `also`); nil when there are none.
    static func all(_ problems: [Refusal]) -> Refusal? {
        guard var first = problems.first else { return nil }
        first.also = Array(problems.dropFirst())
        return first
    }

    /// In the request's language.
    func text(_ req: Request) -> String { req.t(key, values) }

    /// The page's line about the form: the reason, or how many fields to change when there are several
    /// (each field once), followed by the reasons that belong to no field.
    func summary(_ req: Request) -> String {
        guard !also.isEmpty else { return text(req) }
        let all = [self] + also
        let fields = Set(all.compactMap(\.field))
        let loose = all.filter { $0.field == nil }.map { $0.text(req) }
        return ([req.t("form_error_fields", ["count": "\(fields.count + loose.count)"])] + loose).joined(separator: " ")
    }

    /// Every reason, for a page of its own (no form to mark them at).
    func fullText(_ req: Request) -> String { ([self] + also).map { $0.text(req) }.joined(separator: " ") }

    /// Each field's reason, by the field's name (the first reason of a field when it has several).
    func fieldTexts(_ req: Request) -> [String: String] {
        var out: [String: String] = [:]
        for r in [self] + also { if let f = r.field, out[f] == nil { out[f] = r.text(req) } }
        return out
    }

    /// In English, for the API and the command line.
    func english(_ app: Application) -> String {
        let text = app.catalog.table("en")[key] ?? key
        return values.reduce(text) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
