import Fluent
import Foundation
import JiliCore
import SQLKit

/// Members' points in the database, changed only through JiliCore's `PointsAccount`. A change of one
/// or of many members' accounts is one transaction (lots, debts and history together, so a killed
/// process loses nothing), and each account's version makes two changes of it at once impossible:
/// the later one is tried again on what the first wrote, so two redemptions racing for the last
/// points cannot both have them.
struct PointsLedger {
    let db: any Database
    let clock: JiliClock

    struct Conflict: Error {}

    /// Why a change happened, for the history: a catalogue key and its values.
    struct Reason: Sendable {
        var key: String
        var values: [String: String] = [:]
    }

    static let expiredReason = Reason(key: "points_reason_expired")

    static func instant(_ d: Date) -> Int64 { Int64(d.timeIntervalSince1970.rounded(.down)) }
    static func date(_ i: Int64) -> Date { Date(timeIntervalSince1970: Double(i)) }

    static func lot(_ r: PointsLotRow) -> PointsAccount.Lot {
        PointsAccount.Lot(id: Int64(r.id!), source: r.source, amount: r.amount, earnedAt: instant(r.earnedAt), expiresAt: r.expiresAt.map(instant),
                          repaid: r.repaid, spent: r.spent, expired: r.expired, reversed: r.reversed, reversedAsDebt: r.reversedAsDebt)
    }

    /// A member's account as it is now (expiries not yet applied).
    func account(_ memberID: Int) async throws -> PointsAccount {
        let rows = try await PointsLotRow.query(on: db).filter(\.$member.$id == memberID).all()
        let debt = try await PointsBalance.query(on: db).filter(\.$member.$id == memberID).first()?.debt ?? 0
        return PointsAccount(lots: rows.map(Self.lot), debt: debt)
    }

    /// Lots a change earns: numbered below zero until they are written, with the rule that gave them.
    struct NewLots {
        fileprivate var rules: [Int64: String] = [:]
        fileprivate var next: Int64 = -1

        mutating func add(rule: String) -> Int64 {
            defer { next -= 1 }
            rules[next] = rule
            return next
        }
    }

    typealias Change<T> = @Sendable (_ member: Int, _ account: inout PointsAccount, _ newLots: inout NewLots) throws -> (T, [(PointsAccount.Movement, Reason)])

    /// Changes the accounts of `members` in one transaction, tried again (up to five times) when
    /// another change of one of them got there first. A refusal of the engine is thrown at once and
    /// changes nothing.
    func change<T: Sendable>(_ members: [Int], _ body: @escaping Change<T>) async throws -> [Int: T] {
        try await Self.retrying {
            try await db.transaction { db in try await changeWithin(members, on: db, body) }
        }
    }

    /// Runs `transaction` again when another change got there first (a version moved, a row was
    /// created at the same moment, the database was busy) — up to ten times, waiting a little longer
    /// each time — and throws at once the errors that are answers: refusals of the points engine and
    /// of the services (one type, `Refusal`: sold out, already handled…).
    static func retrying<T: Sendable>(_ transaction: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await transaction()
            } catch let refusal as PointsAccount.Refusal {
                throw refusal
            } catch let refusal as Refusal {
                throw refusal
            } catch {
                if attempt >= 10 { throw error }
                try await Task.sleep(nanoseconds: UInt64(attempt) * 10_000_000 + UInt64.random(in: 0...10_000_000))
            }
        }
    }

    /// One member's account changed (see the other `change`).
    func change<T: Sendable>(_ member: Int, _ body: @escaping Change<T>) async throws -> T {
        try await change([member], body)[member]!
    }

    /// The change itself, on `db` — a transaction of the caller's (who tries again on ``Conflict``).
    func changeWithin<T: Sendable>(_ members: [Int], on db: any Database, _ body: Change<T>) async throws -> [Int: T] {
        // Every account's row (made for those who have none), and every lot.
        var balances: [Int: PointsBalance] = [:]
        var lotRows: [Int: [PointsLotRow]] = [:]
        for chunk in stride(from: 0, to: members.count, by: 500) {
            let part = Array(members[chunk..<min(members.count, chunk + 500)])
            for b in try await PointsBalance.query(on: db).filter(\.$member.$id ~~ part).all() { balances[b.$member.id] = b }
            let missing = part.filter { balances[$0] == nil }.map { m -> PointsBalance in
                let b = PointsBalance()
                b.$member.id = m
                b.debt = 0
                b.version = 0
                return b
            }
            if !missing.isEmpty {
                try await BatchInsert.insert(missing, on: db)
                for b in try await PointsBalance.query(on: db).filter(\.$member.$id ~~ missing.map { $0.$member.id }).all() { balances[b.$member.id] = b }
            }
            for r in try await PointsLotRow.query(on: db).filter(\.$member.$id ~~ part).all() { lotRows[r.$member.id, default: []].append(r) }
        }
        var results: [Int: T] = [:]
        var fresh: [PointsLotRow] = []
        var moves: [(member: Int, move: PointsAccount.Movement, reason: Reason)] = []
        for member in members {
            guard let balance = balances[member] else { throw Conflict() }
            let rows = lotRows[member] ?? []
            var account = PointsAccount(lots: rows.map(Self.lot), debt: balance.debt)
            var newLots = NewLots()
            let (result, changes) = try body(member, &account, &newLots)
            results[member] = result
            moves += changes.map { (member, $0.0, $0.1) }
            let byID = Dictionary(uniqueKeysWithValues: rows.map { (Int64($0.id!), $0) })
            for lot in account.lots {
                if let rule = newLots.rules[lot.id] {
                    // A new lot is written with what became of it already (it may have repaid a debt).
                    let row = PointsLotRow()
                    row.$member.id = member
                    row.source = lot.source
                    row.event = String(lot.source.split(separator: "#", maxSplits: 1)[0])
                    row.rule = rule
                    row.amount = lot.amount
                    row.earnedAt = Self.date(lot.earnedAt)
                    row.expiresAt = lot.expiresAt.map(Self.date)
                    (row.repaid, row.spent, row.expired, row.reversed, row.reversedAsDebt) = (lot.repaid, lot.spent, lot.expired, lot.reversed, lot.reversedAsDebt)
                    fresh.append(row)
                } else if let row = byID[lot.id],
                          (row.repaid, row.spent, row.expired, row.reversed, row.reversedAsDebt) != (lot.repaid, lot.spent, lot.expired, lot.reversed, lot.reversedAsDebt) {
                    (row.repaid, row.spent, row.expired, row.reversed, row.reversedAsDebt) = (lot.repaid, lot.spent, lot.expired, lot.reversed, lot.reversedAsDebt)
                    try await row.save(on: db)
                }
            }
            let sql = db.sql
            let won = try await sql.raw("""
                UPDATE points_accounts SET debt = \(bind: account.debt), version = version + 1
                WHERE id = \(bind: balance.id!) AND version = \(bind: balance.version) RETURNING id
                """).all()
            guard won.count == 1 else { throw Conflict() }
        }
        // New lots together, then their ids (by member and source) for the history.
        try await BatchInsert.insert(fresh, on: db)
        var ids: [String: Int] = [:]
        let freshMembers = Array(Set(fresh.map { $0.$member.id }))
        for chunk in stride(from: 0, to: freshMembers.count, by: 500) {
            let part = Array(freshMembers[chunk..<min(freshMembers.count, chunk + 500)])
            for r in try await PointsLotRow.query(on: db).filter(\.$member.$id ~~ part).filter(\.$source ~~ Array(Set(fresh.map(\.source)))).all() {
                ids["\(r.$member.id)\u{1}\(r.source)"] = r.id
            }
        }
        let history = try moves.map { member, m, reason in
            let row = PointsMovementRow()
            row.$member.id = member
            row.kind = m.kind.rawValue
            row.lotID = m.lotID.flatMap { id in id > 0 ? Int(id) : ids["\(member)\u{1}\(m.reference)"] }
            row.points = m.points
            row.at = Self.date(m.at)
            row.reference = m.reference
            row.reason = reason.key
            row.values = String(decoding: try JSONSerialization.data(withJSONObject: reason.values, options: [.sortedKeys]), as: UTF8.self)
            return row
        }
        try await BatchInsert.insert(history, on: db)
        await FaultPoint.reach("points-written")
        return results
    }

    // MARK: Operations

    /// Points to earn: from `source` (once per member and source), by `rule`, lasting `validDays`.
    struct Earning: Sendable {
        var source: String
        var rule: String
        var points: Int64
        var validDays: Int?
        var reason: Reason
    }

    /// Points to take back from the lots of `sources` (newest first).
    struct Reversal: Sendable {
        var sources: [String]
        var points: Int64
        var reason: Reason
    }

    /// Earns and takes back for many members in one transaction (the earning job's unit of work).
    /// Sources earned already are left out. Returns how many lots were earned.
    @discardableResult
    func settle(_ work: [Int: (earn: [Earning], reverse: [Reversal])]) async throws -> Int {
        try await Self.retrying { try await db.transaction { db in try await settleWithin(work, on: db) } }
    }

    /// ``settle(_:)`` on `db`, a transaction of the caller's (a contest's freeze, a prize chosen).
    @discardableResult
    func settleWithin(_ work: [Int: (earn: [Earning], reverse: [Reversal])], on db: any Database) async throws -> Int {
        let now = Self.instant(clock.now())
        let counts = try await changeWithin(Array(work.keys).sorted(), on: db) { member, account, newLots in
            var moves: [(PointsAccount.Movement, Reason)] = []
            var count = 0
            let (earnings, reversals) = work[member] ?? ([], [])
            for e in earnings where !account.lots.contains(where: { $0.source == e.source }) {
                let id = newLots.add(rule: e.rule)
                moves += try account.earn(lotID: id, source: e.source, points: e.points, at: now, expiresAt: e.validDays.map { now + Int64($0) * 86_400 })
                    .map { ($0, $0.kind == .earn ? e.reason : Self.expiredReason) }
                count += 1
            }
            for r in reversals {
                var left = r.points
                for source in r.sources.reversed() where left > 0 {
                    guard let lot = account.lots.first(where: { $0.source == source }) else { continue }
                    let cap = lot.amount - lot.expired - lot.reversed - lot.reversedAsDebt
                    guard cap > 0 else { continue }
                    let take = min(left, cap)
                    moves += try account.reverse(source: source, points: take, at: now).map { ($0, $0.kind == .reverse ? r.reason : Self.expiredReason) }
                    left -= take
                }
            }
            return (count, moves)
        }
        return counts.values.reduce(0, +)
    }

    /// Expires what is due of every member's lots: the daily job. Idempotent.
    func expireDue() async throws -> Int {
        let now = clock.now()
        let due = try await PointsLotRow.query(on: db).filter(\.$expiresAt <= now).all()
            .filter { $0.amount - $0.repaid - $0.spent - $0.expired - $0.reversed > 0 }
        let members = Array(Set(due.map { $0.$member.id })).sorted()
        for chunk in stride(from: 0, to: members.count, by: 500) {
            _ = try await change(Array(members[chunk..<min(members.count, chunk + 500)])) { _, account, _ in
                ((), account.expire(upTo: Self.instant(now)).map { ($0, Self.expiredReason) })
            }
        }
        return due.count
    }
}
