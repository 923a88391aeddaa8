import Foundation

/// Who may set goals, and for whom.
enum GoalPermissions {
    /// Whether `account` may set a goal for `subject`.
    static func maySet(_ account: Account, me: Member?, _ subject: GoalService.Subject) -> Bool {
        switch account.roleValue {
        case .leader, .director: return true
        case .departmentManager, .salesManager:
            guard let scope = Permissions.memberScope(account, member: me) else { return false }
            switch subject.scope {
            case .member, .subtree: return subject.member.map(scope.contains) ?? false
            case .department: if case .department(let d) = scope { return subject.department?.id == d }; return false
            case .team: return false
            }
        default: return false
        }
    }
    static func maySetAny(_ role: Role) -> Bool { [.leader, .director, .departmentManager, .salesManager].contains(role) }
}

/// Who may record activities and define their kinds.
enum ActivityPermissions {
    static func mayRecordAny(_ role: Role) -> Bool { [.leader, .director, .salesManager, .departmentManager, .trainer].contains(role) }
    static func mayDefine(_ role: Role) -> Bool { role == .leader }
    /// Whether `account` may record `kind` for `member`: the leader and the operations director for
    /// anyone, managers for their scope, trainers the training of anyone.
    static func mayRecord(_ account: Account, me: Member?, _ member: Member, kind: String) -> Bool {
        switch account.roleValue {
        case .leader, .director: return true
        case .salesManager, .departmentManager: return Permissions.memberScope(account, member: me)?.contains(member) ?? false
        case .trainer: return kind == "training"
        default: return false
        }
    }
}

/// Who may create contests.
enum ContestPermissions {
    static func mayCreate(_ role: Role) -> Bool { [.leader, .director].contains(role) }
}

/// Who may nominate members for titles (the leader gives them directly).
enum TitlePermissions {
    /// Managers and the operations director nominate; the leader gives titles directly.
    static func mayNominate(_ role: Role) -> Bool { [.director, .departmentManager, .salesManager].contains(role) }
}

/// Who may moderate and pin on the praise wall.
enum WallPermissions {
    static func mayModerate(_ role: Role) -> Bool { [.leader, .director, .salesManager, .departmentManager].contains(role) }
    static func mayPin(_ role: Role) -> Bool { role == .leader }
}

/// Who may read what motivates a member.
enum MotivationPermissions {
    /// Who may read what motivates a member: the member, the leader and the operations director, and
    /// managers for their scope (not finance, not the member's upline agents).
    static func mayReadPersonal(_ account: Account, me: Member?, of member: Member) -> Bool {
        account.roleValue != .finance && PayPermissions.mayReadPay(account, me: me, of: member)
    }
}
