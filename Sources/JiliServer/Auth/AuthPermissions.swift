import Foundation

/// Who may manage API tokens and read the audit log.
enum AuthPermissions {
    static func mayManageTokens(_ role: Role) -> Bool { role == .leader }
    static func mayReadAudit(_ role: Role) -> Bool { [.leader, .director, .finance].contains(role) }
}
