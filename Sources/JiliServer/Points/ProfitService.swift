import Fluent
import Foundation
import JiliCore
import SQLKit

/// Profit sharing (分红): a pool for an ended quarter or year — a rate of profit (net sales − cost of
/// goods − approved pay) or a fixed sum — split among the active members of chosen tiers by tier,
/// tenure or performance (JiliCore's `ProfitSharing`), each share vesting in equal monthly parts from
/// the month after the window. The vesting job pays due parts into the ledger and forfeits those of
/// members who have left; it is idempotent (each part moves once, by a conditional update).
struct ProfitService {
    let db: any Database
    let clock: JiliClock

    /// A pool as asked for, checked: an ended quarter or year is the service's to check.
    struct Input: Sendable {
        var name: String
        var window: GoalWindow
        var basis: ProfitPool.Basis
        /// With basis `profit`: the rate in basis points (10% is 1,000), 1…10,000.
        var rateBasisPoints: Int64 = 0
        /// With basis `fixed`: the sum in fen.
        var fixedFen: Int64 = 0
        var weight: ProfitPool.Weight
        var tiers: [String]
        var months: Int
    }

    /// The pool form as typed; `parsed()` names the first field that is wrong and repeats what was typed.
    struct Form: Sendable {
        var name: String
        var window: String
        var basis: String
        var rate: String
        var fixed: String
        var weight: String
        var tiers: [String]
        var months: String

        func parsed() throws -> Input {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 60 else { throw Refusal(key: "profit_error_name", field: "name") }
            guard let window = GoalWindow(parsing: window), window.kind != .month else {
                throw Refusal(key: "profit_error_window", values: ["value": window], field: "window")
            }
            guard let basis = ProfitPool.Basis(rawValue: basis) else { throw Refusal(key: "profit_error_basis", field: "basis") }
            guard let weight = ProfitPool.Weight(rawValue: weight) else { throw Refusal(key: "profit_error_basis", field: "weight") }
            var input = Input(name: name, window: window, basis: basis, weight: weight, tiers: tiers, months: 0)
            switch basis {
            case .profit:
                guard case .success(let bp) = FixedPoint.parse(rate.trimmingCharacters(in: .whitespaces), scale: 2), bp > 0, bp <= 10_000 else {
                    throw Refusal(key: "profit_error_rate", values: ["value": rate], field: "rate")
                }
                input.rateBasisPoints = bp
            case .fixed:
                let fen = try FormValue.fen(fixed, field: "fixed", refusal: "profit_error_fixed")
                guard fen > 0, fen <= OrderService.maximumFen else { throw Refusal(key: "profit_error_fixed", values: ["value": fixed], field: "fixed") }
                input.fixedFen = fen
            }
            input.months = try FormValue.int(months, field: "months", refusal: "profit_error_months")
            guard (1...36).contains(input.months) else { throw Refusal(key: "profit_error_months", values: ["value": months], field: "months") }
            for t in tiers where !Tiers.ids.contains(t) { throw Refusal(key: "contest_error_tier", values: ["value": t]) }
            guard !tiers.isEmpty else { throw Refusal(key: "profit_error_tiers") }
            return input
        }
    }

    /// A member's weight: tier rank (VIP 1 … 董事 4), whole months since joining (at least 1), or
    /// net sales over the window in whole yuan.
    func weights(_ members: [Member], by weight: ProfitPool.Weight, window: GoalWindow, end: Date) async throws -> [(id: String, weight: Int64)] {
        switch weight {
        case .tier:
            return members.map { ($0.code, Int64((Tiers.ids.firstIndex(of: $0.tier) ?? 0) + 1)) }
        case .tenure:
            return members.map { ($0.code, max(1, Int64(end.timeIntervalSince($0.joinedAt) / (30 * 86_400)))) }
        case .performance:
            var sales: [Int: Int64] = [:]
            for month in window.months {
                for (id, fen) in try await TeamQueries(db: db).monthVolumes(period: month.description) { sales[id, default: 0] += fen }
            }
            return members.map { ($0.code, max(0, (sales[$0.id!] ?? 0) / 100)) }
        }
    }

    func create(_ input: Input, by actor: Actor) async throws -> ProfitPool {
        let (name, window, months) = (input.name, input.window, input.months)
        let rate = input.basis == .profit ? input.rateBasisPoints : 0, fixed = input.basis == .fixed ? input.fixedFen : 0
        // What the form checks, checked again for any other caller.
        guard window.kind != .month else { throw Refusal(key: "profit_error_window", values: ["value": window.description], field: "window") }
        guard (1...36).contains(months) else { throw Refusal(key: "profit_error_months", values: ["value": "\(months)"], field: "months") }
        guard !input.tiers.isEmpty else { throw Refusal(key: "profit_error_tiers") }
        guard window.lastMonth < clock.currentPeriod else { throw Refusal(key: "profit_error_open", values: ["value": window.description], field: "window") }
        if try await ProfitPool.query(on: db).filter(\.$window == window.description).filter(\.$name == name).first() != nil {
            throw Refusal(key: "profit_error_exists", values: ["name": name, "window": window.description])
        }
        // The window's figures: net sales and their cost, and the pay of its approved runs.
        let sql = db.sql
        let names = window.months.map(\.description)
        let row = try await sql.select().column(SQLRaw("CAST(COALESCE(SUM(amount_fen - refunded_fen), 0) AS BIGINT)"), as: "sales")
            .column(SQLRaw("CAST(COALESCE(SUM(cost_fen), 0) AS BIGINT)"), as: "cost").from("orders").where("period", .in, SQLBind.group(names)).first()
        let sales = try row?.decode(column: "sales", as: Int64.self) ?? 0, cost = try row?.decode(column: "cost", as: Int64.self) ?? 0
        let pay = try await PayRun.query(on: db).filter(\.$period ~~ names).filter(\.$status == .approved).all().reduce(Int64(0)) { $0 + $1.totalFen }
        let total = ProfitSharing.pool(salesFen: sales, costFen: cost, payFen: pay, rateBasisPoints: rate, fixedFen: input.basis == .fixed ? fixed : nil)
        let cal = PlanClock(timeZone: clock.timeZone)
        let end = Date(timeIntervalSince1970: Double(cal.instant(fromWall: Int64(CivilDate.days(year: window.months.last!.next.year, month: window.months.last!.next.month, day: 1)) * 86_400)))
        let members = try await Member.query(on: db).filter(\.$status == .active).filter(\.$tier ~~ input.tiers).filter(\.$joinedAt < end).sort(\.$id).all()
        let weights = try await weights(members, by: input.weight, window: window, end: end)
        let shares: [(id: String, fen: Int64)]
        do { shares = try ProfitSharing.split(total, weights: weights) } catch { throw Refusal(key: "profit_error_weights") }
        let byCode = Dictionary(uniqueKeysWithValues: members.map { ($0.code, $0) })
        let weightOf = Dictionary(uniqueKeysWithValues: weights.map { ($0.id, $0.weight) })
        let now = clock.now()
        let pool = ProfitPool()
        pool.name = name
        pool.window = window.description
        pool.basis = input.basis
        pool.rateBasisPoints = rate
        pool.fixedFen = fixed
        pool.weight = input.weight
        pool.tiers = input.tiers.joined(separator: ",")
        pool.vestingMonths = months
        (pool.salesFen, pool.costFen, pool.payFen, pool.totalFen) = (sales, cost, pay, total)
        pool.createdBy = actor.name
        pool.createdAt = now
        try await db.transaction { db in
            try await pool.create(on: db)
            for s in shares where s.fen > 0 {
                let member = byCode[s.id]!
                let share = ProfitShare()
                share.$pool.id = pool.id!
                share.$member.id = member.id!
                share.weight = weightOf[s.id] ?? 0
                share.shareFen = s.fen
                try await share.create(on: db)
                var due = window.months.last!
                let parts = try ProfitSharing.vesting(s.fen, periods: months).map { amount -> ProfitInstallment in
                    due = due.next
                    let part = ProfitInstallment()
                    part.$share.id = share.id!
                    part.$member.id = member.id!
                    part.due = due.description
                    part.amountFen = amount
                    part.status = .pending
                    return part
                }
                try await BatchInsert.insert(parts.filter { $0.amountFen > 0 }, on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "profit_pool", id: "\(pool.id!)", before: nil,
                                   after: ["name": name, "window": window.description, "total": Money(fen: total).description,
                                           "members": "\(shares.filter { $0.fen > 0 }.count)", "vesting_months": "\(months)"])
        }
        return pool
    }

    /// Pays the parts due up to this month into the ledger; forfeits those of members who have left.
    /// Returns how many parts were paid and forfeited.
    func vest() async throws -> (paid: Int, forfeited: Int) {
        let current = clock.currentPeriod.description
        let due = try await ProfitInstallment.query(on: db).filter(\.$status == .pending).filter(\.$due <= current).with(\.$member).all()
        var paid = 0, forfeited = 0
        let now = clock.now()
        for part in due {
            let left = part.member.status == .left
            let moved = try await db.transaction { db -> Bool in
                let sql = db.sql
                let won = try await sql.raw("""
                    UPDATE profit_installments SET status = \(bind: (left ? ProfitInstallment.Status.forfeited : .paid).rawValue), settled_at = \(bind: now)
                    WHERE id = \(bind: part.id!) AND status = \(bind: ProfitInstallment.Status.pending.rawValue) RETURNING id
                    """).all()
                guard won.count == 1 else { return false }
                if !left {
                    try await Ledger.post(on: db, at: now, kind: "profit_share", source: "profit:\(part.id!)", memo: "profit share \(part.due)",
                                          lines: [("expense:profit_share", part.amountFen), ("payable:\(part.member.code)", -part.amountFen)])
                }
                return true
            }
            if moved { if left { forfeited += 1 } else { paid += 1 } }
        }
        return (paid, forfeited)
    }
}
