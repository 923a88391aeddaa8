import Fluent
import JiliCore
import SQLKit
import Vapor

/// The tiers of the ladder, lowest first (their names are in the message catalogues as `tier_ID`).
enum Tiers {
    static let ids = ["vip", "agent", "general", "director"]
}

/// Read queries about the team that pages and the API share.
struct TeamQueries {
    let db: any Database

    /// The org chart: departments and positions in their order, and the members placed in them.
    struct OrgChart {
        let departments: [Department]
        let positions: [Position]
        let placed: [Member]
    }

    func orgChart() async throws -> OrgChart {
        let placed = try await Member.query(on: db).group(.or) { $0.filter(\.$department.$id != nil).filter(\.$position.$id != nil) }.sort(\.$id).all()
        return OrgChart(departments: try await Department.query(on: db).sort(\.$sort).all(),
                        positions: try await Position.query(on: db).sort(\.$sort).all(), placed: placed)
    }

    func department(_ id: Int?) async throws -> Department? { try await Department.find(id, on: db) }
    func position(_ id: Int?) async throws -> Position? { try await Position.find(id, on: db) }
    func departments() async throws -> [Department] { try await Department.query(on: db).sort(\.$sort).all() }
    func departmentsByName() async throws -> [Department] { try await Department.query(on: db).sort(\.$name).all() }
    func positions() async throws -> [Position] { try await Position.query(on: db).sort(\.$sort).all() }
    /// Positions with their departments, department by department.
    func positionsWithDepartments() async throws -> [Position] {
        try await Position.query(on: db).with(\.$department).sort(\.$department.$id).sort(\.$sort).all()
    }

    // Members

    /// What a list of members is narrowed to; nil is any.
    struct MemberFilter {
        var text: String?
        /// Searching by phone too (not for an agent's downline, whose contacts are not theirs).
        var byPhone = true
        var tier: String?
        var status: MemberStatus?
        var department: Int?
        var position: Int?
    }

    /// A page of the members in `scope` that match, by id, with their departments and positions; and
    /// how many match in all.
    func members(in scope: MemberScope, _ filter: MemberFilter, page: Int, perPage: Int) async throws -> (total: Int, members: [Member]) {
        var query = scope.apply(to: Member.query(on: db))
        if let q = filter.text, !q.isEmpty {
            query = query.group(.or) { g in
                g.filter(\.$name ~~ q).filter(\.$code ~~ q)
                if filter.byPhone { g.filter(\.$phone ~~ q) }
            }
        }
        if let tier = filter.tier { query = query.filter(\.$tier == tier) }
        if let status = filter.status { query = query.filter(\.$status == status) }
        if let department = filter.department { query = query.filter(\.$department.$id == department) }
        if let position = filter.position { query = query.filter(\.$position.$id == position) }
        let total = try await query.count()
        let members = try await query.sort(\.$id).range(((page - 1) * perPage)..<(page * perPage)).with(\.$department).with(\.$position).all()
        return (total, members)
    }

    /// The member with this code, with department, position and sponsor.
    func member(code: String) async throws -> Member? {
        try await Member.query(on: db).filter(\.$code == code).with(\.$department).with(\.$position).with(\.$sponsor).first()
    }
    func member(_ id: Int?) async throws -> Member? { try await Member.find(id, on: db) }
    /// Members by code, for naming them (at most 500 codes at a time are read).
    func members(codes: [String]) async throws -> [String: Member] {
        var out: [String: Member] = [:]
        for chunk in codes.chunked(500) { for m in try await Member.query(on: db).filter(\.$code ~~ chunk).all() { out[m.code] = m } }
        return out
    }
    func members(_ ids: [Int]) async throws -> [Member] {
        guard !ids.isEmpty else { return [] }
        return try await Member.query(on: db).filter(\.$id ~~ ids).all()
    }
    /// The codes of these members, by id (a sponsor's code for the API).
    func codes(_ ids: [Int]) async throws -> [Int: String] {
        Dictionary(uniqueKeysWithValues: try await members(ids).map { ($0.id!, $0.code) })
    }
    /// The first member at the top of the tree.
    func top() async throws -> Member? { try await Member.query(on: db).filter(\.$sponsor.$id == nil).sort(\.$id).first() }
    /// A direct downline member with their net sales of a month (``bestDirect(of:period:limit:)``).
    struct BestSeller: Decodable, Equatable {
        let id: Int
        let code: String
        let name: String
        let tier: String
        let volume: Int64
    }

    /// The best sellers of a month among `m`'s direct downline, most first (then by id), in one read.
    func bestDirect(of m: Member, period: String, limit: Int) async throws -> [BestSeller] {
        try await db.sql.raw("""
            SELECT m.id, m.code, m.name, m.tier, CAST(COALESCE(SUM(o.amount_fen - o.refunded_fen), 0) AS BIGINT) AS volume
            FROM members m LEFT JOIN orders o ON o.member_id = m.id AND o.period = \(bind: period)
            WHERE m.sponsor_id = \(bind: m.id!)
            GROUP BY m.id, m.code, m.name, m.tier ORDER BY volume DESC, m.id LIMIT \(literal: limit)
            """).all(decoding: BestSeller.self)
    }

    func directMembers(of m: Member) async throws -> [Member] {
        try await Member.query(on: db).filter(\.$sponsor.$id == m.id!).sort(\.$id).all()
    }

    // What a member's page shows from the other areas

    func motivation(of m: Member) async throws -> MotivationProfile? {
        try await MotivationProfile.query(on: db).filter(\.$member.$id == m.id!).first()
    }
    /// Titles and champion honours, newest first.
    func honors(of m: Member) async throws -> [Honor] {
        try await Honor.query(on: db).filter(\.$member.$id == m.id!).with(\.$title).sort(\.$awardedAt, .descending).all()
    }
    /// The titles these members hold (their icons go beside their names).
    func titles(of ids: [Int]) async throws -> [Honor] {
        guard !ids.isEmpty else { return [] }
        return try await Honor.query(on: db).filter(\.$kind == "title").filter(\.$member.$id ~~ ids).with(\.$title).all()
    }
    /// Privileges and leave redeemed from the rewards catalogue and not declined or cancelled, newest first.
    func privileges(of m: Member) async throws -> [Redemption] {
        try await Redemption.query(on: db).filter(\.$member.$id == m.id!).filter(\.$status ~~ [.requested, .approved, .handedOver])
            .join(RewardItem.self, on: \Redemption.$item.$id == \RewardItem.$id).filter(RewardItem.self, \.$kind ~~ ["privilege", "leave"])
            .with(\.$item).sort(\.$id, .descending).all()
    }
    func complianceCases(of m: Member) async throws -> [ComplianceCase] {
        try await ComplianceCase.query(on: db).filter(\.$member.$id == m.id!).sort(\.$id, .descending).all()
    }

    /// Net sales (amount less refunds so far) per member id in a month, of the members in `scope`.
    func monthVolumes(period: String, scope: MemberScope = .all) async throws -> [Int: Int64] {
        let sql = db.sql
        var query = sql.select()
            .column(SQLColumn("member_id", table: "orders"), as: "member_id")
            // SUM of a bigint is numeric in PostgreSQL: cast back to a 64-bit integer (fen).
            .column(SQLRaw("CAST(SUM(orders.amount_fen - orders.refunded_fen) AS BIGINT)"), as: "volume")
            .from("orders")
            .where(SQLColumn("period", table: "orders"), .equal, SQLBind(period))
            .groupBy(SQLColumn("member_id", table: "orders"))
        if scope != .all {
            query = query.join("members", on: SQLColumn("id", table: "members"), .equal, SQLColumn("member_id", table: "orders")).within(scope)
        }
        var out: [Int: Int64] = [:]
        for row in try await query.all() {
            out[try row.decode(column: "member_id", as: Int.self)] = try row.decode(column: "volume", as: Int64?.self) ?? 0
        }
        return out
    }

    /// Net sales by month (`2026-11`) of the orders of these months: one member's, or everyone's; in
    /// one grouped read by the orders' month index (a team's are ``TeamFigures/sales(_:periods:)``).
    func salesByMonth(_ periods: [String], member: Member? = nil) async throws -> [String: Int64] {
        var query = db.sql.select()
            .column(SQLColumn("period", table: "orders"), as: "period")
            .column(SQLRaw("CAST(COALESCE(SUM(orders.amount_fen - orders.refunded_fen), 0) AS BIGINT)"), as: "volume")
            .from("orders")
            .where(SQLColumn("period", table: "orders"), .in, SQLBind.group(periods))
            .groupBy(SQLColumn("period", table: "orders"))
        if let member { query = query.where(SQLColumn("member_id", table: "orders"), .equal, SQLBind(member.id!)) }
        var out: [String: Int64] = [:]
        for row in try await query.all() { out[try row.decode(column: "period", as: String.self)] = try row.decode(column: "volume", as: Int64.self) }
        return out
    }

    /// Count, amount and refunds of the orders of a month whose seller is in `scope` (and is
    /// `member`, or in `member`'s subtree when `subtree`).
    func orderTotals(period: String, scope: MemberScope, member: Member?, subtree: Bool) async throws -> (count: Int, amount: Int64, refunded: Int64) {
        let sql = db.sql
        var query = sql.select()
            .column(SQLRaw("COUNT(*)"), as: "n")
            // SUM of a bigint is numeric in PostgreSQL: cast back to a 64-bit integer (fen).
            .column(SQLRaw("CAST(COALESCE(SUM(orders.amount_fen), 0) AS BIGINT)"), as: "amount")
            .column(SQLRaw("CAST(COALESCE(SUM(orders.refunded_fen), 0) AS BIGINT)"), as: "refunded")
            .from("orders")
            .join("members", on: SQLColumn("id", table: "members"), .equal, SQLColumn("member_id", table: "orders"))
            .where(SQLColumn("period", table: "orders"), .equal, SQLBind(period))
        query = query.within(scope)
        if let member {
            query = subtree ? query.where(SQLColumn("path", table: "members"), .like, SQLBind(member.path + "%"))
                : query.where(SQLColumn("member_id", table: "orders"), .equal, SQLBind(member.id!))
        }
        guard let row = try await query.first() else { return (0, 0, 0) }
        return (try row.decode(column: "n", as: Int.self), try row.decode(column: "amount", as: Int64.self), try row.decode(column: "refunded", as: Int64.self))
    }

    /// The direct members of these members: (id, sponsor), by the sponsor index.
    func children(of ids: [Int]) async throws -> [(id: Int, sponsor: Int)] {
        var out: [(id: Int, sponsor: Int)] = []
        for chunk in ids.chunked(500) {
            for row in try await db.sql.select().columns("id", "sponsor_id").from(Member.schema).where("sponsor_id", .in, SQLBind.group(chunk)).orderBy("id").all() {
                out.append((try row.decode(column: "id", as: Int.self), try row.decode(column: "sponsor_id", as: Int.self)))
            }
        }
        return out
    }

    /// These members' own net sales in a month, by the orders' month-and-seller index.
    func volumes(of ids: [Int], period: String) async throws -> [Int: Int64] {
        var out: [Int: Int64] = [:]
        for chunk in ids.chunked(500) {
            let rows = try await db.sql.select()
                .column("member_id")
                .column(SQLRaw("CAST(SUM(amount_fen - refunded_fen) AS BIGINT)"), as: "volume")
                .from("orders").where("period", .equal, SQLBind(period)).where("member_id", .in, SQLBind.group(chunk))
                .groupBy("member_id").all()
            for row in rows { out[try row.decode(column: "member_id", as: Int.self)] = try row.decode(column: "volume", as: Int64?.self) ?? 0 }
        }
        return out
    }

    /// A member's net sales in a month.
    func volume(of member: Member, period: String) async throws -> Int64 {
        let t = try await orderTotals(period: period, scope: .all, member: member, subtree: false)
        return t.amount - t.refunded
    }

}
