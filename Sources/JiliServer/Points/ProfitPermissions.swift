/// Who may create profit-sharing pools: the leader, the operations director and finance.
enum ProfitPermissions {
    static func mayCreate(_ role: Role) -> Bool { [.leader, .director, .finance].contains(role) }
}
