/// A status kept in a `status` column: its cases are the only values the column holds (reading any
/// other fails), and it reads as its stored value (`"handed_over"`), in a message key
/// (`reward_status_\(r.status)`) as in an audit entry.
protocol StoredStatus: RawRepresentable<String>, Codable, CaseIterable, Sendable, CustomStringConvertible {}

extension StoredStatus {
    var description: String { rawValue }
}
