import Foundation

/// Who may enter orders, refund and edit the catalogue.
enum CommercePermissions {
    /// Who may enter an order for `seller`: managers for their scope, agents for themselves,
    /// customer service for anyone.
    static func mayEnterOrder(_ account: Account, me: Member?, seller: Member) -> Bool {
        switch account.roleValue {
        case .leader, .director, .customerService: return true
        case .salesManager, .departmentManager: return Permissions.memberScope(account, member: me)?.contains(seller) ?? false
        case .agent: return me?.id == seller.id
        case .finance, .trainer, .warehouse: return false
        }
    }
    /// Who may refund: those who deal with money and complaints.
    static func mayRefund(_ role: Role) -> Bool { [.leader, .director, .finance, .customerService].contains(role) }
    /// Who may edit the catalogue.
    static func mayEditCatalogue(_ role: Role) -> Bool { [.leader, .director].contains(role) }
}
