import Fluent

extension RecognitionQueries {
    /// What waits in recognition: nominations for a title the leader confirms, and a winner's prizes
    /// still to choose.
    func waiting(for account: Account, me: Member?) async throws -> [Waiting] {
        var out: [Waiting] = []
        if account.roleValue == .leader {
            out += Waiting.count(try await TitleNomination.query(on: db).filter(\.$status == .pending).count(), "todo_nominations", SiteURL.titles())
        }
        if let me {
            let open = try await PrizeChoice.query(on: db).filter(\.$member.$id == me.id!).filter(\.$status == .open).all(\.$contest.$id)
            if let contest = open.first {
                out += Waiting.count(open.count, "todo_prize_choice", SiteURL.contest("\(contest)"))
            }
        }
        return out
    }
}
