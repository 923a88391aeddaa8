import Foundation
import JiliCore

/// Values read from a form at the edge, before a service sees them: a refusal names the field and
/// repeats what was typed.
enum FormValue {
    /// A whole number as typed (spaces around it allowed); empty is `empty` when given.
    static func int(_ text: String?, field: String, refusal key: String, values: [String: String] = [:], empty: Int? = nil) throws -> Int {
        let typed = text ?? ""
        if typed.trimmingCharacters(in: .whitespaces).isEmpty, let empty { return empty }
        guard let n = Int(typed.trimmingCharacters(in: .whitespaces)) else {
            throw Refusal(key: key, values: values.merging(["value": typed]) { a, _ in a }, field: field)
        }
        return n
    }

    /// A day written `2026-11-30`, as days since 1970-01-01; empty is `empty` when given.
    static func day(_ text: String?, field: String, refusal key: String, values: [String: String] = [:], empty: Int64? = nil) throws -> Int64 {
        let typed = text ?? ""
        if typed.trimmingCharacters(in: .whitespaces).isEmpty, let empty { return empty }
        guard let day = Dates.day(typed) else { throw Refusal(key: key, values: values.merging(["value": typed]) { a, _ in a }, field: field) }
        return day
    }

    /// An amount in yuan with at most two decimals (`1,000.50` as typed is taken), in fen; empty is `empty`.
    static func fen(_ text: String?, field: String, refusal key: String, empty: Int64? = nil) throws -> Int64 {
        let typed = text ?? ""
        let t = typed.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        if t.isEmpty, let empty { return empty }
        guard case .success(let fen) = FixedPoint.parse(t, scale: 2) else { throw Refusal(key: key, values: ["value": typed], field: field) }
        return fen
    }
}
