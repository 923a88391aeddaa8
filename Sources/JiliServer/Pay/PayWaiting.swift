import Fluent
import JiliCore

extension PayQueries {
    /// What waits in pay for `account`: questions to answer, the month that ended to compute or
    /// approve, transfers paid without their reference.
    func waiting(for account: Account, period: Period) async throws -> [Waiting] {
        let role = account.roleValue
        var out: [Waiting] = []
        if PayPermissions.mayAnswer(role) {
            out += Waiting.count(try await openDisputes(), "todo_disputes", SiteURL.disputes())
        }
        if PayPermissions.mayRun(role) {
            let ended = period.previous
            switch try await run(ended.description)?.status {
            case nil: out += Waiting.count(1, "todo_compute_month", SiteURL.pay(), ["period": ended.description])
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
