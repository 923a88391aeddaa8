import Testing
@testable import JiliCore

@Suite struct PointsTests {
    static let day: Int64 = 86_400
    static let t0: Int64 = 1_790_000_000

    @Test func oldestLotsAreSpentFirstAndExpiryIsExactAtItsInstant() throws {
        var a = PointsAccount()
        _ = try a.earn(lotID: 1, source: "order:o1", points: 100, at: Self.t0, expiresAt: Self.t0 + 365 * Self.day)
        _ = try a.earn(lotID: 2, source: "goal:g1", points: 50, at: Self.t0 + Self.day, expiresAt: Self.t0 + 400 * Self.day)
        let (spending, moves) = try a.spend(120, at: Self.t0 + 2 * Self.day, reference: "redemption:7")
        #expect(spending.parts.map(\.lotID) == [1, 2] && spending.parts.map(\.points) == [100, 20])
        #expect(moves == [.init(kind: .spend, lotID: nil, points: -120, at: Self.t0 + 2 * Self.day, reference: "redemption:7")])
        #expect(a.balance == 30)
        #expect(a.nextExpiries(after: Self.t0 + 2 * Self.day).map(\.points) == [30])
        // One second before lot 2's expiry its points are there; at the instant they are gone.
        var before = a
        #expect(before.expire(upTo: Self.t0 + 400 * Self.day - 1).isEmpty && before.balance == 30)
        let gone = a.expire(upTo: Self.t0 + 400 * Self.day)
        #expect(gone == [.init(kind: .expire, lotID: 2, points: -30, at: Self.t0 + 400 * Self.day, reference: "goal:g1")])
        #expect(a.balance == 0 && a.expired == 30)
        #expect(throws: PointsAccount.Refusal.notEnough(asked: 1, available: 0)) { _ = try a.spend(1, at: Self.t0 + 401 * Self.day, reference: "r") }
    }

    @Test func aLotPastItsExpiryCannotBeSpentEvenBeforeTheJobRuns() throws {
        var a = PointsAccount()
        _ = try a.earn(lotID: 1, source: "s", points: 10, at: Self.t0, expiresAt: Self.t0 + 10)
        #expect(throws: PointsAccount.Refusal.notEnough(asked: 5, available: 0)) { _ = try a.spend(5, at: Self.t0 + 10, reference: "r") }
        // A refused operation changes nothing; the expiry job expires the lot.
        #expect(a.expired == 0 && a.lots[0].remaining == 10)
        #expect(a.expire(upTo: Self.t0 + 10).map(\.points) == [-10])
    }

    @Test func takingBackSpentPointsLeavesADebtThatLaterEarningsRepay() throws {
        var a = PointsAccount()
        _ = try a.earn(lotID: 1, source: "order:o1", points: 100, at: Self.t0, expiresAt: nil)
        _ = try a.earn(lotID: 2, source: "order:o2", points: 40, at: Self.t0 + 1, expiresAt: Self.t0 + 100)
        _ = try a.spend(100, at: Self.t0 + 2, reference: "redemption:1")
        // o1 is refunded: its 100 points were spent, so they are owed; the 40 left of o2 repay part at once.
        let back = try a.reverse(source: "order:o1", points: 100, at: Self.t0 + 3)
        #expect(back == [.init(kind: .reverse, lotID: 1, points: -100, at: Self.t0 + 3, reference: "order:o1")])
        #expect(a.balance == -60 && a.debt == 60)
        #expect(a.lots.first { $0.id == 2 }?.repaid == 40)
        // o2's lot expires: nothing is left of it to expire (it repaid the debt).
        #expect(a.expire(upTo: Self.t0 + 100).isEmpty)
        // The next 80 points repay the 60 owed; 20 are left to spend.
        _ = try a.earn(lotID: 3, source: "goal:g", points: 80, at: Self.t0 + 200, expiresAt: nil)
        #expect(a.balance == 20 && a.debt == 0)
        #expect(a.earned == a.spent + a.expired + a.reversed + a.balance)
        #expect(throws: PointsAccount.Refusal.nothingToReverse("order:o1")) { _ = try a.reverse(source: "order:o1", points: 1, at: Self.t0 + 300) }
    }

    @Test func expiredPointsAreNotTakenBack() throws {
        var a = PointsAccount()
        _ = try a.earn(lotID: 1, source: "order:o1", points: 100, at: Self.t0, expiresAt: Self.t0 + 10)
        _ = try a.spend(30, at: Self.t0 + 1, reference: "r")
        // 70 expired; the refund takes back only the 30 that were used, as debt.
        _ = try a.reverse(source: "order:o1", points: 100, at: Self.t0 + 20)
        #expect(a.expired == 70 && a.reversed == 30 && a.debt == 30 && a.balance == -30)
    }

    @Test func cancellingGivesBackToTheSameLotsWithTheirExpiry() throws {
        var a = PointsAccount()
        _ = try a.earn(lotID: 1, source: "a", points: 60, at: Self.t0, expiresAt: Self.t0 + 50)
        _ = try a.earn(lotID: 2, source: "b", points: 60, at: Self.t0 + 1, expiresAt: nil)
        let (spending, _) = try a.spend(90, at: Self.t0 + 2, reference: "redemption:9")
        // Cancelled after lot 1 expired: its 60 come back and expire at once; lot 2's 30 stay.
        let moves = a.cancel(spending, at: Self.t0 + 60)
        #expect(moves.map(\.kind) == [.cancel, .expire] && moves.map(\.points) == [90, -60])
        #expect(a.balance == 60 && a.spent == 0 && a.expired == 60)
    }

    @Test func badAmountsAndLotsAreRefused() throws {
        var a = PointsAccount()
        #expect(throws: PointsAccount.Refusal.notPositive(0)) { _ = try a.earn(lotID: 1, source: "s", points: 0, at: Self.t0, expiresAt: nil) }
        _ = try a.earn(lotID: 1, source: "s", points: 5, at: Self.t0, expiresAt: nil)
        #expect(throws: PointsAccount.Refusal.badLot(1)) { _ = try a.earn(lotID: 1, source: "s", points: 5, at: Self.t0, expiresAt: nil) }
        #expect(throws: PointsAccount.Refusal.badLot(2)) { _ = try a.earn(lotID: 2, source: "s", points: 5, at: Self.t0, expiresAt: Self.t0) }
        #expect(throws: PointsAccount.Refusal.notPositive(-3)) { _ = try a.spend(-3, at: Self.t0, reference: "r") }
        #expect(throws: PointsAccount.Refusal.notEnough(asked: 6, available: 5)) { _ = try a.spend(6, at: Self.t0, reference: "r") }
        #expect(a.balance == 5 && a.spent == 0)
    }

    @Test func monthlyCapsLimitWhatARuleGives() {
        #expect(PointsCap.allowed(30, earnedThisMonth: 80, cap: 100) == 20)
        #expect(PointsCap.allowed(30, earnedThisMonth: 100, cap: 100) == 0)
        #expect(PointsCap.allowed(30, earnedThisMonth: 120, cap: 100) == 0)
        #expect(PointsCap.allowed(30, earnedThisMonth: 0, cap: nil) == 30)
    }

    /// Seeded random histories: the invariants hold after every operation.
    @Test(arguments: 0..<200) func invariantsHoldThroughRandomHistories(seed: UInt64) throws {
        var random = SeededRandom(seed: seed &+ 0x5EED)
        var a = PointsAccount()
        var now = Self.t0
        var nextLot: Int64 = 1
        var spendings: [PointsAccount.Spending] = []
        var sources: [String] = []
        for _ in 0..<150 {
            now += Int64(random.below(10 * Int(Self.day)))
            var moves: [PointsAccount.Movement] = []
            let before = a.balance
            switch random.below(10) {
            case 0...3:
                let source = "s\(random.below(12))"
                let expires: Int64? = random.chance(80) ? now + Int64(1 + random.below(60 * Int(Self.day))) : nil
                moves = try a.earn(lotID: nextLot, source: source, points: Int64(1 + random.below(500)), at: now, expiresAt: expires)
                nextLot += 1
                sources.append(source)
            case 4...5:
                let ask = Int64(1 + random.below(400))
                moves = a.expire(upTo: now)
                if ask <= a.balance {
                    let (s, m) = try a.spend(ask, at: now, reference: "r\(spendings.count)")
                    moves += m
                    spendings.append(s)
                    // Spent only from lots that had not expired at that instant.
                    for part in s.parts { #expect(!(a.lots.first { $0.id == part.lotID }!.isExpired(at: now))) }
                } else {
                    #expect(throws: PointsAccount.Refusal.notEnough(asked: ask, available: max(0, a.balance))) { _ = try a.spend(ask, at: now, reference: "x") }
                }
            case 6:
                if !spendings.isEmpty { moves = a.cancel(spendings.remove(at: random.below(spendings.count)), at: now) }
            case 7...8:
                if let source = sources.randomElement(using: &random) {
                    do { moves = try a.reverse(source: source, points: Int64(1 + random.below(300)), at: now) } catch PointsAccount.Refusal.nothingToReverse {}
                }
            default:
                moves = a.expire(upTo: now)
            }
            // The movements say exactly how the balance changed.
            #expect(before + moves.reduce(0) { $0 + $1.points } == a.balance, "seed \(seed)")
            // earned = spent + expired + reversed + balance.
            #expect(a.earned == a.spent + a.expired + a.reversed + a.balance, "seed \(seed)")
            for lot in a.lots {
                // No point is used twice; no part is negative.
                #expect(lot.amount == lot.repaid + lot.spent + lot.expired + lot.reversed + lot.remaining, "seed \(seed)")
                #expect([lot.repaid, lot.spent, lot.expired, lot.reversed, lot.reversedAsDebt, lot.remaining].allSatisfy { $0 >= 0 }, "seed \(seed)")
                // Never more taken back than was not expired.
                #expect(lot.reversed + lot.reversedAsDebt <= lot.amount - lot.expired, "seed \(seed)")
            }
            // Owing and holding points at once does not happen: what is left repays the debt.
            #expect(a.debt == 0 || a.lots.allSatisfy { $0.remaining == 0 }, "seed \(seed)")
            #expect(a.debt >= 0)
        }
    }
}
