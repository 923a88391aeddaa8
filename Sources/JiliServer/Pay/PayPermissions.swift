/// Who may do what with pay: runs, payouts, questions about statements.
enum PayPermissions {
    /// Whose pay (statements, balance history) one may read: one's own; a manager's subtree or
    /// department; everyone for those who run pay. Customer service and trainers see members,
    /// not their pay.
    static func mayReadPay(_ account: Account, me: Member?, of member: Member) -> Bool {
        if member.id == me?.id { return true }
        switch account.roleValue {
        case .leader, .director, .finance: return true
        case .salesManager, .departmentManager: return Permissions.memberScope(account, member: me)?.contains(member) ?? false
        case .agent, .customerService, .trainer, .warehouse: return false
        }
    }

    /// Plan versions and monthly runs: the leader, the operations director and finance.
    static func mayRun(_ role: Role) -> Bool { [.leader, .director, .finance].contains(role) }
    /// Payouts: the leader and finance.
    static func mayPay(_ role: Role) -> Bool { [.leader, .finance].contains(role) }
    /// Answering members' questions about their statements: the leader and finance.
    static func mayAnswer(_ role: Role) -> Bool { [.leader, .finance].contains(role) }
}
