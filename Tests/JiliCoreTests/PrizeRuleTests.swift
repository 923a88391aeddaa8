import Testing
@testable import JiliCore

/// goalBonus and rankBonus: prizes in the last month of a window.
@Suite struct PrizeRuleTests {
    let team = members("A,,general", "B,A,agent", "C,B,vip", "D,B,vip", "E,B,vip,inactive")
    static let goal = #"{"id": "goal", "type": "goalBonus", "window": "WINDOW", "thresholds": [{"attainment": "1.0", "amount": "200"}, {"attainment": "1.5", "amount": "500"}]}"#

    func goalPlan(_ window: String) -> String { plan(Self.goal.replacingOccurrences(of: "WINDOW", with: window)) }

    @Test(arguments: [("999.99", nil), ("1000", "200.00"), ("1499.99", "200.00"), ("1500", "500.00"), ("9000", "500.00")])
    func goalAttainmentExactlyAtAThresholdQualifies(volume: String, expected: String?) throws {
        let s = Scenario(plan: goalPlan("month"), members: team, orders: orders("o1,C,2026-11-02,\(volume)"),
                         goals: goals("C,2026-11,1000"))
        #expect(try s.settle("2026-11").rule("goal") == (expected.map { ["C": $0] } ?? [:]))
    }

    /// The contract pays "the highest threshold with attainment reached", in whatever order the
    /// thresholds are written (they were refused unless ascending).
    @Test(arguments: [("999.99", nil), ("1000", "200.00"), ("1499.99", "200.00"), ("1500", "500.00"), ("2000", "800.00")])
    func thresholdsInAnyOrderPayTheHighestReached(volume: String, expected: String?) throws {
        let rule = #"{"id": "goal", "type": "goalBonus", "thresholds": [{"attainment": "1.5", "amount": "500"}, {"attainment": "2", "amount": "800"}, {"attainment": "1.0", "amount": "200"}]}"#
        let s = Scenario(plan: plan(rule), members: team, orders: orders("o1,C,2026-11-02,\(volume)"), goals: goals("C,2026-11,1000"))
        #expect(try s.settle("2026-11").rule("goal") == (expected.map { ["C": $0] } ?? [:]))
    }

    @Test func goalOfAnInactiveMemberOrWithoutAGoalPaysNothing() throws {
        let s = Scenario(plan: goalPlan("month"), members: team,
                         orders: orders("o1,E,2026-11-02,5000", "o2,D,2026-11-02,5000"), goals: goals("E,2026-11,1000"))
        #expect(try s.settle("2026-11").rule("goal") == [:])
    }

    @Test func quarterGoalPaysOnlyInTheQuartersLastMonthOnItsWholeVolume() throws {
        let s = Scenario(plan: goalPlan("quarter"), members: team,
                         orders: orders("o1,C,2026-10-02,400", "o2,C,2026-11-02,400", "o3,C,2026-12-02,200", "o4,C,2026-09-30,5000"),
                         goals: goals("C,2026-Q4,1000", "C,2026-11,10"))
        #expect(try s.settle("2026-11").rule("goal") == [:])
        #expect(try s.settle("2026-12").rule("goal") == ["C": "200.00"])
    }

    @Test func yearGoalPaysInDecember() throws {
        let s = Scenario(plan: goalPlan("year"), members: team,
                         orders: orders("o1,C,2026-01-15,900", "o2,C,2026-12-31T23:59:59+08:00,600", "o3,C,2027-01-01T00:00:00+08:00,900"),
                         goals: goals("C,2026,1000"))
        #expect(try s.settle("2026-11").rule("goal") == [:])
        #expect(try s.settle("2026-12").rule("goal") == ["C": "500.00"])
    }

    @Test func windowVolumeIsNetOfRefundsUpToTheSettledMonth() throws {
        // Q4 goal 1000: October 1000, refunded 100 in November → 900 in December: below 100 %.
        let s = Scenario(plan: goalPlan("quarter"), members: team, orders: orders("o1,C,2026-10-02,1000"),
                         refunds: refunds("r1,o1,2026-11-02,100"), goals: goals("C,2026-Q4,1000"))
        #expect(try s.settle("2026-12").rule("goal") == [:])
        // A refund dated after the settled month does not count yet.
        let later = Scenario(plan: goalPlan("quarter"), members: team, orders: orders("o1,C,2026-10-02,1000"),
                             refunds: refunds("r1,o1,2027-01-02,100"), goals: goals("C,2026-Q4,1000"))
        #expect(try later.settle("2026-12").rule("goal") == ["C": "200.00"])
    }

    static let rank = #"{"id": "champion", "type": "rankBonus", "window": "month", "prizes": [{"rank": 1, "amount": "100"}, {"rank": 2, "amount": "50"}, {"rank": 3, "amount": "20"}]MIN}"#

    @Test func rankTiesShareARank() throws {
        let s = Scenario(plan: plan(Self.rank.replacingOccurrences(of: "MIN", with: "")), members: team,
                         orders: orders("o1,C,2026-11-02,500", "o2,D,2026-11-02,500", "o3,B,2026-11-02,300", "o4,A,2026-11-02,100"))
        // C and D share rank 1; B is third; nobody is second; A (fourth) has no prize.
        #expect(try s.settle("2026-11").rule("champion") == ["C": "100.00", "D": "100.00", "B": "20.00"])
    }

    @Test func rankLeavesOutInactiveMembersAndVolumesBelowTheMinimum() throws {
        let s = Scenario(plan: plan(Self.rank.replacingOccurrences(of: "MIN", with: #", "minimumVolume": "200""#)), members: team,
                         orders: orders("o1,E,2026-11-02,9000", "o2,D,2026-11-02,500", "o3,B,2026-11-02,199.99"))
        #expect(try s.settle("2026-11").rule("champion") == ["D": "100.00"])
    }

    @Test func rankWithoutAnySalesPaysNobody() throws {
        let s = Scenario(plan: plan(Self.rank.replacingOccurrences(of: "MIN", with: "")), members: team,
                         orders: orders("o1,C,2026-11-02,500", "o2,D,2026-11-02,300"),
                         refunds: refunds("r1,o1,2026-11-03,500", "r2,o2,2026-11-03,300"))
        #expect(try s.settle("2026-11").rule("champion") == [:])
    }

    @Test func quarterRankPaysOnlyInTheQuartersLastMonth() throws {
        let p = plan(Self.rank.replacingOccurrences(of: "\"month\"", with: "\"quarter\"").replacingOccurrences(of: "MIN", with: ""))
        let s = Scenario(plan: p, members: team, orders: orders("o1,C,2026-10-02,500", "o2,D,2026-12-02,400", "o3,D,2026-11-02,200"))
        #expect(try s.settle("2026-11").rule("champion") == [:])
        #expect(try s.settle("2026-12").rule("champion") == ["D": "100.00", "C": "50.00"])
    }
}
