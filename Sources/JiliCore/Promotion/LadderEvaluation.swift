/// What one member has done, as the ladder's criteria read it. Months run back from the evaluated
/// month: index 0 is that month, 1 the month before, and so on.
public struct MemberValues: Equatable, Sendable {
    public struct Direct: Equatable, Sendable {
        public var active: Bool
        public var personal: [Int64]
        public init(active: Bool, personal: [Int64]) {
            self.active = active
            self.personal = personal
        }
    }
    public var personal: [Int64]
    /// The member's sales and those of everyone below them.
    public var team: [Int64]
    public var directs: [Direct]
    public var courses: Int
    public var tenureMonths: Int
    public var openCases: Int

    public init(personal: [Int64] = [], team: [Int64] = [], directs: [Direct] = [], courses: Int = 0, tenureMonths: Int = 0, openCases: Int = 0) {
        self.personal = personal
        self.team = team
        self.directs = directs
        self.courses = courses
        self.tenureMonths = tenureMonths
        self.openCases = openCases
    }
}

/// A criterion measured for one member: what they have, what it asks, and whether it is met.
public struct Measure: Equatable, Sendable {
    public var criterion: Ladder.Criterion
    public var actual: Int64
    public var met: Bool
    /// What is still missing (0 when met): fen, a count or months; for `clean`, the open cases.
    public init(criterion: Ladder.Criterion, actual: Int64, met: Bool) {
        self.criterion = criterion
        self.actual = actual
        self.met = met
    }
    public var shortfall: Int64 { met ? 0 : (criterion.kind == .clean ? actual : criterion.target - actual) }
}

public enum Move: String, Sendable, Codable { case promote, demote }

/// A proposed change of tier, with the measures that justify it: for a promotion every criterion of
/// the tier reached, for a demotion the keep criteria of the tier left, failed ones included.
public struct Proposal: Equatable, Sendable {
    public var member: Int
    public var from: String
    public var to: String
    public var move: Move
    public var measures: [Measure]
}

extension Ladder {
    static func sum(_ values: [Int64], months: Int) -> Int64 {
        values.prefix(months).reduce(0, +)
    }

    public func measure(_ c: Criterion, _ v: MemberValues) -> Measure {
        let actual: Int64
        switch c.kind {
        case .personalVolume: actual = Self.sum(v.personal, months: c.months)
        case .teamVolume: actual = Self.sum(v.team, months: c.months)
        case .activeDirects: actual = Int64(v.directs.filter { $0.active && Self.sum($0.personal, months: c.months) >= c.minSalesFen }.count)
        case .recruits: actual = Int64(v.directs.count)
        case .courses: actual = Int64(v.courses)
        case .tenure: actual = Int64(v.tenureMonths)
        case .clean: return Measure(criterion: c, actual: Int64(v.openCases), met: v.openCases == 0)
        }
        return Measure(criterion: c, actual: actual, met: actual >= c.target)
    }

    /// The change the member's values call for at `tier`: a promotion as many tiers up as the member
    /// meets, one after the other, every reach criterion of each (a tier not met, or one without
    /// reach criteria — appointed — stops the climb); otherwise, when a keep criterion of their tier
    /// fails, a demotion one tier down; otherwise none.
    public func decide(member: Int, tier: String, _ v: MemberValues) -> Proposal? {
        guard let at = index(of: tier) else { return nil }
        var reached: (Int, [Measure])?
        for j in (at + 1)..<max(at + 1, steps.count) {
            guard !steps[j].reach.isEmpty else { break }
            let measures = steps[j].reach.map { measure($0, v) }
            guard measures.allSatisfy(\.met) else { break }
            reached = (j, measures)
        }
        if let (j, measures) = reached {
            return Proposal(member: member, from: tier, to: steps[j].tier, move: .promote, measures: measures)
        }
        guard at > 0, !steps[at].keep.isEmpty else { return nil }
        let measures = steps[at].keep.map { measure($0, v) }
        if measures.allSatisfy(\.met) { return nil }
        return Proposal(member: member, from: tier, to: steps[at - 1].tier, move: .demote, measures: measures)
    }

    /// The next tier above `tier` that has reach criteria, and how far the member is from each.
    public func progress(tier: String, _ v: MemberValues) -> (tier: String, measures: [Measure])? {
        guard let at = index(of: tier) else { return nil }
        guard let next = steps[(at + 1)...].first(where: { !$0.reach.isEmpty }) else { return nil }
        return (next.tier, next.reach.map { measure($0, v) })
    }

    /// The keep criteria of `tier`, measured (empty when the tier is kept unconditionally).
    public func keeping(tier: String, _ v: MemberValues) -> [Measure] {
        guard let at = index(of: tier) else { return [] }
        return steps[at].keep.map { measure($0, v) }
    }
}

/// The values of a whole team at once, for the monthly evaluation: members are indexes 0..<n with
/// their sponsor (−1 for none), and `sales[m * months + k]` is member m's own sales k months before the
/// evaluated month. Team sales are rolled up once, children before parents.
public struct TeamValues: Sendable {
    public let months: Int
    public let sponsor: [Int32]
    public let active: [Bool]
    public let sales: [Int64]
    public let courses: [Int32]
    public let tenureMonths: [Int32]
    public let openCases: [Int32]
    let team: [Int64]
    let childStart: [Int32]
    let children: [Int32]

    public init(months: Int, sponsor: [Int32], active: [Bool], sales: [Int64], courses: [Int32], tenureMonths: [Int32], openCases: [Int32]) {
        let n = sponsor.count
        precondition(active.count == n && sales.count == n * months && courses.count == n && tenureMonths.count == n && openCases.count == n)
        self.months = months
        self.sponsor = sponsor
        self.active = active
        self.sales = sales
        self.courses = courses
        self.tenureMonths = tenureMonths
        self.openCases = openCases
        // Children lists (compressed rows), and an order with every member before its sponsor.
        var count = [Int32](repeating: 0, count: n + 1)
        for s in sponsor where s >= 0 { count[Int(s) + 1] += 1 }
        for i in 0..<n { count[i + 1] += count[i] }
        var fill = count
        var children = [Int32](repeating: 0, count: count[n] > 0 ? Int(count[n]) : 0)
        for m in 0..<n where sponsor[m] >= 0 {
            let s = Int(sponsor[m])
            children[Int(fill[s])] = Int32(m)
            fill[s] += 1
        }
        self.childStart = count
        self.children = children
        var order: [Int32] = []
        order.reserveCapacity(n)
        for m in 0..<n where sponsor[m] < 0 { order.append(Int32(m)) }
        var i = 0
        while i < order.count {
            let m = Int(order[i])
            order.append(contentsOf: children[Int(count[m])..<Int(count[m + 1])])
            i += 1
        }
        var team = sales
        for m in order.reversed() where sponsor[Int(m)] >= 0 {
            let from = Int(m) * months, to = Int(sponsor[Int(m)]) * months
            for k in 0..<months { team[to + k] += team[from + k] }
        }
        self.team = team
    }

    public var count: Int { sponsor.count }

    public func values(of m: Int) -> MemberValues {
        let range = (m * months)..<((m + 1) * months)
        let directs = children[Int(childStart[m])..<Int(childStart[m + 1])].map { c in
            MemberValues.Direct(active: active[Int(c)], personal: Array(sales[(Int(c) * months)..<((Int(c) + 1) * months)]))
        }
        return MemberValues(personal: Array(sales[range]), team: Array(team[range]), directs: directs,
                            courses: Int(courses[m]), tenureMonths: Int(tenureMonths[m]), openCases: Int(openCases[m]))
    }
}
