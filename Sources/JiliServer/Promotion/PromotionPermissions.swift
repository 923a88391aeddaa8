/// Who may do what with the promotion ladder and its proposals.
enum PromotionPermissions {
    static func mayEditLadder(_ role: Role) -> Bool { [.leader, .director].contains(role) }
    static func mayDecide(_ role: Role) -> Bool { Permissions.decidesForTeam(role) }
    static func mayDecide(_ account: Account, me: Member?, about member: Member) -> Bool {
        Permissions.mayDecide(account, me: me, about: member)
    }
}
