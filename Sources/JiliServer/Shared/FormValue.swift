import Foundation

/// Values read from a form at the edge, before a service sees them: a refusal names the field and
/// repeats what was typed.
enum FormValue {
    /// A whole number as typed (spaces around it allowed).
    static func int(_ text: String?, field: String, refusal key: String, values: [String: String] = [:]) throws -> Int {
        let typed = text ?? ""
        guard let n = Int(typed.trimmingCharacters(in: .whitespaces)) else {
            throw Refusal(key: key, values: values.merging(["value": typed]) { a, _ in a }, field: field)
        }
        return n
    }
}
