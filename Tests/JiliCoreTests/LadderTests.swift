import Testing
@testable import JiliCore

@Suite struct LadderTests {
    typealias C = Ladder.Criterion

    /// vip → agent (¥3,000 own sales over 3 months, 1 course) → general (¥20,000 team over 3 months,
    /// 2 active directs who sold ¥500 each, clean; kept with ¥10,000 team over 3 months) → director
    /// (appointed: no criteria).
    static let ladder = Ladder(steps: [
        .init(tier: "vip", reach: []),
        .init(tier: "agent", reach: [C(.personalVolume, target: 300_000, months: 3), C(.courses, target: 1)]),
        .init(tier: "general", reach: [C(.teamVolume, target: 2_000_000, months: 3), C(.activeDirects, target: 2, months: 3, minSalesFen: 50_000), C(.clean, target: 0)],
              keep: [C(.teamVolume, target: 1_000_000, months: 3)]),
        .init(tier: "director", reach: []),
    ])

    @Test func aMemberWhoMeetsEveryCriterionOfAHigherTierIsProposedForIt() throws {
        let v = MemberValues(personal: [100_000, 150_000, 50_000, 999_999], courses: 1)
        let p = try #require(Self.ladder.decide(member: 7, tier: "vip", v))
        #expect(p.move == .promote && p.from == "vip" && p.to == "agent" && p.member == 7)
        // The fourth month is outside the three-month window: exactly ¥3,000 reaches the target.
        #expect(p.measures.map(\.actual) == [300_000, 1])
        // One fen short is not enough, and says how short.
        let short = MemberValues(personal: [100_000, 150_000, 49_999], courses: 1)
        #expect(Self.ladder.decide(member: 7, tier: "vip", short) == nil)
        let progress = try #require(Self.ladder.progress(tier: "vip", short))
        #expect(progress.tier == "agent")
        #expect(progress.measures.map(\.shortfall) == [1, 0])
    }

    @Test func directsCountOnlyWhenActiveAndSellingThemselves() throws {
        let directs = [
            MemberValues.Direct(active: true, personal: [50_000, 0, 0]),
            MemberValues.Direct(active: true, personal: [20_000, 20_000, 9_999]),  // ¥499.99: not enough
            MemberValues.Direct(active: false, personal: [90_000, 0, 0]),         // inactive
            MemberValues.Direct(active: true, personal: [0, 0, 0, 80_000]),       // sold outside the window
        ]
        let v = MemberValues(personal: [0, 0, 0], team: [2_500_000, 0, 0], directs: directs)
        let m = Self.ladder.measure(C(.activeDirects, target: 2, months: 3, minSalesFen: 50_000), v)
        #expect(m.actual == 1 && !m.met && m.shortfall == 1)
        // Recruits count every direct member, selling or not.
        #expect(Self.ladder.measure(C(.recruits, target: 4), v).actual == 4)
    }

    @Test func anOpenComplianceCaseStopsAPromotion() throws {
        let directs = Array(repeating: MemberValues.Direct(active: true, personal: [60_000]), count: 2)
        var v = MemberValues(personal: [0], team: [2_000_000], directs: directs, courses: 0, openCases: 1)
        #expect(Self.ladder.decide(member: 1, tier: "agent", v) == nil)
        let clean = try #require(Self.ladder.progress(tier: "agent", v)).measures[2]
        #expect(clean.criterion.kind == .clean && !clean.met && clean.shortfall == 1)
        v.openCases = 0
        let p = try #require(Self.ladder.decide(member: 1, tier: "agent", v))
        #expect(p.to == "general" && p.measures.allSatisfy(\.met))
    }

    @Test func failingAKeepCriterionProposesOneTierDownAndATierWithoutCriteriaIsNeverReached() throws {
        let weak = MemberValues(team: [300_000, 300_000, 399_999])
        let p = try #require(Self.ladder.decide(member: 2, tier: "general", weak))
        #expect(p.move == .demote && p.to == "agent")
        #expect(p.measures.map(\.shortfall) == [1])
        #expect(Self.ladder.decide(member: 2, tier: "general", MemberValues(team: [1_000_000])) == nil)
        // Nobody is proposed for director, whatever they do; the lowest tier is never demoted.
        let huge = MemberValues(personal: [1 << 40], team: [1 << 40], directs: Array(repeating: .init(active: true, personal: [1 << 30]), count: 50), courses: 9)
        #expect(try #require(Self.ladder.decide(member: 3, tier: "agent", huge)).to == "general")
        #expect(Self.ladder.decide(member: 3, tier: "general", huge) == nil)
        #expect(Self.ladder.progress(tier: "general", huge) == nil)
        #expect(Self.ladder.decide(member: 3, tier: "vip", MemberValues()) == nil)
        // A tier the ladder does not name is left alone.
        #expect(Self.ladder.decide(member: 3, tier: "unknown", huge) == nil)
    }

    @Test func aMemberMayBeProposedSeveralTiersUpWhenEveryoneIsMet() throws {
        let directs = Array(repeating: MemberValues.Direct(active: true, personal: [60_000]), count: 2)
        let v = MemberValues(personal: [300_000], team: [2_000_000], directs: directs, courses: 1)
        #expect(try #require(Self.ladder.decide(member: 1, tier: "vip", v)).to == "general")
        // The climb stops at the first tier not met, even when a higher one would be.
        var ladder = Self.ladder
        ladder.steps[2].reach.append(C(.courses, target: 2))
        ladder.steps[3].reach = [C(.teamVolume, target: 1_000_000)]
        let oneCourse = MemberValues(personal: [300_000], team: [2_000_000], directs: directs, courses: 1)
        #expect(try #require(ladder.decide(member: 1, tier: "vip", oneCourse)).to == "agent")
        #expect(ladder.decide(member: 1, tier: "agent", oneCourse) == nil)
        var twoCourses = oneCourse
        twoCourses.courses = 2
        #expect(try #require(ladder.decide(member: 1, tier: "agent", twoCourses)).to == "director")
    }

    @Test func checkRefusesRecruitingAloneAndWarnsOfAnyRecruitCount() {
        var ladder = Self.ladder
        ladder.steps[1].reach = [C(.recruits, target: 10)]
        ladder.steps[2].reach.append(C(.recruits, target: 3))
        let findings = ladder.check()
        #expect(findings.filter { $0.severity == .refusal }.map(\.path) == ["steps[1].reach"])
        #expect(findings.filter { $0.severity == .refusal }.map(\.code) == ["ladder_recruits_only"])
        #expect(findings.filter { $0.severity == .warning }.map(\.path) == ["steps[1].reach[0]", "steps[2].reach[3]"])
        #expect(Self.ladder.check().isEmpty)
    }

    @Test func checkRefusesBadTargetsWindowsAndDuplicateTiers() {
        let bad = Ladder(steps: [
            .init(tier: "vip", reach: []),
            .init(tier: "agent", reach: [C(.personalVolume, target: 0, months: 3), C(.teamVolume, target: 5, months: 13),
                                         C(.activeDirects, target: 1, minSalesFen: 0)]),
            .init(tier: "agent", reach: [C(.clean, target: 0)]),
        ])
        #expect(bad.check().map(\.path) == ["steps[1].reach[0].target", "steps[1].reach[1].months", "steps[1].reach[2].minSalesFen", "steps[2].tier"])
        #expect(bad.check().allSatisfy { $0.severity == .refusal })
    }

    /// Team sales rolled up over a seeded random forest equal the sums over each member's subtree
    /// counted one by one; directs are the members whose sponsor they are.
    @Test(arguments: 0..<50) func teamValuesRollUpEverySubtree(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let n = 1 + Int(random.next() % 60), months = 1 + Int(random.next() % 4)
        // Sponsors always earlier members (or none): a forest.
        let sponsor: [Int32] = (0..<n).map { m in m == 0 || random.next() % 5 == 0 ? -1 : Int32(random.next() % UInt64(m)) }
        let sales: [Int64] = (0..<(n * months)).map { _ in Int64(random.next() % 100_000) }
        let active = (0..<n).map { _ in random.next() % 3 != 0 }
        let t = TeamValues(months: months, sponsor: sponsor, active: active, sales: sales,
                           courses: Array(repeating: 0, count: n), tenureMonths: Array(repeating: 0, count: n), openCases: Array(repeating: 0, count: n))
        func below(_ m: Int) -> [Int] { (0..<n).filter { sponsor[$0] == Int32(m) }.flatMap { [$0] + below($0) } }
        for m in 0..<n {
            let v = t.values(of: m)
            for k in 0..<months {
                #expect(v.team[k] == ([m] + below(m)).reduce(0) { $0 + sales[$1 * months + k] })
            }
            #expect(v.directs.count == sponsor.filter { $0 == Int32(m) }.count)
            #expect(v.personal == Array(sales[(m * months)..<((m + 1) * months)]))
        }
    }
}
