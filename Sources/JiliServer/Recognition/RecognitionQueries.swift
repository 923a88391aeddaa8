import Fluent
import Foundation

/// The reads of recognition — goals, activities, contests, champions, titles, the praise wall, what
/// motivates a member — that its pages and its API share.
struct RecognitionQueries {
    let db: any Database

    // Goals

    /// Which goals a list holds: those the visitor sees, or only the visitor's own and those of the
    /// teams they belong to (the dashboard).
    enum GoalSelection { case visible, mine }

    /// The goals of `windows` in `selection`, with their members and departments. The choice is made in
    /// the query, so a team with many goals cannot push one's own out of the list's limit.
    func goals(windows: [String], account: Account, me: Member?, selection: GoalSelection) async throws -> [Goal] {
        var query = Goal.query(on: db).filter(\.$period ~~ windows)
            .join(Member.self, on: \Goal.$member.$id == \Member.$id, method: .left)
        switch selection {
        case .visible:
            switch Permissions.memberScope(account, member: me) {
            case .all?: break
            case .department(let d)?:
                query = query.group(.or) { $0.filter(\.$scope ~~ ["team", "department"]).filter(Member.self, \.$department.$id == d) }
            case .subtree(let path)?, .selfAndDownlineSummary(let path)?:
                query = query.group(.or) { $0.filter(\.$scope ~~ ["team", "department"]).filter(Member.self, \.$path =~ path) }
            case nil:
                query = query.filter(\.$scope ~~ ["team", "department"])
            }
        case .mine:
            let department = account.$department.id ?? me?.$department.id
            // The members above one in the tree (and oneself), from one's path: their teams hold one.
            let line = (me?.path ?? "").split(separator: "/").compactMap { Int($0) }
            query = query.group(.or) { or in
                or.filter(\.$scope == "team")
                if let me { or.group(.and) { $0.filter(\.$scope == "member").filter(\.$member.$id == me.id!) } }
                if !line.isEmpty { or.group(.and) { $0.filter(\.$scope == "subtree").filter(\.$member.$id ~~ line) } }
                if let department { or.group(.and) { $0.filter(\.$scope == "department").filter(\.$department.$id == department) } }
            }
        }
        return try await query.with(\.$member).with(\.$department).sort(\.$scope).sort(\.$id).limit(500).all()
    }

    /// The active members of a department or of a member's team (a group goal's members).
    func activeMembers(department: Department?, under member: Member?) async throws -> [Member] {
        var members = Member.query(on: db).filter(\.$status == .active)
        if let d = department { members = members.filter(\.$department.$id == d.id) }
        if let m = member { members = members.filter(\.$path =~ m.path) }
        return try await members.all()
    }

    // Activities

    func activityKinds() async throws -> [ActivityKind] { try await ActivityKind.query(on: db).sort(\.$id).all() }
    /// Counted activities by code: their names.
    func activityNames() async throws -> [String: String] {
        Dictionary(try await ActivityKind.query(on: db).all().map { ($0.code, $0.name) }, uniquingKeysWith: { a, _ in a })
    }
    /// The latest records someone sees: an agent their own, a manager their scope's.
    func activities(account: Account, me: Member?) async throws -> [Activity] {
        var query = Activity.query(on: db).join(Member.self, on: \Activity.$member.$id == \Member.$id)
        switch Permissions.memberScope(account, member: me) {
        case .selfAndDownlineSummary?: query = query.filter(\.$member.$id == (me?.id ?? -1))
        case let scope?: query = scope.apply(joined: query)
        case nil: query = query.filter(\.$id == -1)
        }
        return try await query.sort(\.$day, .descending).sort(\.$id, .descending).limit(100).with(\.$member).all()
    }

    // Contests and champions

    /// A member's own monthly volume goals (fen) for these months.
    func monthGoals(of member: Member, periods: [String]) async throws -> [String: Int64] {
        let goals = try await Goal.query(on: db).filter(\.$scope == "member").filter(\.$member.$id == member.id!).filter(\.$metric == "volume")
            .filter(\.$period ~~ periods).all()
        return Dictionary(goals.map { ($0.period, $0.target) }, uniquingKeysWith: { a, _ in a })
    }
    func contests() async throws -> [Contest] { try await Contest.query(on: db).sort(\.$endsOn, .descending).sort(\.$id, .descending).limit(100).all() }
    /// What a contest's prize can be: a title, or an item of the catalogue that is a product or a prize.
    func titles() async throws -> [Title] { try await Title.query(on: db).sort(\.$id).all() }
    func prizeItems() async throws -> [RewardItem] {
        try await RewardItem.query(on: db).filter(\.$kind ~~ ["product", "prize"]).filter(\.$active == true).sort(\.$id).all()
    }
    /// A winner's choices still open in a contest.
    func openChoices(in contest: Contest, of member: Member) async throws -> [PrizeChoice] {
        try await PrizeChoice.query(on: db).filter(\.$contest.$id == contest.id!).filter(\.$member.$id == member.id!).filter(\.$status == .open).all()
    }
    func choice(_ id: Int, in contest: Int?, of member: Member) async throws -> PrizeChoice? {
        try await PrizeChoice.query(on: db).filter(\.$id == id).filter(\.$member.$id == member.id!).filter(\.$contest.$id == (contest ?? -1)).first()
    }
    /// Champion honours, the latest windows first and by rank.
    func champions() async throws -> [Honor] {
        try await Honor.query(on: db).filter(\.$kind == "champion").with(\.$member).sort(\.$window, .descending).sort(\.$rank).all()
    }

    // Titles

    func title(_ id: Int?) async throws -> Title? { try await Title.find(id, on: db) }
    /// The latest titles given, with their members.
    func titlesGiven() async throws -> [Honor] {
        try await Honor.query(on: db).filter(\.$kind == "title").with(\.$member).sort(\.$id, .descending).limit(500).all()
    }
    func pendingNominations() async throws -> [TitleNomination] {
        try await TitleNomination.query(on: db).filter(\.$status == .pending).with(\.$title).with(\.$member).sort(\.$id).all()
    }
    func nomination(_ id: Int?) async throws -> TitleNomination? { try await TitleNomination.find(id, on: db) }

    // The praise wall

    /// A page of the wall: the pinned posts first (on the first page), then the newest before `before`;
    /// hidden ones only for moderators. One more than `perPage` is read, to know whether there is more.
    func wall(moderator: Bool, before: Int?, perPage: Int) async throws -> (pinned: [WallPost], newest: [WallPost]) {
        func visible(_ q: QueryBuilder<WallPost>) -> QueryBuilder<WallPost> { moderator ? q : q.filter(\.$hiddenAt == nil) }
        let pinned = before == nil ? try await visible(WallPost.query(on: db)).filter(\.$pinned == true).sort(\.$id, .descending).with(\.$member).all() : []
        var newest = visible(WallPost.query(on: db)).filter(\.$pinned == false).sort(\.$id, .descending).with(\.$member)
        if let before { newest = newest.filter(\.$id < before) }
        return (pinned, try await newest.limit(perPage + 1).all())
    }
    func reactions(to ids: [Int]) async throws -> [WallReaction] {
        ids.isEmpty ? [] : try await WallReaction.query(on: db).filter(\.$post.$id ~~ ids).all()
    }
    func comments(on ids: [Int]) async throws -> [WallComment] {
        ids.isEmpty ? [] : try await WallComment.query(on: db).filter(\.$post.$id ~~ ids).sort(\.$id).all()
    }
    func post(_ id: Int?) async throws -> WallPost? { try await WallPost.find(id, on: db) }
    func post(photo name: String) async throws -> WallPost? { try await WallPost.query(on: db).filter(\.$photo == name).first() }
    func comment(_ id: Int?) async throws -> WallComment? { try await WallComment.find(id, on: db) }

    // Motivation

    func motivation(of member: Member) async throws -> MotivationProfile? {
        try await MotivationProfile.query(on: db).filter(\.$member.$id == member.id!).first()
    }
}
