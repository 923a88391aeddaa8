import Fluent
import JiliCore

extension PromotionQueries {
    /// What waits in promotion: the month's proposals `account` decides, and for a member, the
    /// courses still to pass that their next tier asks for.
    func waiting(for account: Account, me: Member?, period: Period) async throws -> [Waiting] {
        var out: [Waiting] = []
        if PromotionPermissions.mayDecide(account.roleValue) {
            // The proposals of the evaluated month (the one that ended) are decided in this one.
            out += Waiting.count(try await decidableCount(account, me: me, period: period.previous.description), "todo_proposals", SiteURL.proposals())
        }
        if let me, let ladder = try await ladder()?.ladder, let here = ladder.index(of: me.tier), here + 1 < ladder.steps.count {
            let next = ladder.steps[here + 1]
            if let needed = next.reach.filter({ $0.kind == .courses }).map(\.target).max() {
                let passed = try await CoursePass.query(on: db).filter(\.$member.$id == me.id!).count()
                out += Waiting.count(Int(needed) - passed, "todo_courses", SiteURL.training(), ["tier": next.tier])
            }
        }
        return out
    }
}
