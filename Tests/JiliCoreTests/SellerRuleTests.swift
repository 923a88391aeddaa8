import Testing
@testable import JiliCore

/// commission and tiered: rules that pay the seller on its own sales.
@Suite struct SellerRuleTests {
    let team = members("A,,general", "B,A,agent", "C,B,vip", "D,B,vip,inactive")

    @Test func commissionPaysTheSellersTierRateAndNothingForATierLeftOut() throws {
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rates": {"agent": "0.10", "general": "0.15"}}"#),
                         members: team,
                         orders: orders("o1,A,2026-11-02,100", "o2,B,2026-11-03,200", "o3,C,2026-11-04,300", "o4,D,2026-11-05,400"))
        let r = try s.settle("2026-11")
        // C is vip, a tier the rates leave out: 0. D is inactive: earns nothing.
        #expect(r.rule("retail") == ["A": "15.00", "B": "20.00"])
        #expect(r.total == 3500)
    }

    @Test func commissionWithOneRateForEveryTier() throws {
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.035"}"#),
                         members: team, orders: orders("o1,C,2026-11-02,100.00"))
        #expect(try s.settle("2026-11").rule("retail") == ["C": "3.50"])
    }

    @Test func roundingIsOncePerMemberAndRuleHalfAwayFromZero() throws {
        // Three orders of 0.10 at 5 %: 0.5 fen each. Summed exactly: 1.5 fen, rounded once: 2 fen.
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.05"}"#), members: team,
                         orders: orders("o1,C,2026-11-02,0.10", "o2,C,2026-11-03,0.10", "o3,C,2026-11-04,0.10"))
        #expect(try s.settle("2026-11").rule("retail") == ["C": "0.02"])
        #expect(Micro.roundToFen(1_500_000) == 2)
        #expect(Micro.roundToFen(1_499_999) == 1)
        #expect(Micro.roundToFen(-1_500_000) == -2)
        #expect(Micro.roundToFen(-500_000) == -1)
    }

    @Test func categoriesLimitTheOrdersARuleCounts() throws {
        let s = Scenario(plan: plan(#"{"id": "food", "type": "commission", "rate": "0.10", "categories": ["food"]}"#), members: team,
                         orders: orders("o1,C,2026-11-02,100,,food", "o2,C,2026-11-03,200,,skincare", "o3,C,2026-11-03,400"))
        #expect(try s.settle("2026-11").rule("food") == ["C": "10.00"])
    }

    @Test func marginBaseIsNetAmountLessProportionalNetCost() throws {
        // o1: 100.00, cost 33.33, refunded 33.33 → net 66.67; net cost 33.33 × 66.67 / 100 = 22.221111 → 22.22;
        // margin 44.45; 10 % = 4.445 → 4.45 (half away from zero).
        // o2: cost above amount → negative margin counts as 0.
        // o3: 0.02 with cost 0.01, refunded 0.01 → net cost 0.005 rounds half up to 0.01 → margin 0.
        let s = Scenario(plan: plan(#"{"id": "retail", "type": "commission", "rate": "0.10"}"#, extra: #""base": "margin","#),
                         members: team,
                         orders: orders("o1,C,2026-11-02,100.00,33.33", "o2,C,2026-11-02,50,80", "o3,C,2026-11-02,0.02,0.01"),
                         refunds: refunds("r1,o1,2026-11-20,33.33", "r3,o3,2026-11-20,0.01"))
        #expect(try s.settle("2026-11").rule("retail") == ["C": "4.45"])
    }

    static let brackets = #"[{"from": "0", "rate": "0.01"}, {"from": "1000", "rate": "0.02"}, {"from": "5000", "rate": "0.03"}]"#

    @Test(arguments: [
        ("marginal", "999.99", "10.00"),   // 9.9999 rounds to 10.00
        ("marginal", "1000", "10.00"),     // exactly at a from: the slice above it is empty
        ("marginal", "1000.01", "10.00"),  // + 0.0002
        ("marginal", "6000", "120.00"),    // 10 + 80 + 30
        ("retroactive", "999.99", "10.00"),
        ("retroactive", "1000", "20.00"),  // reaching a from exactly qualifies
        ("retroactive", "6000", "180.00"),
    ])
    func tieredBrackets(mode: String, volume: String, expected: String) throws {
        let s = Scenario(plan: plan(#"{"id": "step", "type": "tiered", "mode": "\#(mode)", "brackets": \#(Self.brackets)}"#),
                         members: team, orders: orders("o1,B,2026-11-02,\(volume)"))
        #expect(try s.settle("2026-11").rule("step") == ["B": expected])
    }

    @Test func tieredCountsTheWholePeriodVolumeNetOfRefunds() throws {
        // Two orders of 800 reach the 1000 bracket together; a refund of 700 brings the volume to 900.
        let p = plan(#"{"id": "step", "type": "tiered", "mode": "retroactive", "brackets": \#(Self.brackets)}"#)
        let o = orders("o1,B,2026-11-02,800", "o2,B,2026-11-20,800")
        #expect(try Scenario(plan: p, members: team, orders: o).settle("2026-11").rule("step") == ["B": "32.00"])
        let refunded = Scenario(plan: p, members: team, orders: o, refunds: refunds("r1,o2,2026-11-25,700"))
        #expect(try refunded.settle("2026-11").rule("step") == ["B": "9.00"])
    }
}
