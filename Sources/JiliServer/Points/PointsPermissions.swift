import Foundation

/// Who may change how points are earned.
enum PointsPermissions {
    static func mayEditRules(_ role: Role) -> Bool { role == .leader }
}
