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
    /// Payee details (real name, ID, bank card): the member's own, and finance's for anyone.
    static func mayEditPayee(_ account: Account, me: Member?, of member: Member) -> Bool {
        member.id == me?.id || account.roleValue == .finance
    }
    /// Who reads payee details in full, and takes the transfer file and the tax list: finance only.
    /// Everyone else, the member and the leader included, reads them masked.
    static func seesPayeesInFull(_ role: Role) -> Bool { role == .finance }
}
