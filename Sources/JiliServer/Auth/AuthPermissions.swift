import Foundation

/// Who may manage API tokens, read the audit log, invite people, give roles and reset passwords.
enum AuthPermissions {
    static func mayManageTokens(_ role: Role) -> Bool { role == .leader }
    static func mayReadAudit(_ role: Role) -> Bool { [.leader, .director, .finance].contains(role) }

    /// Who invites members and issues reset links: the leader, the operations director and managers.
    static func mayInvite(_ role: Role) -> Bool { Permissions.decidesForTeam(role) }
    /// A member may be invited (or their password reset) by the leader and the director, and by a
    /// manager when the member is in their scope (never the manager themselves).
    static func mayInvite(_ account: Account, me: Member?, _ member: Member) -> Bool { Permissions.mayDecide(account, me: me, about: member) }
    /// Staff roles, staff invitations and disabling accounts: the leader only.
    static func mayManageStaff(_ role: Role) -> Bool { role == .leader }
    /// A reset link for an account: for a member's account as for inviting them; for a staff account
    /// without a member, the leader's.
    static func mayReset(_ account: Account, me: Member?, _ target: Account, member: Member?) -> Bool {
        guard target.roleValue != .leader, target.id != account.id else { return false }
        if let member { return mayInvite(account, me: me, member) && (target.roleValue == .agent || mayManageStaff(account.roleValue)) }
        return mayManageStaff(account.roleValue)
    }
}
