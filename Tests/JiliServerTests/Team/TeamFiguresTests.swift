import Foundation
import Fluent
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// The team's stored figures (issue 18): what pages read instead of the whole team's orders.
@Suite struct TeamFiguresTests {
    /// Net sales of these members in a month, from the orders themselves (each month's read once).
    final class Orders: @unchecked Sendable {
        var byPeriod: [String: [Order]] = [:]
    }
    let orders = Orders()
    func sales(_ app: Application, _ ids: Set<Int>, _ period: String) async throws -> Int64 {
        if orders.byPeriod[period] == nil { orders.byPeriod[period] = try await Order.query(on: app.db).filter(\.$period == period).all() }
        return orders.byPeriod[period]!.filter { ids.contains($0.$member.id) }.reduce(0) { $0 + $1.amountFen - $1.refundedFen }
    }

    @Test func everyBranchDepartmentAndTheTeamEqualWhatTheirOrdersAdd() async throws {
        try await withTestApp { app in
            let figures = TeamFigures(db: app.db, clock: app.jiliClock)
            let all = try await Member.query(on: app.db).all()
            for period in ["2026-11", "2026-10"] {
                // Every member's branch: them and everyone whose path starts with theirs.
                let stored = try await figures.branches(all.map { $0.id! }, period: period)
                #expect(stored.count == all.count)
                for m in all {
                    let branch = all.filter { $0.path.hasPrefix(m.path) }
                    let f = try #require(stored[m.id!])
                    #expect(f.members == branch.count && f.active == branch.filter { $0.status == .active }.count, "\(m.code)")
                    let branchSales = try await sales(app, Set(branch.map { $0.id! }), period)
                    #expect(f.sales == branchSales, "\(m.code) \(period)")
                }
                // The team, with its five best sellers.
                let (team, at) = try #require(try await figures.figure(.all, period: period))
                #expect(at == testNow)
                let teamSales = try await sales(app, Set(all.map { $0.id! }), period)
                #expect(team.members == 300 && team.sales == teamSales)
                var own: [(Int, Int64)] = []
                for m in all { own.append((m.id!, try await sales(app, [m.id!], period))) }
                let best = own.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(5)
                #expect(team.top.map(\.id) == best.map(\.0) && team.top.map(\.fen) == best.map(\.1))
                // Each department.
                for d in Set(all.compactMap { $0.$department.id }) {
                    let people = all.filter { $0.$department.id == d }
                    let f = try #require(try await figures.figure(.department(d), period: period)).figure
                    let departmentSales = try await sales(app, Set(people.map { $0.id! }), period)
                    #expect(f.members == people.count && f.sales == departmentSales)
                }
            }
            // A year of the team's chart: the months before the demo's orders are there, at zero.
            let year = try await figures.sales(.all, periods: (0..<12).map { Period(index: Period(parsing: "2026-11")!.index - Int32($0)).description })
            #expect(year.count == 12 && year["2025-12"] == 0 && year["2026-11"]! > 0)
        }
    }

    @Test func anImportAsksTheNextRoundToLookAtEveryMonth() async throws {
        try await withTestApp { app in
            let later = JiliClock(now: { testNow.addingTimeInterval(120) })
            let figures = TeamFigures(db: app.db, clock: later)
            #expect(try await figures.refresh() == [])
            // An order of August imported: August is two months back, looked at only when asked.
            let csv = "id,member_id,paid_at,amount\nimported-1,m10,2026-08-10T10:00:00+08:00,100.00\n"
            let outcome = try await ImportService(db: app.db, clock: later, text: app.catalog.table("en"))
                .run(.orders, bytes: Array(csv.utf8), file: "orders.csv", by: .system)
            #expect(outcome.added == 1)
            let august = try #require(try await figures.figure(.all, period: "2026-08")).figure
            #expect(try await figures.refresh() == ["2026-08"])
            #expect(try await figures.figure(.all, period: "2026-08")?.figure.sales == august.sales + 10_000)
            // Asked once: the next round looks only at this month and the one before.
            #expect(try await figures.refresh() == [])
        }
    }

    @Test func theyAreComputedAgainOnlyWhenOrdersOrMembersChanged() async throws {
        try await withTestApp { app in
            let later = JiliClock(now: { testNow.addingTimeInterval(120) })
            let figures = TeamFigures(db: app.db, clock: later)
            // Nothing changed since the demo computed them.
            #expect(try await figures.refresh() == [])
            let before = try #require(try await figures.figure(.all, period: "2026-11")).figure
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let above = m10.path.split(separator: "/").compactMap { Int($0) }
            let beside = try #require(try await Member.query(on: app.db).all().first { !$0.path.hasPrefix(m10.path) && !above.contains($0.id!) })
            let branchesBefore = try await figures.branches(above + [beside.id!], period: "2026-11")
            let product = try #require(try await Product.query(on: app.db).first())
            _ = try await OrderService(db: app.db, clock: later).create(code: nil, seller: m10, customerID: nil,
                                                                       lines: [.init(productID: product.id!, quantity: 2)], paidAt: nil, by: .system)
            // Until computed again, pages read the figures as they were, and say when.
            #expect(try await figures.figure(.all, period: "2026-11")?.figure == before)
            #expect(try await figures.refresh() == ["2026-11"])
            let (after, at) = try #require(try await figures.figure(.all, period: "2026-11"))
            #expect(after.sales == before.sales + 2 * product.priceFen && at == testNow.addingTimeInterval(120))
            // m10's branch and every branch above it moved by the order; a branch beside them did not.
            let branchesAfter = try await figures.branches(above + [beside.id!], period: "2026-11")
            for id in above { #expect(branchesAfter[id]!.sales == branchesBefore[id]!.sales + 2 * product.priceFen) }
            #expect(branchesAfter[beside.id!] == branchesBefore[beside.id!])
            #expect(try await figures.refresh() == [])
        }
    }

    @Test func theEstimateIsTheOpenMonthSettledAndStoredPerMember() async throws {
        try await withTestApp { app in
            let estimates = Estimates(db: app.db, clock: app.jiliClock)
            let draft = try await PayService(db: app.db, clock: app.jiliClock).draft(Period(parsing: "2026-11")!, by: .system)
            let result = try await RunResult.read(draft, on: app.db)
            let members = try await Member.query(on: app.db).all()
            var checked = 0
            for m in members {
                let stored = try #require(try await estimates.total(of: m.id!, period: "2026-11"))
                #expect(stored.fen == (result.members.first { $0.member == m.code }?.total ?? 0), "\(m.code)")
                #expect(stored.computedAt == testNow)
                checked += stored.fen > 0 ? 1 : 0
            }
            #expect(checked > 50)
            // Not estimated again within ten minutes, nor when nothing changed within the hour; once
            // an hour it is, whatever the fingerprint missed.
            #expect(try await estimates.refresh() == false)
            #expect(try await Estimates(db: app.db, clock: JiliClock(now: { testNow.addingTimeInterval(1_800) })).refresh() == false)
            #expect(try await Estimates(db: app.db, clock: JiliClock(now: { testNow.addingTimeInterval(3_600) })).refresh() == true)
            // A tier change is an input the orders do not show: estimated again after ten minutes.
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            let later = JiliClock(now: { testNow.addingTimeInterval(3_600 + 700) })
            #expect(try await Estimates(db: app.db, clock: later).refresh() == false)
            let change = TierChange()
            change.$member.id = m10.id!
            (change.fromTier, change.toTier, change.reason, change.by, change.at) = (m10.tier, "general", "manual", "system", testNow)
            try await change.create(on: app.db)
            #expect(try await Estimates(db: app.db, clock: later).refresh() == true)
        }
    }
}

extension TeamFigures {
    /// One month of ``figures(_:periods:)``: the scope's figures and when they were computed; nil before they ever were.
    func figure(_ scope: MemberScope, period: String) async throws -> (figure: Figure, computedAt: Date)? {
        let stored = try await figures(scope, periods: [period])
        guard let figure = stored.figures[period], let at = stored.computedAt[period] else { return nil }
        return (figure, at)
    }
}
