import Foundation

/// Who may change the team: members and the org chart.
enum TeamPermissions {
    /// Who may add members and change sponsor, tier, status, department and position.
    static func mayEditMembers(_ role: Role) -> Bool { [.leader, .director].contains(role) }
    /// Who may edit the org chart.
    static func mayEditOrg(_ role: Role) -> Bool { role == .leader }
}
