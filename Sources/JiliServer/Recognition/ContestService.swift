import Fluent
import Foundation
import JiliCore
import SQLKit

/// Contests: created with their prizes, ranked live from the orders by JiliCore's `Ranking`, and
/// frozen once after their last day — results kept, cash prizes entered in the ledger (each member
/// at a prized rank is paid; ties share the rank and each gets its prize), all in one transaction.
struct ContestService {
    let db: any Database
    let clock: JiliClock

    enum Kind: String, CaseIterable { case individual, department, subtree }
    enum Metric: String, CaseIterable { case volume, orders, new_customers, growth }

    struct Standing: Equatable, Sendable {
        /// `m10`, `department:3`, `subtree:m3`.
        var subject: String
        var label: String
        var value: Int64
        var rank: Int
    }

    struct PrizeInput {
        var rank: Int
        var text: String
        var cashFen: Int64
        /// An honor title given to the winners.
        var titleID: Int? = nil
        /// Points each winner earns, and an item of the rewards catalogue each receives.
        var points: Int64 = 0
        var itemID: Int? = nil
        /// The winner chooses one of the cash, the points and the item.
        var choice = false
    }

    /// The contest's instants: from its first day's midnight to the midnight after its last day.
    func window(_ c: Contest) -> (start: Date, end: Date) {
        let cal = PlanClock(timeZone: clock.timeZone)
        let start = cal.instant(fromWall: (Dates.day(c.startsOn) ?? 0) * 86_400)
        let end = cal.instant(fromWall: ((Dates.day(c.endsOn) ?? 0) + 1) * 86_400)
        return (Date(timeIntervalSince1970: Double(start)), Date(timeIntervalSince1970: Double(end)))
    }

    /// A contest as its form (or a caller) gives it; what could not be read is nil, its problem
    /// already said by the one who read it.
    struct Input {
        var name: String
        var kind: Kind?
        var metric: Metric?
        /// First and last day, days since 1970-01-01, both counted.
        var startsOn: Int64?
        var endsOn: Int64?
        var tiers: [String] = []
        /// Team heads' member codes (a `subtree` contest).
        var teams: [String] = []
        /// A members' contest's scope: "" (the whole team), `department:3`, or `subtree:m3`.
        var scope: String = ""
        var ranksOrganisers = false
        var prizes: [PrizeInput] = []
    }

    /// A contest from its first to its last day (days since 1970-01-01), both counted.
    func create(name: String, kind: Kind, metric: Metric, startsOn first: Int64, endsOn last: Int64, tiers: [String], teams: [String],
                prizes: [PrizeInput], scope: String = "", ranksOrganisers: Bool = false, by actor: Actor) async throws -> Contest {
        try await create(Input(name: name, kind: kind, metric: metric, startsOn: first, endsOn: last, tiers: tiers, teams: teams, scope: scope,
                               ranksOrganisers: ranksOrganisers, prizes: prizes), by: actor)
    }

    /// Every problem of the input, each with its field: a contest is refused once, with all of them.
    func problems(_ i: Input) async throws -> (problems: [Refusal], heads: [Member]) {
        var out: [Refusal] = []
        let title = i.name.trimmingCharacters(in: .whitespaces)
        if title.isEmpty || title.count > 100 { out.append(Refusal(key: "contest_error_name", field: "name")) }
        if i.kind == nil { out.append(Refusal(key: "contest_error_kind", field: "kind")) }
        if i.metric == nil { out.append(Refusal(key: "contest_error_metric", field: "metric")) }
        if let first = i.startsOn, let last = i.endsOn {
            if last < first {
                out.append(Refusal(key: "contest_error_order", values: ["start": Dates.text(first), "end": Dates.text(last)], field: "ends"))
            } else if last - first >= 366 {
                out.append(Refusal(key: "contest_error_length", field: "ends"))
            }
        }
        for t in i.tiers where !Tiers.ids.contains(t) { out.append(Refusal(key: "contest_error_tier", values: ["value": t])) }
        var heads: [Member] = []
        if i.kind == .subtree {
            for code in i.teams.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ !$0.isEmpty }) {
                if let m = try await TeamQueries(db: db).member(code: code) { heads.append(m) } else {
                    out.append(Refusal(key: "contest_error_team", values: ["value": code], field: "teams"))
                }
            }
            if heads.count < 2 && !out.contains(where: { $0.field == "teams" }) { out.append(Refusal(key: "contest_error_teams", field: "teams")) }
        }
        if !i.scope.isEmpty {
            if i.kind != .individual {
                out.append(Refusal(key: "contest_error_scope_kind", field: "scope"))
            } else if i.scope.hasPrefix("department:") {
                if try await Department.find(Int(i.scope.dropFirst("department:".count)), on: db) == nil { out.append(Refusal(key: "contest_error_scope", field: "scope")) }
            } else if i.scope.hasPrefix("subtree:") {
                let code = String(i.scope.dropFirst("subtree:".count))
                if code.isEmpty {
                    out.append(Refusal(key: "contest_error_scope_member_missing", field: "scope_member"))
                } else if try await TeamQueries(db: db).member(code: code) == nil {
                    out.append(Refusal(key: "contest_error_team", values: ["value": code], field: "scope_member"))
                }
            } else {
                out.append(Refusal(key: "contest_error_scope", field: "scope"))
            }
        }
        var ranks = Set<Int>()
        for p in i.prizes {
            if p.rank < 1 || !ranks.insert(p.rank).inserted { out.append(Refusal(key: "contest_error_prize_rank", values: ["value": "\(p.rank)"])) }
            if p.cashFen < 0 || p.cashFen > OrderService.maximumFen {
                out.append(Refusal(key: "contest_error_prize_cash", values: ["rank": "\(p.rank)"], field: "cash\(p.rank)"))
            }
            if let id = p.titleID, try await Title.find(id, on: db) == nil {
                out.append(Refusal(key: "contest_error_prize_title", values: ["value": "\(id)"], field: "title\(p.rank)"))
            }
            if !(0...1_000_000).contains(p.points) {
                out.append(Refusal(key: "contest_error_prize_points", values: ["rank": "\(p.rank)"], field: "points\(p.rank)"))
            }
            if let id = p.itemID {
                let item = try await RewardItem.find(id, on: db)
                if item == nil || !["product", "prize"].contains(item!.kind) {
                    out.append(Refusal(key: "contest_error_prize_item", values: ["value": "\(id)"], field: "item\(p.rank)"))
                }
            }
        }
        return (out, heads)
    }

    func create(_ i: Input, by actor: Actor) async throws -> Contest {
        let (problems, heads) = try await problems(i)
        if let refusal = Refusal.all(problems) { throw refusal }
        guard let kind = i.kind, let metric = i.metric, let first = i.startsOn, let last = i.endsOn else { throw Refusal(key: "contest_error_date") }
        let title = i.name.trimmingCharacters(in: .whitespaces)
        let (startsOn, endsOn) = (Dates.text(first), Dates.text(last))
        let (tiers, prizes) = (i.tiers, i.prizes)
        let now = clock.now()
        let contest = Contest()
        contest.name = title
        contest.kind = kind.rawValue
        contest.metric = metric.rawValue
        contest.startsOn = startsOn
        contest.endsOn = endsOn
        contest.tiers = tiers.joined(separator: ",")
        contest.scope = kind == .individual ? i.scope : ""
        contest.ranksOrganisers = i.ranksOrganisers
        contest.status = .open
        contest.createdBy = actor.name
        contest.createdAt = now
        let (chosenHeads, chosenPrizes) = (heads, prizes)
        try await db.transaction { db in
            try await contest.create(on: db)
            for h in chosenHeads {
                let t = ContestTeam()
                t.$contest.id = contest.id!
                t.$member.id = h.id!
                try await t.create(on: db)
            }
            for p in chosenPrizes {
                let row = ContestPrize()
                row.$contest.id = contest.id!
                row.rank = p.rank
                row.text = p.text.trimmingCharacters(in: .whitespaces)
                row.cashFen = p.cashFen
                row.$title.id = p.titleID
                row.points = p.points
                row.$item.id = p.itemID
                row.choice = p.choice
                try await row.create(on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "contest", id: "\(contest.id!)", before: nil,
                                   after: ["name": title, "kind": kind.rawValue, "metric": metric.rawValue,
                                           "window": "\(contest.startsOn)…\(contest.endsOn)", "scope": contest.scope,
                                           "ranks_organisers": contest.ranksOrganisers ? "yes" : "no"])
        }
        return contest
    }

    // MARK: Standings

    /// Everyone ranked now (or, once frozen, as frozen).
    func standings(_ c: Contest) async throws -> [Standing] {
        if c.status == .frozen {
            return try await ContestResult.query(on: db).filter(\.$contest.$id == c.id!).sort(\.$rank).sort(\.$subject).all()
                .map { Standing(subject: $0.subject, label: $0.label, value: $0.value, rank: $0.rank) }
        }
        return try await compute(c)
    }

    func compute(_ c: Contest) async throws -> [Standing] {
        guard let kind = Kind(rawValue: c.kind), let metric = Metric(rawValue: c.metric) else { return [] }
        let (start, end) = window(c)
        var values: [String: Int64]
        var labels: [String: String] = [:]
        switch metric {
        case .growth:
            let before = start.addingTimeInterval(-end.timeIntervalSince(start))
            let now = try await measure(c, kind: kind, metric: .volume, from: start, to: end, labels: &labels)
            let then = try await measure(c, kind: kind, metric: .volume, from: before, to: start, labels: &labels)
            // Growth in basis points over the same length before; who sold nothing before is not ranked.
            values = [:]
            for (subject, previous) in then {
                values[subject] = Ranking.growth(from: previous, to: now[subject] ?? 0)
            }
        default:
            values = try await measure(c, kind: kind, metric: metric, from: start, to: end, labels: &labels)
        }
        return Ranking.rank(values.map { (id: $0.key, value: $0.value) })
            .map { Standing(subject: $0.id, label: labels[$0.id] ?? $0.id, value: $0.value, rank: $0.rank) }
    }

    /// The metric by subject over [from, to): members, departments or teams.
    private func measure(_ c: Contest, kind: Kind, metric: Metric, from: Date, to: Date, labels: inout [String: String]) async throws -> [String: Int64] {
        let sql = db.sql
        // The people who run contests do not compete in them (their sales count for no one) unless the contest says so.
        let organisers = c.ranksOrganisers ? [] : try await organiserIDs()
        func base() -> SQLSelectBuilder {
            let measure: SalesSQL.Measure = switch metric { case .orders: .orders; case .new_customers: .newCustomers; default: .volume }
            var q = SalesSQL.activeSellers(SalesSQL.orders(sql, measure: measure))
                .where(SQLColumn("paid_at", table: "o"), .greaterThanOrEqual, SQLBind(from))
                .where(SQLColumn("paid_at", table: "o"), .lessThan, SQLBind(to))
            if !organisers.isEmpty { q = q.where(SQLColumn("id", table: "m"), .notIn, SQLBind.group(organisers)) }
            return q
        }
        var out: [String: Int64] = [:]
        switch kind {
        case .individual:
            var q = base().column(SQLColumn("code", table: "m"), as: "code").column(SQLColumn("name", table: "m"), as: "name")
                .groupBy(SQLColumn("code", table: "m")).groupBy(SQLColumn("name", table: "m"))
            let tiers = c.tiers.split(separator: ",").map(String.init)
            if !tiers.isEmpty { q = q.where(SQLColumn("tier", table: "m"), .in, SQLBind.group(tiers)) }
            if c.scope.hasPrefix("department:"), let d = Int(c.scope.dropFirst("department:".count)) {
                q = q.where(SQLColumn("department_id", table: "m"), .equal, SQLBind(d))
            } else if c.scope.hasPrefix("subtree:"), let head = try await TeamQueries(db: db).member(code: String(c.scope.dropFirst("subtree:".count))) {
                q = q.where(SQLColumn("path", table: "m"), .like, SQLBind(head.path + "%"))
            }
            for row in try await q.all() {
                let code = try row.decode(column: "code", as: String.self)
                out[code] = try row.decode(column: "n", as: Int64.self)
                labels[code] = "\(try row.decode(column: "name", as: String.self)) (\(code))"
            }
        case .department:
            let names = Dictionary(uniqueKeysWithValues: try await Department.query(on: db).all().map { ($0.id!, $0.name) })
            for row in try await base().column(SQLColumn("department_id", table: "m"), as: "d").where(SQLColumn("department_id", table: "m"), .isNot, SQLLiteral.null)
                .groupBy(SQLColumn("department_id", table: "m")).all() {
                let d = try row.decode(column: "d", as: Int.self)
                out["department:\(d)"] = try row.decode(column: "n", as: Int64.self)
                labels["department:\(d)"] = names[d] ?? "\(d)"
            }
        case .subtree:
            for team in try await ContestTeam.query(on: db).filter(\.$contest.$id == c.id!).with(\.$member).all() {
                let head = team.member
                let row = try await base().where(SQLColumn("path", table: "m"), .like, SQLBind(head.path + "%")).first()
                out["subtree:\(head.code)"] = try row?.decode(column: "n", as: Int64?.self) ?? 0
                labels["subtree:\(head.code)"] = "\(head.name) (\(head.code))"
            }
        }
        return out
    }

    /// The members of the accounts that run contests: the leader and the operations director.
    func organiserIDs() async throws -> [Int] {
        try await Account.query(on: db).filter(\.$role ~~ [Role.leader.rawValue, Role.director.rawValue]).all().compactMap { $0.$member.id }
    }

    // MARK: Freezing

    /// Freezes a contest whose last day has passed: exactly once (a conditional update), results
    /// and cash prizes in one transaction. True when this call froze it.
    @discardableResult
    func freeze(_ c: Contest, by actor: Actor) async throws -> Bool {
        let now = clock.now()
        guard c.status == .open, now >= window(c).end else { return false }
        let standings = try await compute(c)
        let prizes = try await ContestPrize.query(on: db).filter(\.$contest.$id == c.id!).with(\.$title).with(\.$item).all()
        let pointsDays = try await PointsRule.query(on: db).filter(\.$trigger == "contest").first()?.validDays
        let heads = try await ContestTeam.query(on: db).filter(\.$contest.$id == c.id!).with(\.$member).all()
        let token = UUID().uuidString
        let froze = try await db.transaction { db -> Bool in
            try await Contest.query(on: db).filter(\.$id == c.id!).filter(\.$status == .open)
                .set(\.$status, to: .frozen).set(\.$frozenAt, to: now).set(\.$freezeID, to: token).update()
            guard try await Contest.find(c.id, on: db)?.freezeID == token else { return false }
            var rows: [ContestResult] = []
            for s in standings {
                let r = ContestResult()
                r.$contest.id = c.id!
                r.subject = s.subject
                r.label = s.label
                r.value = s.value
                r.rank = s.rank
                rows.append(r)
            }
            try await BatchInsert.insert(rows, on: db)
            // Cash: to each member at a prized rank (a team's prize to the member who leads it);
            // departments have no one to pay, so their prizes are not cash.
            /// Who receives a standing's prize: the member, or the member who leads the team.
            func winner(_ s: Standing) -> String? {
                switch c.kind {
                case "individual": s.subject
                case "subtree": heads.first { "subtree:\($0.member.code)" == s.subject }?.member.code
                default: nil
                }
            }
            var lines: [(String, Int64)] = []
            // A choice prize gives its cash, points or item once the winner has chosen (``choose``).
            for p in prizes where p.cashFen > 0 && !(p.choice && p.options.count > 1) {
                for s in standings where s.rank == p.rank {
                    if let member = winner(s) { lines.append(("payable:\(member)", -p.cashFen)) }
                }
            }
            if !lines.isEmpty {
                try await Ledger.post(on: db, at: now, kind: "prize", source: "contest:\(c.id!)", memo: "contest \(c.id!) \(c.name)",
                                      lines: lines + [("expense:prize", -lines.reduce(0) { $0 + $1.1 })])
            }
            // Each winner of a prize is told (and the outbox holds the WeChat message) and given the
            // prize's title, with the freeze.
            let titles = TitleService(db: db, clock: clock)
            var points: [Int: [PointsLedger.Earning]] = [:]
            for p in prizes {
                for s in standings where s.rank == p.rank {
                    guard let code = winner(s), let member = try await Member.query(on: db).filter(\.$code == code).first() else { continue }
                    let chooses = p.choice && p.options.count > 1
                    try await Notices.tell(member.id!, message: chooses ? "notice_prize_choose" : "notice_prize",
                                           values: ["contest": c.name, "rank": "\(s.rank)", "prize": p.summary(pointsWord: "积分", or: "或")],
                                           link: SiteURL.contest(c.id!), event: "prize:contest:\(c.id!):\(code)", at: now, on: db)
                    if let title = p.title {
                        try await titles.give(title, to: member, occasion: "contest:\(c.id!)", value: s.value,
                                              reason: "“\(c.name)”第 \(s.rank) 名", by: actor, on: db)
                    }
                    if chooses {
                        let choice = PrizeChoice()
                        choice.$contest.id = c.id!
                        choice.$prize.id = p.id!
                        choice.$member.id = member.id!
                        choice.rank = s.rank
                        choice.status = .open
                        try await choice.create(on: db)
                        continue
                    }
                    if p.points > 0 {
                        points[member.id!, default: []].append(.init(source: "contest-prize:\(c.id!)", rule: "contest_prize", points: p.points, validDays: pointsDays,
                                                                     reason: .init(key: "points_reason_contest", values: ["contest": c.name, "rank": "\(s.rank)"])))
                    }
                    if let item = p.item {
                        try await RewardService(db: db, clock: clock).award(item, to: member, reference: "contest:\(c.id!)", by: actor)
                    }
                }
            }
            // Points prizes, with the freeze (in its transaction).
            if !points.isEmpty {
                try await PointsLedger(db: db, clock: clock).settleWithin(points.mapValues { ($0, []) }, on: db)
            }
            try await PraiseWall.announce(.contest, message: "wall_contest",
                                          values: ["contest": c.name, "places": PraiseWall.places(standings.map { ($0.rank, $0.label) })],
                                          about: nil, link: SiteURL.contest(c.id!), event: "contest:\(c.id!)", at: now, on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "freeze", entity: "contest", id: "\(c.id!)", before: ["status": Contest.Status.open.rawValue],
                                   after: ["status": Contest.Status.frozen.rawValue, "ranked": "\(standings.count)",
                                           "cash": Money(fen: -lines.reduce(0) { $0 + $1.1 }).description])
            return true
        }
        if froze { c.status = .frozen; c.frozenAt = now }
        return froze
    }

    // MARK: Choices

    /// The winner's choice of a choice prize: its cash (into the ledger), its points or its item, once
    /// (a conditional update; a second choice is refused), audited.
    func choose(_ choice: PrizeChoice, option: String, by actor: Actor) async throws {
        let prize = try await ContestPrize.query(on: db).filter(\.$id == choice.$prize.id).with(\.$item).first()
        guard let prize, prize.options.contains(option) else { throw Refusal(key: "contest_error_choice") }
        let contest = try await choice.$contest.get(on: db)
        let member = try await choice.$member.get(on: db)
        let now = clock.now()
        let pointsDays = try await PointsRule.query(on: db).filter(\.$trigger == "contest").first()?.validDays
        let id = choice.id!
        try await db.transaction { db in
            let sql = db.sql
            let won = try await sql.raw("""
                UPDATE prize_choices SET status = \(bind: PrizeChoice.Status.chosen.rawValue), chosen = \(bind: option), chosen_at = \(bind: now)
                WHERE id = \(bind: id) AND status = \(bind: PrizeChoice.Status.open.rawValue) RETURNING id
                """).all()
            guard won.count == 1 else { throw Refusal(key: "contest_error_chosen") }
            switch option {
            case "cash":
                try await Ledger.post(on: db, at: now, kind: "prize", source: "contest:\(contest.id!)#\(member.code)", memo: "contest \(contest.id!) \(contest.name)",
                                      lines: [("expense:prize", prize.cashFen), ("payable:\(member.code)", -prize.cashFen)])
            case "points":
                try await PointsLedger(db: db, clock: clock).settleWithin([member.id!: ([.init(
                    source: "contest-prize:\(contest.id!)", rule: "contest_prize", points: prize.points, validDays: pointsDays,
                    reason: .init(key: "points_reason_contest", values: ["contest": contest.name, "rank": "\(choice.rank)"]))], [])], on: db)
            default:
                try await RewardService(db: db, clock: clock).award(prize.item!, to: member, reference: "contest:\(contest.id!)", by: actor)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "choose", entity: "prize_choice", id: "\(id)", before: ["status": PrizeChoice.Status.open.rawValue],
                                   after: ["status": PrizeChoice.Status.chosen.rawValue, "option": option])
        }
        choice.status = .chosen
        choice.chosen = option
    }

    /// Freezes every contest that has ended (the idempotent job: running it twice freezes nothing twice).
    func freezeEnded(by actor: Actor) async throws -> Int {
        var count = 0
        for c in try await Contest.query(on: db).filter(\.$status == .open).all() where try await freeze(c, by: actor) { count += 1 }
        return count
    }
}
