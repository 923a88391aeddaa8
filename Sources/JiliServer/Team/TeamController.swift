import Fluent
import JiliCore
import Vapor

/// The member list, a member's page and the team tree, each limited to what the viewer may see.
struct TeamController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.members, use: list)
        routes.get(SiteURL.member, use: member)
        routes.get(SiteURL.team, use: tree)
    }

    /// The viewer's scope, or 403.
    static func scope(_ req: Request) async throws -> (MemberScope, Member?) {
        let account = try req.account
        let me = try await req.member(of: account)
        guard let scope = Permissions.memberScope(account, member: me) else { throw Abort(.forbidden) }
        return (scope, me)
    }

    struct Row: Encodable {
        let code: String
        let name: String
        let tier: String
        let status: String
        let statusKey: String
        let department: String?
        let position: String?
        let phone: String?
    }

    struct ListPage: Encodable {
        let layout: Layout
        let q: String
        let tiers: [SelectOption]
        let statuses: [SelectOption]
        let departments: [SelectOption]
        let positions: [SelectOption]
        let rows: [Row]
        let total: Int
        let page: Int
        let pages: Int
        let previous: String?
        let next: String?
        let canEdit: Bool
    }

    @Sendable func list(req: Request) async throws -> View {
        let (scope, me) = try await Self.scope(req)
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        let tier = req.query[String.self, at: "tier"] ?? ""
        let status = req.query[String.self, at: "status"] ?? ""
        let department = req.query[Int.self, at: "department"]
        let position = req.query[Int.self, at: "position"]
        let page = min(max(1, req.query[Int.self, at: "page"] ?? 1), 1_000_000)
        let perPage = 50

        var byPhone = true
        if case .selfAndDownlineSummary = scope { byPhone = false }
        let queries = TeamQueries(db: req.db)
        let (total, members) = try await queries.members(in: scope, .init(text: q, byPhone: byPhone, tier: Tiers.ids.contains(tier) ? tier : nil,
                                                                           status: MemberStatus(rawValue: status), department: department, position: position),
                                                         page: page, perPage: perPage)
        let departments = try await queries.departments()
        let positions = try await queries.positions()
        let rows = members.map { m in
            Row(code: m.code, name: m.name, tier: req.t("tier_\(m.tier)"), status: req.t("status_\(m.status.rawValue)"), statusKey: m.status.rawValue,
                department: m.department?.name, position: m.position?.name,
                phone: scope.showsContact(of: m, viewer: me) ? m.phone : nil)
        }
        func link(_ p: Int) -> String {
            SiteURL.members(query: ["page": "\(p)", "q": q.isEmpty ? nil : q, "tier": tier.isEmpty ? nil : tier, "status": status.isEmpty ? nil : status,
                                    "department": department.map { "\($0)" }, "position": position.map { "\($0)" }])
        }
        let pages = max(1, (total + perPage - 1) / perPage)
        return try await req.view.render("team/list", ListPage(
            layout: Layout(req, title: req.t("members_title")), q: q,
            tiers: Tiers.ids.map { SelectOption(value: $0, label: req.t("tier_\($0)"), selected: $0 == tier) },
            statuses: MemberStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.t("status_\($0.rawValue)"), selected: $0.rawValue == status) },
            departments: departments.map { SelectOption(value: "\($0.id!)", label: $0.name, selected: $0.id == department) },
            positions: positions.map { SelectOption(value: "\($0.id!)", label: $0.name, selected: $0.id == position) },
            rows: rows, total: total, page: page, pages: pages,
            previous: page > 1 ? link(page - 1) : nil, next: page < pages ? link(page + 1) : nil,
            canEdit: TeamPermissions.mayEditMembers(try req.account.roleValue)))
    }

    struct Downline: Encodable {
        let code: String
        let name: String
        let tier: String
        let status: String
        let volume: String
    }

    struct MemberPage: Encodable {
        let layout: Layout
        let code: String
        let name: String
        let tier: String
        let status: String
        let phone: String?
        let joined: String
        let department: String?
        let position: String?
        let sponsorCode: String?
        let sponsorName: String?
        let sponsorVisible: Bool
        let thisMonth: String
        let lastMonth: String
        let thisPeriod: String
        let lastPeriod: String
        let downline: [Downline]
        let canEdit: Bool
        /// "2026-10 月度销售冠军 · 第 1 名", newest first.
        var honors: [String] = []
        /// What motivates the member, for those who may read it (nil: not shown); and suggestions.
        var motivation: String?
        var suggestions: [String] = []
        var showsMotivation = false
        /// Privileges and leave redeemed with points, with until when (for those who read what motivates them).
        var privileges: [String] = []
        /// Tier changes with their reasons, newest first.
        var tierHistory: [PromotionController.HistoryRow] = []
        /// Compliance cases, for those who keep them.
        var keepsCases = false
        var cases: [CaseRow] = []
    }

    struct CaseRow: Encodable {
        let id: Int
        let summary: String
        let opened: String
        let closed: String?
    }

    @Sendable func member(req: Request) async throws -> View {
        let (scope, me) = try await Self.scope(req)
        let code = req.parameters.get("code") ?? ""
        // Outside the viewer's scope a member does not exist for them: 404, not 403.
        let queries = TeamQueries(db: req.db)
        guard let m = try await queries.member(code: code), scope.contains(m) else { throw Abort(.notFound) }
        let clock = req.application.jiliClock
        let period = clock.currentPeriod
        let thisMonth = try await queries.volume(of: m, period: period.description)
        let lastMonth = try await queries.volume(of: m, period: period.previous.description)
        let children = try await queries.directMembers(of: m)
        let volumes = try await queries.volumes(of: children.compactMap(\.id), period: period.description)
        let account = try req.account
        let showsMotivation = MotivationPermissions.mayReadPersonal(account, me: me, of: m)
        let profile = showsMotivation ? try await queries.motivation(of: m) : nil
        let motivation = profile.map { MotivationController.summary($0, req) }
        var page = MemberPage(
            layout: Layout(req, title: m.name), code: m.code, name: m.name,
            tier: req.t("tier_\(m.tier)"), status: req.t("status_\(m.status)"),
            phone: scope.showsContact(of: m, viewer: me) ? m.phone : nil,
            joined: clock.format(m.joinedAt, "yyyy-MM-dd"),
            department: m.department?.name, position: m.position?.name,
            sponsorCode: m.sponsor?.code, sponsorName: m.sponsor?.name,
            sponsorVisible: m.sponsor.map { scope.contains($0) } ?? false,
            thisMonth: Money(fen: thisMonth).display, lastMonth: Money(fen: lastMonth).display,
            thisPeriod: period.description, lastPeriod: period.previous.description,
            downline: children.map { c in
                Downline(code: c.code, name: c.name, tier: req.t("tier_\(c.tier)"), status: req.t("status_\(c.status)"),
                         volume: Money(fen: volumes[c.id!] ?? 0).display)
            }, canEdit: TeamPermissions.mayEditMembers(try req.account.roleValue),
            honors: try await queries.honors(of: m).compactMap { h in
                if let t = h.title {
                    // A title: its icon and name, when and why, and its privilege while it lasts.
                    var text = "\(t.icon) \(t.name) · \(clock.format(h.awardedAt, "yyyy-MM-dd"))" + (h.reason.isEmpty ? "" : " · \(h.reason)")
                    if !t.privilege.isEmpty {
                        let lasts = h.privilegeUntil.map { clock.now() < $0 } ?? true
                        text += " · " + (h.privilegeUntil == nil ? t.privilege
                            : req.t(lasts ? "member_title_until" : "member_title_expired", ["privilege": t.privilege, "date": clock.format(h.privilegeUntil!, "yyyy-MM-dd")]))
                    }
                    return text
                }
                return GoalWindow(parsing: h.window).map { "♛ " + req.t("member_honor_champion", ["window": h.window, "kind": req.t("champion_\($0.kind.rawValue)"), "rank": "\(h.rank)"]) }
            })
        page.showsMotivation = showsMotivation
        page.motivation = motivation?.scores
        page.suggestions = motivation?.suggestions ?? []
        if showsMotivation {
            page.privileges = try await queries.privileges(of: m).map { r in
                    let from = r.handedAt ?? r.createdAt
                    let until = from.addingTimeInterval(Double(r.item.days) * 86_400)
                    return r.item.kind == "leave"
                        ? req.t("member_leave", ["name": r.item.name, "days": "\(r.item.days)", "status": req.t("reward_status_\(r.status)")])
                        : req.t(clock.now() < until ? "member_title_until" : "member_title_expired", ["privilege": r.item.name, "date": clock.format(until, "yyyy-MM-dd")])
                }
        }
        page.tierHistory = try await PromotionController.history(of: m, req)
        if Permissions.mayDecide(account, me: me, about: m) {
            page.keepsCases = true
            let cases = try await queries.complianceCases(of: m)
            let people = try await People.load(cases.flatMap { [$0.openedBy, $0.closedBy] }, on: req.db)
            page.cases = cases.map { c in
                CaseRow(id: c.id!, summary: c.summary, opened: "\(people.name(c.openedBy, req)) · \(clock.format(c.openedAt))",
                        closed: c.closedAt.map { "\(people.name(c.closedBy ?? "", req)) · \(clock.format($0))" + (c.resolution.isEmpty ? "" : " · \(c.resolution)") })
            }
        }
        return try await req.view.render("team/member", page)
    }

    struct TreePage: Encodable {
        let layout: Layout
        let period: String
        /// The nested lists, built here with every text escaped (Leaf cannot recurse).
        let treeHTML: String
        let parentCode: String?
        /// When the branch figures were computed.
        let computed: String
    }

    /// The viewer's subtree (or, for those who see everyone, the team from the top), three levels at a time.
    @Sendable func tree(req: Request) async throws -> View {
        let (scope, me) = try await Self.scope(req)
        let queries = TeamQueries(db: req.db)
        var root: Member
        if let code = req.query[String.self, at: "root"] {
            guard let m = try await queries.member(code: code), scope.contains(m) else { throw Abort(.notFound) }
            root = m
        } else if let me, case .subtree = scope {
            root = me
        } else if let me, case .selfAndDownlineSummary = scope {
            root = me
        } else {
            guard let top = try await queries.top() else { throw Abort(.notFound) }
            root = top
        }
        if case .department = scope, root.$sponsor.id == nil, let me { root = me }
        let period = req.application.jiliClock.currentPeriod
        // Branch figures as last computed (``TeamFigures``); children read level by level by sponsor.
        let figures = TeamFigures(db: req.db, clock: req.application.jiliClock)
        let computedAt = try await figures.computedAt(period.description)
        var branch = try await figures.branches([root.id!], period: period.description)
        var childrenOf: [Int: [Int]] = [:]
        // What is shown: three levels, the largest branches first, at most `perNode` under each and
        // `budget` in all (a page a phone can take); the rest is a link to its own tree.
        let perNode = 30, budget = 600
        func ordered(_ ids: [Int]) -> [Int] {
            ids.sorted { (branch[$0]?.sales ?? 0, -$0) > (branch[$1]?.sales ?? 0, -$1) }
        }
        var shown: Set<Int> = [root.id!]
        var level = [root.id!]
        for _ in 0..<3 {
            let kids = try await queries.children(of: level)
            branch.merge(try await figures.branches(kids.map(\.id), period: period.description)) { a, _ in a }
            for k in kids { childrenOf[k.sponsor, default: []].append(k.id) }
            var next: [Int] = []
            for id in level {
                for c in ordered(childrenOf[id] ?? []).prefix(perNode) where shown.count < budget {
                    shown.insert(c)
                    next.append(c)
                }
            }
            level = next
        }
        var members: [Int: Member] = [:]
        var icons: [Int: String] = [:]
        let ids = Array(shown)
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min(ids.count, $0 + 500)]) }) {
            for m in try await queries.members(chunk) { members[m.id!] = m }
            // The titles each member holds, as icons beside their name.
            for h in try await queries.titles(of: chunk) {
                if let t = h.title, !(icons[h.$member.id]?.contains(t.icon) ?? false) { icons[h.$member.id, default: ""] += t.icon }
            }
        }
        let people = req.t("team_headcount")
        let more = req.t("team_more")
        func node(_ id: Int, depth: Int) -> String {
            let b = branch[id] ?? TeamFigures.Figure(members: 1)
            let m = members[id]!
            let children = childrenOf[id] ?? []
            // The name opens the member; the branch's figures, beside it, open and close the branch (a
            // link inside a <summary> would be two controls in one).
            let label = "<a href=\"\(HTML.escape(SiteURL.member(m.code)))\">\(HTML.escape(m.name))</a>"
                + (icons[id].map { " <span class=\"badges\">\(HTML.escape($0))</span>" } ?? "")
                + " <span class=\"tier\">\(HTML.escape(req.t("tier_\(m.tier)")))</span>"
                + (m.status != .active ? " <span class=\"muted\">\(HTML.escape(req.t("status_\(m.status)")))</span>" : "")
            let figures = "<span class=\"figures\">\(b.members) \(HTML.escape(people)) · \(HTML.escape(Money(fen: b.sales).display))</span>"
            if b.members <= 1 && children.isEmpty { return "<li class=\"leaf\">\(label) \(figures)</li>" }
            let visible = ordered(children).filter { shown.contains($0) }
            if visible.isEmpty {
                return "<li class=\"leaf\">\(label) \(figures) <a class=\"more\" href=\"\(HTML.escape(SiteURL.team(query: ["root": m.code])))\">\(HTML.escape(more))</a></li>"
            }
            var items = visible.map { node($0, depth: depth + 1) }.joined()
            if visible.count < children.count {
                items += "<li class=\"leaf\"><a class=\"more\" href=\"\(HTML.escape(SiteURL.member(m.code)))\">"
                    + HTML.escape(req.t("team_others", ["n": "\(children.count - visible.count)"])) + "</a></li>"
            }
            return "<li>\(label) <details\(depth < 1 ? " open" : "")><summary>\(figures)</summary><ul>\(items)</ul></details></li>"
        }
        var parentCode: String?
        if let s = root.$sponsor.id, let sponsor = try await queries.member(s), scope.contains(sponsor) {
            parentCode = sponsor.code
        }
        return try await req.view.render("team/tree", TreePage(layout: Layout(req, title: req.t("team_title")),
                                                              period: period.description, treeHTML: "<ul class=\"tree\">" + node(root.id!, depth: 0) + "</ul>",
                                                              parentCode: parentCode,
                                                              computed: req.t(computedAt == nil ? "dashboard_team_pending" : "dashboard_team_computed",
                                                                              ["time": computedAt.map { req.application.jiliClock.format($0, "MM-dd HH:mm") } ?? ""])))
    }
}
