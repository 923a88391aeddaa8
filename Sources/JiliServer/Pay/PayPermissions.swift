/// Who may do what with pay: runs, payouts, questions about statements.
enum PayPermissions {
    /// Plan versions and monthly runs: the leader, the operations director and finance.
    static func mayRun(_ role: Role) -> Bool { [.leader, .director, .finance].contains(role) }
    /// Payouts: the leader and finance.
    static func mayPay(_ role: Role) -> Bool { [.leader, .finance].contains(role) }
    /// Answering members' questions about their statements: the leader and finance.
    static func mayAnswer(_ role: Role) -> Bool { [.leader, .finance].contains(role) }
}
