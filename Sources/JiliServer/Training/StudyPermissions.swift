/// Who may see and decide study claims.
enum StudyPermissions {
    static func maySetLimits(_ role: Role) -> Bool { [.leader, .director, .finance].contains(role) }

    /// Whether `account` may take the claim's next step (false when it may see the claim but not decide it).
    static func mayDecide(_ c: StudyClaim, _ account: Account, me: Member?) -> Bool {
        switch c.status {
        case .submitted: mayApproveAsManager(account, me: me, about: c.member)
        case .managerApproved: mayApproveAsFinance(account, me: me, claim: c)
        default: false
        }
    }

    /// Who may see a claim and its receipt: its member, and whoever may decide or has decided it, or
    /// pays (finance, the leader, the director for everyone; managers for their scope).
    static func maySee(_ c: StudyClaim, _ account: Account, me: Member?) -> Bool {
        c.$member.id == me?.id || [.leader, .director, .finance].contains(account.roleValue) || Permissions.mayDecide(account, me: me, about: c.member)
    }

    /// Who may take the manager's step for `member`: the leader and the operations director, a manager
    /// for their scope — never about themselves.
    static func mayApproveAsManager(_ account: Account, me: Member?, about member: Member) -> Bool {
        Permissions.mayDecide(account, me: me, about: member)
    }

    /// Who may take finance's step: finance and the leader, never about themselves, and never the
    /// account that took the manager's step (two people see every claim paid).
    static func mayApproveAsFinance(_ account: Account, me: Member?, claim: StudyClaim) -> Bool {
        [.finance, .leader].contains(account.roleValue) && claim.$member.id != me?.id && claim.managerAccount != account.id
    }
}
