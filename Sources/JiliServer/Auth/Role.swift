/// What someone does in the team; decides what they may see and change (see ``Permissions``).
enum Role: String, CaseIterable, Codable, Sendable {
    case leader
    case director
    case departmentManager
    case salesManager
    case agent
    case finance
    case customerService
    case trainer
    case warehouse

    /// The message key of the role's name.
    var messageKey: String { "role_\(rawValue)" }
}
