import Fluent
import Foundation
import JiliCore

/// A contest (团队竞赛): members against members, or teams (departments, or members' subtrees)
/// against each other, on a metric over dates; ranked live until its end, then frozen.
final class Contest: Model, @unchecked Sendable {
    static let schema = "contests"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "name") var name: String
    /// `individual`, `department` or `subtree`.
    @Field(key: "kind") var kind: String
    /// `volume`, `orders`, `new_customers` or `growth` (of volume over the same length before).
    @Field(key: "metric") var metric: String
    /// First and last day, `2026-11-01` and `2026-11-30`, in the team's time zone.
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "ends_on") var endsOn: String
    /// Tier ids that may take part (individual contests), comma-separated; empty for all.
    @Field(key: "tiers") var tiers: String
    /// Who takes part in a members' contest: the whole team (empty), `department:3`, or `subtree:m3`
    /// (the member and everyone under them).
    @Field(key: "scope") var scope: String
    /// Whether the people who run contests (the leader, the operations director) are ranked in it.
    @Field(key: "ranks_organisers") var ranksOrganisers: Bool
    @Field(key: "status") var status: Status
    @OptionalField(key: "frozen_at") var frozenAt: Date?
    /// Set by the freeze that won: a conditional update tells exactly one freezer it was them.
    @OptionalField(key: "freeze_id") var freezeID: String?
    @Field(key: "created_by") var createdBy: String
    @Field(key: "created_at") var createdAt: Date
    @Children(for: \.$contest) var prizes: [ContestPrize]
    @Children(for: \.$contest) var teams: [ContestTeam]

    init() {}

    /// Open (ranked live) or frozen (results kept).
    enum Status: String, StoredStatus {
        case open, frozen
    }
}

extension Contest {
    /// Listed as 即将开始 until its first day (in the team's time zone), not as live.
    func isUpcoming(today: String) -> Bool { status == .open && startsOn > today }
}

/// What a rank wins: a description (a product, a trip), cash paid through the ledger, and an honor
/// title given when the contest freezes.
final class ContestPrize: Model, @unchecked Sendable {
    static let schema = "contest_prizes"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "contest_id") var contest: Contest
    @Field(key: "rank") var rank: Int
    @Field(key: "description") var text: String
    @Field(key: "cash_fen") var cashFen: Int64
    @OptionalParent(key: "title_id") var title: Title?
    /// Points earned by each winner.
    @Field(key: "points") var points: Int64
    /// An item of the rewards catalogue each winner receives (its stock is reserved at the freeze).
    @OptionalParent(key: "reward_item_id") var item: RewardItem?
    /// The winner chooses one of the cash, the points and the item (the text and the title are given).
    @Field(key: "choice") var choice: Bool

    init() {}

    /// The alternatives of a choice prize: `cash`, `points`, `item`.
    var options: [String] {
        [cashFen > 0 ? "cash" : nil, points > 0 ? "points" : nil, $item.id != nil ? "item" : nil].compactMap { $0 }
    }

    /// "华为平板 + ¥1,000.00 + 500 积分 + 蓝牙耳机 + ★ 最佳团队成员" (the title and the item when they
    /// were loaded with the prize); `pointsWord` in the reader's language.
    func summary(pointsWord: String, or orWord: String = "/") -> String {
        let alternatives = [cashFen > 0 ? Money(fen: cashFen).display : "", points > 0 ? "\(points) \(pointsWord)" : "", ($item.value ?? nil)?.name ?? ""]
            .filter { !$0.isEmpty }
        let given = choice && alternatives.count > 1 ? [alternatives.joined(separator: " \(orWord) ")] : alternatives
        return ([text] + given + [($title.value ?? nil).map { "\($0.icon) \($0.name)" } ?? ""]).filter { !$0.isEmpty }.joined(separator: " + ")
    }
}

/// A team of a `subtree` contest: a member and everyone under them.
final class ContestTeam: Model, @unchecked Sendable {
    static let schema = "contest_teams"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "contest_id") var contest: Contest
    @Parent(key: "member_id") var member: Member

    init() {}
}

/// A frozen result: the standing of a member, department or team at the contest's end.
final class ContestResult: Model, @unchecked Sendable {
    static let schema = "contest_results"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "contest_id") var contest: Contest
    /// `m10`, `department:3`, `subtree:m3`.
    @Field(key: "subject") var subject: String
    @Field(key: "label") var label: String
    @Field(key: "value") var value: Int64
    @Field(key: "rank") var rank: Int

    init() {}
}

/// A winner's choice of prize: open until they pick the cash, the points or the item.
final class PrizeChoice: Model, @unchecked Sendable {
    static let schema = "prize_choices"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "contest_id") var contest: Contest
    @Parent(key: "prize_id") var prize: ContestPrize
    @Parent(key: "member_id") var member: Member
    @Field(key: "rank") var rank: Int
    @Field(key: "status") var status: Status
    @OptionalField(key: "chosen") var chosen: String?
    @OptionalField(key: "chosen_at") var chosenAt: Date?

    init() {}

    /// Open until the winner chooses.
    enum Status: String, StoredStatus {
        case open, chosen
    }
}
