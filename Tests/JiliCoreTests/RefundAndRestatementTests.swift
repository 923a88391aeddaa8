import Testing
@testable import JiliCore

@Suite struct RefundAndRestatementTests {
    let team = members("A,,general", "B,A,agent", "C,B,vip")
    let retail = plan(#"{"id": "retail", "type": "commission", "rates": {"vip": "0.05", "agent": "0.10", "general": "0.15"}}"#)

    @Test func fullAndPartialRefundsInTheSameMonthReduceTheBase() throws {
        let s = Scenario(plan: retail, members: team, orders: orders("o1,B,2026-11-02,1000", "o2,B,2026-11-03,500"),
                         refunds: refunds("r1,o1,2026-11-10,1000", "r2,o2,2026-11-10,100", "r3,o2,2026-11-11,50"))
        let r = try s.settle("2026-11")
        #expect(r.rule("retail") == ["B": "35.00"])
        #expect(r.members.allSatisfy { $0.adjustments.isEmpty })
    }

    @Test func aRefundInALaterMonthRestatesTheOrdersMonth() throws {
        let s = Scenario(plan: retail, members: team, orders: orders("o1,B,2026-10-02,1000", "o2,B,2026-11-03,500"),
                         refunds: refunds("r1,o1,2026-11-10,400"))
        // October, settled in October, does not see November's refund.
        #expect(try s.settle("2026-10").table == ["B.retail": "100.00", "B.total": "100.00"])
        // November pays its own 50 and adjusts October by (60 − 100).
        let r = try s.settle("2026-11")
        #expect(r.table == ["B.retail": "50.00", "B.adj.retail": "-40.00", "B.total": "10.00"])
        #expect(r.restated == [Period(parsing: "2026-10")!])
    }

    @Test func restatementOverTwoLaterMonths() throws {
        // September order 1000; refunds of 100 in October and 200 in November.
        let s = Scenario(plan: retail, members: team, orders: orders("o1,B,2026-09-15,1000"),
                         refunds: refunds("r1,o1,2026-10-10,100", "r2,o1,2026-11-10,200"))
        #expect(try s.settle("2026-09").table == ["B.retail": "100.00", "B.total": "100.00"])
        #expect(try s.settle("2026-10").table == ["B.adj.retail": "-10.00", "B.total": "-10.00"])
        // November restates September with refunds up to November (70) against up to October (90).
        #expect(try s.settle("2026-11").table == ["B.adj.retail": "-20.00", "B.total": "-20.00"])
        #expect(try s.settle("2026-12").table == [:])
    }

    @Test func restatementReachesUplineRules() throws {
        let p = plan(#"{"id": "jicha", "type": "differential", "rates": {"vip": "0.05", "agent": "0.10", "general": "0.15"}}"#)
        let s = Scenario(plan: p, members: team, orders: orders("o1,C,2026-10-02,1000"), refunds: refunds("r1,o1,2026-11-02,1000"))
        #expect(try s.settle("2026-11").table == ["A.adj.jicha": "-50.00", "A.total": "-50.00",
                                                   "B.adj.jicha": "-50.00", "B.total": "-50.00"])
    }

    @Test func prizesAreFinalInARestatement() throws {
        // October: A is champion with 300 and retail 45; November refunds all of it.
        let p = plan(#"""
            {"id": "retail", "type": "commission", "rates": {"general": "0.15"}},
            {"id": "champion", "type": "rankBonus", "prizes": [{"rank": 1, "amount": "300"}]},
            {"id": "goal", "type": "goalBonus", "thresholds": [{"attainment": "1", "amount": "100"}]}
            """#)
        let s = Scenario(plan: p, members: team, orders: orders("o5,A,2026-10-20T15:00:00+08:00,300"),
                         refunds: refunds("r1,o5,2026-11-03,300"), goals: goals("A,2026-10,300"))
        #expect(try s.settle("2026-10").table == ["A.retail": "45.00", "A.champion": "300.00", "A.goal": "100.00", "A.total": "445.00"])
        #expect(try s.settle("2026-11").table == ["A.adj.retail": "-45.00", "A.total": "-45.00"])
    }

    @Test func capTogetherWithAdjustments() throws {
        // Cap 100. September: 2000 at 10 % = 200, capped by −100. October refunds 1500 of it:
        // September becomes 50 with no cap line, so October adjusts retail by −150 and cap by +100.
        // October's own 1500 pays 150, capped by −50.
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.10"}"#, extra: #""capPerMember": "100","#),
                         members: team, orders: orders("o1,B,2026-09-10,2000", "o2,B,2026-10-10,1500"),
                         refunds: refunds("r1,o1,2026-10-20,1500"))
        #expect(try s.settle("2026-09").table == ["B.retail": "200.00", "B.cap": "-100.00", "B.total": "100.00"])
        #expect(try s.settle("2026-10").table == [
            "B.retail": "150.00", "B.cap": "-50.00",
            "B.adj.retail": "-150.00", "B.adj.cap": "100.00", "B.total": "50.00",
        ])
    }

    @Test func capCountsPrizesOfTheRestatedMonth() throws {
        // Cap 300. October: retail 45 + champion 300 = 345, capped by −45. November refunds 100:
        // October again: retail 30 + 300 (final) = 330 → cap −30. Adjustments: retail −15, cap +15.
        let p = plan(#"""
            {"id": "retail", "type": "commission", "rates": {"general": "0.15"}},
            {"id": "champion", "type": "rankBonus", "prizes": [{"rank": 1, "amount": "300"}]}
            """#, extra: #""capPerMember": "300","#)
        let s = Scenario(plan: p, members: team, orders: orders("o5,A,2026-10-20,300"), refunds: refunds("r1,o5,2026-11-03,100"))
        #expect(try s.settle("2026-11").table == ["A.adj.retail": "-15.00", "A.adj.cap": "15.00", "A.total": "0.00"])
    }

    @Test func ordersAndRefundsOutsideTheMonthAreLeftOut() throws {
        let s = Scenario(plan: retail, members: team,
                         orders: orders("o1,B,2026-12-01T00:00:00+08:00,1000", "o2,B,2026-11-30T23:59:59+08:00,100"),
                         refunds: refunds("r1,o2,2026-12-01T00:00:01+08:00,100"))
        #expect(try s.settle("2026-11").table == ["B.retail": "10.00", "B.total": "10.00"])
        #expect(try s.settle("2026-12").table == ["B.retail": "100.00", "B.adj.retail": "-10.00", "B.total": "90.00"])
    }
}
