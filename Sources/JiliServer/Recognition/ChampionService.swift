import Fluent
import Foundation
import JiliCore
import SQLKit

/// The sales champions (销售冠军) of each month, quarter and year, worked out from the orders once the
/// window has ended: the first three places by net sales among active members, ties sharing a place
/// (JiliCore's `Ranking`). The job is idempotent and resumable: a window's honors are written in one
/// transaction, and a window that has them is left as it is.
struct ChampionService {
    let db: any Database
    let clock: JiliClock

    static let places = 3

    /// Net sales by member code over the window's months, active members only.
    func sales(_ window: GoalWindow) async throws -> [(code: String, id: Int, value: Int64)] {
        let sql = db.sql
        let rows = try await SalesSQL.activeSellers(SalesSQL.inMonths(SalesSQL.orders(sql, measure: .volume), window.months.map(\.description)))
            .column(SQLColumn("code", table: "m"), as: "code").column(SQLColumn("id", table: "m"), as: "id")
            .groupBy(SQLColumn("code", table: "m")).groupBy(SQLColumn("id", table: "m"))
            .all()
        return try rows.map { (try $0.decode(column: "code", as: String.self), try $0.decode(column: "id", as: Int.self), try $0.decode(column: "n", as: Int64.self)) }
    }

    /// The champions of one ended window; nothing when it has them already or has not ended.
    func award(_ window: GoalWindow) async throws -> Int {
        guard window.lastMonth < clock.currentPeriod else { return 0 }
        if try await Honor.query(on: db).filter(\.$kind == "champion").filter(\.$window == window.description).first() != nil { return 0 }
        let sales = try await sales(window).filter { $0.value > 0 }
        let ids = Dictionary(uniqueKeysWithValues: sales.map { ($0.code, $0.id) })
        let winners = Ranking.rank(sales.map { (id: $0.code, value: $0.value) }).filter { $0.rank <= Self.places }
        let now = clock.now()
        try await db.transaction { db in
            for w in winners {
                let h = Honor()
                h.kind = "champion"
                h.window = window.description
                h.$member.id = ids[w.id]!
                h.rank = w.rank
                h.value = w.value
                h.key = "champion:\(window):\(w.id)"
                h.awardedAt = now
                h.reason = ""
                try await h.create(on: db)
                try await Notices.tell(ids[w.id]!, message: "notice_champion", values: ["window": window.description, "kind": window.kind.rawValue, "rank": "\(w.rank)"],
                                       link: SiteURL.champions(), event: "champion:\(window):\(w.id)", at: now, on: db)
            }
            let names = Dictionary(uniqueKeysWithValues: try await Member.query(on: db).filter(\.$id ~~ winners.map { ids[$0.id]! }).all().map { ($0.code, $0.name) })
            try await PraiseWall.announce(.champion, message: "wall_champions",
                                          values: ["window": window.description, "kind_key": "champion_\(window.kind.rawValue)",
                                                   "places": PraiseWall.places(winners.map { ($0.rank, "\(names[$0.id] ?? $0.id) (\($0.id))") })],
                                          about: nil, link: SiteURL.champions(), event: "champions:\(window)", at: now, on: db)
            try await Audit.record(on: db, at: now, actor: .system, action: "award", entity: "champions", id: window.description, before: nil,
                                   after: ["winners": winners.map { "\($0.rank). \($0.id)" }.joined(separator: ", ")])
        }
        return winners.count
    }

    /// The month, quarter and year windows that ended up to last month, the last `months` months back.
    func run(months: Int = 12) async throws -> Int {
        var count = 0
        let current = clock.currentPeriod
        for back in (1...months).reversed() {
            let month = Period(index: current.index - Int32(back))
            count += try await award(GoalWindow(kind: .month, lastMonth: month))
            if month.month % 3 == 0 { count += try await award(GoalWindow(kind: .quarter, lastMonth: month)) }
            if month.month == 12 { count += try await award(GoalWindow(kind: .year, lastMonth: month)) }
        }
        return count
    }
}
