import Foundation

/// Where a person can go, and how the phone's bottom bar and the 更多 page show it: every page one
/// opens from the navigation is a ``Place`` in an ``Area``, shown to those who may open it. The bar
/// holds at most five items chosen for each role's daily work (``Navigation/bar(for:)``); 更多 lists
/// every area with its places and a short line each, and each area has its own list, so that every
/// page is two taps from home.
enum Navigation {
    enum Area: String, CaseIterable, Sendable {
        case mine, sales, recognition, growth, points, team, pay, admin

        var labelKey: String { "area_\(rawValue)" }
        var blurbKey: String { "area_\(rawValue)_blurb" }
    }

    struct Place: Sendable {
        let id: String
        let area: Area
        let href: String
        /// Whether this person may open it.
        let shows: @Sendable (Account) -> Bool

        var labelKey: String { "nav_\(id)" }
        var blurbKey: String { "more_\(id)" }
    }

    /// What a bar item opens: home, one place, an area's list, or 更多.
    enum BarItem: Equatable, Sendable {
        case home
        case place(String)
        case area(Area)
        case more
    }

    private static func member(_ a: Account) -> Bool { a.$member.id != nil }
    private static let everyone: @Sendable (Account) -> Bool = { _ in true }

    /// Every place, in the order the lists show them.
    static let places: [Place] = [
        // 我的
        Place(id: "notices", area: .mine, href: SiteURL.notices(), shows: member),
        Place(id: "balance", area: .mine, href: SiteURL.balance(), shows: member),
        Place(id: "payee", area: .mine, href: SiteURL.payee(), shows: member),
        Place(id: "motivation", area: .mine, href: SiteURL.motivation(), shows: member),
        Place(id: "password", area: .mine, href: SiteURL.password(), shows: everyone),
        // 业绩
        Place(id: "statements", area: .sales, href: SiteURL.statements(), shows: member),
        Place(id: "orders", area: .sales, href: SiteURL.orders(), shows: { Permissions.orderScope($0, member: nil) != nil || member($0) }),
        Place(id: "goals", area: .sales, href: SiteURL.goals(), shows: everyone),
        Place(id: "activities", area: .sales, href: SiteURL.activities(), shows: everyone),
        Place(id: "products", area: .sales, href: SiteURL.products(), shows: everyone),
        // 荣誉
        Place(id: "titles", area: .recognition, href: SiteURL.titles(), shows: everyone),
        Place(id: "wall", area: .recognition, href: SiteURL.wall(), shows: everyone),
        Place(id: "contests", area: .recognition, href: SiteURL.contests(), shows: everyone),
        Place(id: "champions", area: .recognition, href: SiteURL.champions(), shows: everyone),
        // 成长
        Place(id: "promotion", area: .growth, href: SiteURL.promotion(), shows: everyone),
        Place(id: "training", area: .growth, href: SiteURL.training(), shows: everyone),
        Place(id: "claims", area: .growth, href: SiteURL.claims(), shows: { member($0) || [.leader, .director, .finance].contains($0.roleValue) }),
        Place(id: "events", area: .growth, href: SiteURL.events(), shows: everyone),
        // 积分与分红
        Place(id: "points", area: .points, href: SiteURL.points(), shows: member),
        Place(id: "rewards", area: .points, href: SiteURL.rewards(), shows: everyone),
        Place(id: "redemptions", area: .points, href: SiteURL.redemptions(), shows: { RewardPermissions.maySeeQueue($0.roleValue) }),
        Place(id: "profit", area: .points, href: SiteURL.profit(), shows: { member($0) || ProfitPermissions.mayCreate($0.roleValue) }),
        // 团队
        Place(id: "team", area: .team, href: SiteURL.team(), shows: { Permissions.memberScope($0, member: nil) != nil || member($0) }),
        Place(id: "members", area: .team, href: SiteURL.members(), shows: { Permissions.memberScope($0, member: nil) != nil || member($0) }),
        Place(id: "org", area: .team, href: SiteURL.org(), shows: everyone),
        Place(id: "accounts", area: .team, href: SiteURL.accounts(), shows: { AuthPermissions.mayInvite($0.roleValue) }),
        // 结算与付款
        Place(id: "pay", area: .pay, href: SiteURL.pay(), shows: { PayPermissions.mayRun($0.roleValue) }),
        Place(id: "payouts", area: .pay, href: SiteURL.payouts(), shows: { PayPermissions.mayPay($0.roleValue) }),
        Place(id: "disputes", area: .pay, href: SiteURL.disputes(), shows: { PayPermissions.mayAnswer($0.roleValue) }),
        // 管理
        Place(id: "import", area: .admin, href: SiteURL.imports(),
              shows: { a in ImportService.Kind.allCases.contains { ImportExportPermissions.mayImport(a.roleValue, $0) } }),
        Place(id: "messages", area: .admin, href: SiteURL.messages(), shows: { MessagePermissions.mayReadOutbox($0.roleValue) }),
        Place(id: "tokens", area: .admin, href: SiteURL.tokens(), shows: { AuthPermissions.mayManageTokens($0.roleValue) }),
        Place(id: "audit", area: .admin, href: SiteURL.audit(), shows: { AuthPermissions.mayReadAudit($0.roleValue) }),
    ]

    static func place(_ id: String) -> Place? { places.first { $0.id == id } }

    /// The places `account` may open, area by area, areas with none left out.
    static func areas(for account: Account) -> [(area: Area, places: [Place])] {
        Area.allCases.compactMap { area in
            let shown = places.filter { $0.area == area && $0.shows(account) }
            return shown.isEmpty ? nil : (area, shown)
        }
    }

    /// The bottom bar of a role, at most five items: home first, 更多 (我的 for members) last.
    static func bar(for role: Role) -> [BarItem] {
        switch role {
        case .agent: [.home, .area(.sales), .area(.recognition), .area(.growth), .more]
        case .salesManager, .departmentManager: [.home, .place("team"), .area(.sales), .area(.recognition), .more]
        case .leader, .director: [.home, .place("team"), .place("pay"), .area(.recognition), .more]
        case .finance: [.home, .place("pay"), .place("payouts"), .place("disputes"), .more]
        case .customerService: [.home, .place("orders"), .place("members"), .area(.recognition), .more]
        case .trainer: [.home, .place("training"), .place("events"), .area(.recognition), .more]
        case .warehouse: [.home, .place("redemptions"), .place("rewards"), .more]
        }
    }

    /// The label key of 更多: 我的 for those who are members (their own things are there), 更多 for staff.
    static func moreKey(for account: Account) -> String { account.$member.id != nil ? "nav_mine" : "nav_more" }

    /// The bar item a page belongs to: the place whose address holds the path (the longest one: a
    /// redemption's page is in 兑换处理, not 积分兑换), then its area, then 更多.
    static func active(path: String, account: Account) -> BarItem? {
        func inside(_ href: String) -> Bool { path == href || path.hasPrefix(href + "/") }
        let bar = bar(for: account.roleValue)
        if inside(SiteURL.dashboard()) { return .home }
        if inside(SiteURL.more()) {
            let area = path.dropFirst(SiteURL.more().count + 1)
            if let area = Area(rawValue: String(area)), bar.contains(.area(area)) { return .area(area) }
            return .more
        }
        guard let place = places.filter({ inside($0.href) }).max(by: { $0.href.count < $1.href.count }) else { return nil }
        if bar.contains(.place(place.id)) { return .place(place.id) }
        if bar.contains(.area(place.area)) { return .area(place.area) }
        return .more
    }
}
