import Fluent

extension PointsQueries {
    /// What waits in the rewards catalogue for `account`: redemptions to approve (a manager's scope),
    /// and approved ones to hand over (the warehouse the goods, finance the cash).
    func waiting(for account: Account, me: Member?) async throws -> [Waiting] {
        let role = account.roleValue
        guard RewardPermissions.maySeeQueue(role) else { return [] }
        let queue = try await redemptionsWaiting(in: [.salesManager, .departmentManager].contains(role) ? Permissions.memberScope(account, member: me) : nil)
        let scope = Permissions.memberScope(account, member: me)
        let approve = queue.filter { $0.status == .requested && RewardPermissions.mayApproveAny(role) && (scope?.contains($0.member) ?? false) }
        let handOver = queue.filter { $0.status == .approved && RewardPermissions.mayHandOver(role, kind: $0.item.kind) }
        return Waiting.count(approve.count, "todo_redemptions_approve", SiteURL.redemptions())
            + Waiting.count(handOver.count, "todo_redemptions_hand_over", SiteURL.redemptions())
    }
}
