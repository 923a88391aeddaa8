import Testing
@testable import JiliCore

/// differential, sameLevel and override: rules that pay uplines on a seller's orders.
@Suite struct UplineRuleTests {
    static let differential = #"{"id": "jicha", "type": "differential", "rates": {"vip": "0.05", "agent": "0.10", "general": "0.15"}}"#

    @Test func differentialPaysEachHigherRateTheDifference() throws {
        // S(vip) ← U1(vip) ← U2(agent) ← U3(agent) ← U4(general): U1 has no higher rate, U2 earns 5 %, U3 nothing, U4 5 %.
        let s = Scenario(plan: plan(Self.differential),
                         members: members("U4,,general", "U3,U4,agent", "U2,U3,agent", "U1,U2,vip", "S,U1,vip"),
                         orders: orders("o1,S,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("jicha") == ["U2": "50.00", "U4": "50.00"])
    }

    @Test func differentialPassesOverInactiveUplines() throws {
        // B (agent) is inactive: A (general) earns the whole 15 % − 5 % above C.
        let s = Scenario(plan: plan(Self.differential), members: members("A,,general", "B,A,agent,inactive", "C,B,vip"),
                         orders: orders("o1,C,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("jicha") == ["A": "100.00"])
    }

    @Test func differentialOfASellerAtTheTopRatePaysNobody() throws {
        let s = Scenario(plan: plan(Self.differential), members: members("A,,general", "B,A,general"),
                         orders: orders("o1,B,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("jicha") == [:])
    }

    @Test func sameLevelPaysGenerationsAtTheRunningLevel() throws {
        // S(agent) ← U1(agent) ← U2(agent) ← U3(agent): two generations, so U1 and U2 earn, U3 does not.
        // Two generations at each of three levels can pay six uplines: the plan declares maxDepth 6.
        let p = plan(#"{"id": "pingji", "type": "sameLevel", "rate": "0.02", "generations": 2}"#, maxDepth: 6)
        let s = Scenario(plan: p, members: members("U3,,agent", "U2,U3,agent", "U1,U2,agent", "S,U1,agent"),
                         orders: orders("o1,S,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("pingji") == ["U1": "20.00", "U2": "20.00"])
    }

    @Test func sameLevelAHigherTierRaisesTheLevelAndResetsTheCount() throws {
        // S(agent) ← U1(agent) ← U2(general) ← U3(agent) ← U4(general):
        // U1 earns (count 1 of 1); U2 raises the level; U3 is lower: nothing; U4 is at the level: earns.
        let p = plan(#"{"id": "pingji", "type": "sameLevel", "rate": "0.02"}"#)
        let s = Scenario(plan: p, members: members("U4,,general", "U3,U4,agent", "U2,U3,general", "U1,U2,agent", "S,U1,agent"),
                         orders: orders("o1,S,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("pingji") == ["U1": "20.00", "U4": "20.00"])
    }

    @Test func sameLevelIneligibleTiersEarnNothingAndCountNothing() throws {
        // Only general is eligible. S(agent) ← U1(agent) ← U2(general) ← U3(general) ← U4(general):
        // U1 is at the level but ineligible; U2 raises the level; U3 earns; U4 would be the second generation.
        let p = plan(#"{"id": "pingji", "type": "sameLevel", "rate": "0.02", "tiers": ["general"]}"#)
        let s = Scenario(plan: p, members: members("U4,,general", "U3,U4,general", "U2,U3,general", "U1,U2,agent", "S,U1,agent"),
                         orders: orders("o1,S,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("pingji") == ["U3": "20.00"])
    }

    @Test func sameLevelPassesOverInactiveUplines() throws {
        let p = plan(#"{"id": "pingji", "type": "sameLevel", "rate": "0.02"}"#)
        let s = Scenario(plan: p, members: members("U2,,agent", "U1,U2,agent,left", "S,U1,agent"),
                         orders: orders("o1,S,2026-11-02,1000"))
        #expect(try s.settle("2026-11").rule("pingji") == ["U2": "20.00"])
    }

    // S sells 1000. S ← U1 (sells 0) ← U2 (sells 200) ← U3 (sells 300). Rates 3 %, 1 %; requires 100.
    let chain = members("U3,,general", "U2,U3,agent", "U1,U2,agent", "S,U1,vip")
    let chainOrders = orders("o1,S,2026-11-02,1000", "o2,U2,2026-11-03,200", "o3,U3,2026-11-04,300")

    @Test func overrideWithCompressionPaysTheNthQualifiedUpline() throws {
        let p = plan(#"{"id": "team", "type": "override", "rates": ["0.03", "0.01"], "requiresVolume": "100"}"#)
        let r = try Scenario(plan: p, members: chain, orders: chainOrders).settle("2026-11")
        // On o1: U1 is not qualified and is passed over; U2 is the first (30), U3 the second (10).
        // On o2: U3 is U2's first qualified upline (6).
        #expect(r.rule("team") == ["U2": "30.00", "U3": "16.00"])
    }

    @Test func overrideWithoutCompressionEveryUplineUsesAGeneration() throws {
        let p = plan(#"{"id": "team", "type": "override", "rates": ["0.03", "0.01"], "requiresVolume": "100", "compression": false}"#)
        let r = try Scenario(plan: p, members: chain, orders: chainOrders).settle("2026-11")
        // On o1: U1 uses generation 1 and earns nothing; U2 is generation 2 (10). On o2: U3 generation 1 (6).
        #expect(r.rule("team") == ["U2": "10.00", "U3": "6.00"])
    }

    @Test func overrideVolumeExactlyAtTheRequirementQualifies() throws {
        let p = plan(#"{"id": "team", "type": "override", "rates": ["0.03"], "requiresVolume": "200"}"#)
        let r = try Scenario(plan: p, members: chain, orders: chainOrders).settle("2026-11")
        #expect(r.rule("team") == ["U2": "30.00", "U3": "6.00"])
        let higher = plan(#"{"id": "team", "type": "override", "rates": ["0.03"], "requiresVolume": "200.01"}"#)
        // U2 (200) no longer qualifies: o1 pays U3 30, o2 pays U3 6.
        #expect(try Scenario(plan: higher, members: chain, orders: chainOrders).settle("2026-11").rule("team") == ["U3": "36.00"])
    }

    @Test func overrideQualificationUsesVolumeNetOfRefunds() throws {
        let p = plan(#"{"id": "team", "type": "override", "rates": ["0.03"], "requiresVolume": "100"}"#)
        let r = try Scenario(plan: p, members: chain, orders: chainOrders, refunds: refunds("r1,o2,2026-11-20,150")).settle("2026-11")
        // U2's volume is now 50: not qualified, so o1 pays U3; U2's own 50 pays U3 3 % = 1.50.
        #expect(r.rule("team") == ["U3": "31.50"])
    }
}
