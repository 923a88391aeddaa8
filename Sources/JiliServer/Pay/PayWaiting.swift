import Fluent
import JiliCore

extension PayQueries {
    /// What waits in pay for `account`: payee details to give (owed, and none given), questions to
    /// answer, the month that ended to compute or approve, transfers paid without their reference.
    func waiting(for account: Account, me: Member?, period: Period, clock: JiliClock) async throws -> [Waiting] {
        let role = account.roleValue
        var out: [Waiting] = []
        // A member owed money without payee details cannot be paid: they are asked for them.
        if let me, try await payee(of: me) == nil {
            let owed = try await PayoutService(db: db, clock: clock).owed(of: me.code)
            out += Waiting.count(owed > 0 ? 1 : 0, "todo_payee", SiteURL.payee(), ["amount": Money(fen: owed).display])
        }
        if PayPermissions.mayAnswer(role) {
            out += Waiting.count(try await openDisputes(), "todo_disputes", SiteURL.disputes())
        }
        if PayPermissions.mayRun(role) {
            let ended = period.previous
            // Only the run's state (not its result document): none, a draft of before the month ended
            // (to compute again), a draft to approve, or approved.
            let run = try await PayRun.query(on: db).filter(\.$period == ended.description).field(\.$id).field(\.$period).field(\.$status).field(\.$computedAt).first()
            switch run?.status {
            case nil: out += Waiting.count(1, "todo_compute_month", SiteURL.pay(), ["period": ended.description])
            case .draft where run!.isEstimate(clock): out += Waiting.count(1, "todo_compute_month", SiteURL.run(ended.description), ["period": ended.description])
            case .draft: out += Waiting.count(1, "todo_approve_month", SiteURL.run(ended.description), ["period": ended.description])
            case .approved: break
            }
        }
        if PayPermissions.mayPay(role) {
            out += Waiting.count(try await PayoutTransfer.query(on: db).filter(\.$reference == "").count(), "todo_references", SiteURL.payouts())
        }
        return out
    }
}
