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

    /// Net sales (amount less refunds so far) per member id in a month, for the members whose path
    /// starts with `pathPrefix` (all when nil).
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

    /// A member's net sales in a month.
    func volume(of member: Member, period: String) async throws -> Int64 {
        let t = try await orderTotals(period: period, scope: .all, member: member, subtree: false)
        return t.amount - t.refunded
    }

    /// A subtree as nodes with the headcount and volume of each branch.
    struct Branch {
        var id: Int
        var children: [Int] = []
        var headcount = 1
        var ownVolume: Int64 = 0
        var branchVolume: Int64 = 0
    }

    /// Every member below `root` (and it), with branch totals for `period`. Only ids, sponsors and
    /// paths are read (100,000 members in a fraction of a second); pages load the members they show.
    func subtree(root: Member, period: String) async throws -> [Int: Branch] {
        let sql = db.sql
        struct Row: Decodable { let id: Int; let sponsor_id: Int?; let path: String }
        let members = try await sql.select().column("id").column("sponsor_id").column("path").from(Member.schema)
            .where("path", .like, SQLBind(root.path + "%")).all(decoding: Row.self)
        let volumes = try await monthVolumes(period: period, scope: .subtree(path: root.path))
        var nodes: [Int: Branch] = [:]
        nodes.reserveCapacity(members.count)
        for m in members { nodes[m.id] = Branch(id: m.id, ownVolume: volumes[m.id] ?? 0) }
        let rootDepth = root.path.split(separator: "/").count
        for m in members where m.id != root.id! {
            if let s = m.sponsor_id { nodes[s]?.children.append(m.id) }
            // Add to every ancestor within the subtree (the path lists them from the root down).
            let ids = m.path.split(separator: "/").compactMap { Int($0) }
            for a in ids.dropFirst(rootDepth - 1).dropLast() {
                nodes[a]?.headcount += 1
                nodes[a]?.branchVolume += volumes[m.id] ?? 0
            }
        }
        for (id, n) in nodes { nodes[id]?.branchVolume += n.ownVolume }
        return nodes
    }
}

extension Money {
    /// `¥1,234.50` style for pages: thousands separated, two decimals.
    var display: String {
        let text = description
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".")
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        return (negative ? "-" : "") + "¥" + whole + grouped + "." + parts[1]
    }
}
