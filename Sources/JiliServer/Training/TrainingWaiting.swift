import Fluent
import Foundation

extension TrainingQueries {
    /// What waits in training for `account`: attendance to record for sessions that ended in the
    /// last 30 days, study claims to approve, applications to events to decide.
    func waiting(for account: Account, me: Member?, clock: JiliClock) async throws -> [Waiting] {
        let now = clock.now()
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
        // Claims for those who decide some (as the claims page asks: managers, finance, the leader),
        // counted over the same claims it lists.
        if [.finance, .leader].contains(account.roleValue) || PromotionPermissions.mayDecide(account.roleValue) {
            let claims = try await claimsWaiting()
            out += Waiting.count(claims.filter { StudyPermissions.mayDecide($0, account, me: me) }.count, "todo_claims", SiteURL.claims())
        }
        // Applications to events that have not ended: the events page decides those.
        if PromotionPermissions.mayDecide(account.roleValue) {
            let today = Dates.text(clock.today)
            let applications = try await EventApplication.query(on: db).filter(\.$status == .requested).limit(1_000).with(\.$member).with(\.$event).all()
            out += Waiting.count(applications.filter { today <= $0.event.endsOn && Permissions.mayDecide(account, me: me, about: $0.member) }.count,
                                 "todo_applications", SiteURL.events())
        }
        return out
    }
}
