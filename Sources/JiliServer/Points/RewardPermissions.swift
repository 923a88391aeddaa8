import Foundation

/// Who may edit the rewards catalogue, approve redemptions and hand them over.
enum RewardPermissions {
    static func mayEdit(_ role: Role) -> Bool { [.leader, .director].contains(role) }
    static func mayApproveAny(_ role: Role) -> Bool { [.leader, .director, .salesManager, .departmentManager].contains(role) }
    static func mayHandOver(_ role: Role, kind: String) -> Bool {
        switch role {
        case .leader, .director: true
        case .warehouse: ["product", "prize"].contains(kind)
        case .finance: kind == "cash"
        default: false
        }
    }
    static func maySeeQueue(_ role: Role) -> Bool { mayApproveAny(role) || [.warehouse, .finance].contains(role) }
}
