import Testing
@testable import JiliCore

@Suite struct ProfitSharingTests {
    @Test func aPoolIsAShareOfProfitOrAFixedSum() {
        // ¥100,000 sales, ¥40,000 cost, ¥20,000 pay: ¥40,000 profit; 5 % is ¥2,000.
        #expect(ProfitSharing.pool(salesFen: 10_000_000, costFen: 4_000_000, payFen: 2_000_000, rateBasisPoints: 500, fixedFen: nil) == 200_000)
        // A loss shares nothing; a fixed sum is the sum.
        #expect(ProfitSharing.pool(salesFen: 1_000, costFen: 4_000, payFen: 0, rateBasisPoints: 500, fixedFen: nil) == 0)
        #expect(ProfitSharing.pool(salesFen: 0, costFen: 0, payFen: 0, rateBasisPoints: 0, fixedFen: 888_800) == 888_800)
    }

    @Test func sharesAddUpToThePoolWithTheLeftoverFenToTheLargestRemainders() throws {
        // 100 fen by 1:1:1 → 33.33 each: the first gets the extra fen (ties in the order given).
        let thirds = try ProfitSharing.split(100, weights: [("a", 1), ("b", 1), ("c", 1)])
        #expect(thirds.map(\.fen) == [34, 33, 33])
        // 1,000 fen by 3:2:2 → 428.57, 285.71, 285.71: the two larger remainders (.71) get one fen each.
        let split = try ProfitSharing.split(1_000, weights: [("a", 3), ("b", 2), ("c", 2)])
        #expect(split.map(\.fen) == [428, 286, 286])
        // A weight of 0 gets nothing.
        #expect(try ProfitSharing.split(10, weights: [("a", 0), ("b", 5)]).map(\.fen) == [0, 10])
    }

    @Test func badWeightsAndPeriodsAreRefused() {
        #expect(throws: ProfitSharing.Refusal.badWeights) { _ = try ProfitSharing.split(100, weights: [("a", 0), ("b", 0)]) }
        #expect(throws: ProfitSharing.Refusal.badWeights) { _ = try ProfitSharing.split(100, weights: [("a", -1), ("b", 3)]) }
        #expect(throws: ProfitSharing.Refusal.badWeights) { _ = try ProfitSharing.split(100, weights: []) }
        #expect(throws: ProfitSharing.Refusal.negativePool(-1)) { _ = try ProfitSharing.split(-1, weights: [("a", 1)]) }
        #expect(throws: ProfitSharing.Refusal.badPeriods(0)) { _ = try ProfitSharing.vesting(100, periods: 0) }
    }

    @Test func vestingPaysTheShareInEqualPartsTheRestFirst() throws {
        #expect(try ProfitSharing.vesting(100, periods: 3) == [34, 33, 33])
        #expect(try ProfitSharing.vesting(90, periods: 3) == [30, 30, 30])
        #expect(try ProfitSharing.vesting(2, periods: 3) == [1, 1, 0])
    }

    /// Seeded random pools and weights: shares never negative, add up to the pool, and no share is
    /// more than one fen from its exact value.
    @Test(arguments: 0..<300) func splitsReconcile(seed: UInt64) throws {
        var random = SeededRandom(seed: seed &+ 0xD1F1)
        let pool = Int64(random.below(10_000_000_000))
        let weights = (0..<(1 + random.below(400))).map { (id: "m\($0)", weight: Int64(random.below(100_000))) }
        guard weights.contains(where: { $0.weight > 0 }) else { return }
        let shares = try ProfitSharing.split(pool, weights: weights)
        #expect(shares.reduce(0) { $0 + $1.fen } == pool)
        let total = weights.reduce(Int64(0)) { $0 + $1.weight }
        for (share, w) in zip(shares, weights) {
            let exact = Double(pool) * Double(w.weight) / Double(total)
            #expect(share.fen >= 0 && abs(Double(share.fen) - exact) < 1.000001, "seed \(seed)")
        }
        let periods = 1 + random.below(12)
        let parts = try ProfitSharing.vesting(shares[0].fen, periods: periods)
        #expect(parts.reduce(0, +) == shares[0].fen && parts.count == periods && (parts.max()! - parts.min()!) <= 1)
    }
}
