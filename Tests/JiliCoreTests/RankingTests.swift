import JiliCore
import Testing

struct RankingTests {
    @Test func tiesShareARankAndTheNextSkips() {
        let r = Ranking.rank([(id: "c", value: 500), (id: "a", value: 900), (id: "d", value: 500), (id: "b", value: 900), (id: "e", value: 100)])
        #expect(r.map(\.id) == ["a", "b", "c", "d", "e"])
        #expect(r.map(\.rank) == [1, 1, 3, 3, 5])
    }

    @Test func theOrderNeverDependsOnTheInputOrder() {
        var random = SeededRandom(seed: 11)
        let values = (0..<200).map { (id: "m\($0)", value: Int64(random.below(20))) }
        let expected = Ranking.rank(values)
        for _ in 0..<20 {
            var shuffled = values
            for i in shuffled.indices.reversed() { shuffled.swapAt(i, random.below(i + 1)) }
            #expect(Ranking.rank(shuffled) == expected)
        }
        // Every rank is one more than the number of entries with a larger value.
        for e in expected { #expect(e.rank == 1 + expected.filter { $0.value > e.value }.count) }
        #expect(Ranking.rank([(id: 1, value: 5)]).first?.rank == 1 && Ranking.rank([(id: Int, value: Int64)]()).isEmpty)
    }

    @Test func progressInBasisPointsRoundedDown() {
        #expect(GoalProgress(actual: 87_500, target: 100_000).percent == "87.5%")
        #expect(GoalProgress(actual: 99_999, target: 100_000).basisPoints == 9_999)
        #expect(!GoalProgress(actual: 99_999, target: 100_000).reached && GoalProgress(actual: 99_999, target: 100_000).remaining == 1)
        #expect(GoalProgress(actual: 150_000, target: 100_000).percent == "150%" && GoalProgress(actual: 150_000, target: 100_000).reached)
        #expect(GoalProgress(actual: -5, target: 100).basisPoints == 0 && GoalProgress(actual: 5, target: 0).basisPoints == 0)
        #expect(GoalProgress(actual: Int64.max, target: 2).basisPoints == Int64.max / 2)
    }

    @Test func growthInBasisPoints() {
        #expect(Ranking.growth(from: 100_000, to: 150_000) == 5_000)
        #expect(Ranking.growth(from: 300, to: 200) == -3_333)
        #expect(Ranking.growth(from: 0, to: 500) == nil && Ranking.growth(from: -1, to: 5) == nil)
    }

    @Test func windowsKnowTheirMonths() {
        #expect(GoalWindow(parsing: "2026-Q4")!.months.map(\.description) == ["2026-10", "2026-11", "2026-12"])
        #expect(GoalWindow(parsing: "2026")!.months.count == 12 && GoalWindow(parsing: "2026")!.months.first?.description == "2026-01")
        #expect(GoalWindow.holding(Period(parsing: "2026-11")!, kind: .quarter).description == "2026-Q4")
        #expect(GoalWindow.holding(Period(parsing: "2026-01")!, kind: .quarter).description == "2026-Q1")
        #expect(GoalWindow.holding(Period(parsing: "2026-11")!, kind: .year).description == "2026")
    }
}
