import Fluent
import Foundation

extension TrainingQueries {
    /// What waits in training for `account`: attendance to record for sessions that ended in the
    /// last 30 days, study claims to approve, applications to events to decide.
    func waiting(for account: Account, me: Member?, now: Date) async throws -> [Waiting] {
        var out: [Waiting] = []
        if TrainingPermissions.mayTeach(account.roleValue) {
            var ended = TrainingSession.query(on: db).filter(\.$endsAt <= now).filter(\.$endsAt > now.addingTimeInterval(-30 * 86_400))
            if account.roleValue == .trainer { ended = ended.filter(\.$trainer.$id == account.id!) }
            let sessions = try await ended.all(\.$id)
            if !sessions.isEmpty {
                let open = try await Enrollment.query(on: db).filter(\.$session.$id ~~ sessions).filter(\.$status == .seated)
                    .filter(\.$attended == nil).all(\.$session.$id)
                // The oldest first: that is where to start.
                if let first = open.min() { out += Waiting.count(Set(open).count, "todo_attendance", SiteURL.session(first)) }
            }
        }
        let claims = try await StudyClaim.query(on: db).filter(\.$status ~~ [.submitted, .managerApproved]).limit(1_000).with(\.$member).all()
        out += Waiting.count(claims.filter { StudyPermissions.mayDecide($0, account, me: me) }.count, "todo_claims", SiteURL.claims())
        if PromotionPermissions.mayDecide(account.roleValue) {
            let applications = try await EventApplication.query(on: db).filter(\.$status == .requested).limit(1_000).with(\.$member).all()
            out += Waiting.count(applications.filter { Permissions.mayDecide(account, me: me, about: $0.member) }.count, "todo_applications", SiteURL.events())
        }
        return out
    }
}
