import Foundation

/// Who may add courses, lessons, questions and sessions, and run sessions.
enum TrainingPermissions {
    static func mayTeach(_ role: Role) -> Bool { [.leader, .director, .trainer].contains(role) }

    /// A session is run by its trainer, the leader and the operations director.
    static func mayRun(_ s: TrainingSession, _ account: Account) -> Bool {
        [.leader, .director].contains(account.roleValue) || (account.roleValue == .trainer && s.$trainer.id == account.id)
    }
}
