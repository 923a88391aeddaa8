/// A member's points (积分): lots earned at a time, each expiring at its own instant, spent oldest
/// first; points taken back when what earned them is undone (a refunded order), which may leave a
/// debt that later earnings repay. Pure values: the server loads an account, applies one operation,
/// and stores the lots and the movements it returns (the member's history says why each point came
/// and went).
///
/// At every moment: earned = spent + expired + reversed + balance, and for every lot
/// amount = repaid + spent + expired + reversed + remaining, each part ≥ 0 (no point is used twice).
public struct PointsAccount: Equatable, Sendable {
    public struct Lot: Equatable, Sendable {
        public let id: Int64
        /// What earned it: `order:o123`, `goal:…`, `contest:3`.
        public let source: String
        public let amount: Int64
        public let earnedAt: Int64
        /// The first instant at which what is left of it is expired; nil: it does not expire.
        public let expiresAt: Int64?
        /// Used to repay a debt (as soon as it was earned, or when a debt arose while it had points left).
        public internal(set) var repaid: Int64 = 0
        public internal(set) var spent: Int64 = 0
        public internal(set) var expired: Int64 = 0
        /// Taken back from what was left of it.
        public internal(set) var reversed: Int64 = 0
        /// Taken back beyond what was left (already used): owed as debt.
        public internal(set) var reversedAsDebt: Int64 = 0

        public init(id: Int64, source: String, amount: Int64, earnedAt: Int64, expiresAt: Int64?,
                    repaid: Int64 = 0, spent: Int64 = 0, expired: Int64 = 0, reversed: Int64 = 0, reversedAsDebt: Int64 = 0) {
            self.id = id
            self.source = source
            self.amount = amount
            self.earnedAt = earnedAt
            self.expiresAt = expiresAt
            self.repaid = repaid
            self.spent = spent
            self.expired = expired
            self.reversed = reversed
            self.reversedAsDebt = reversedAsDebt
        }

        public var remaining: Int64 { amount - repaid - spent - expired - reversed }
        public func isExpired(at instant: Int64) -> Bool { expiresAt.map { instant >= $0 } ?? false }
    }

    /// What happened to the balance, and why: one row of the member's history.
    public struct Movement: Equatable, Sendable {
        public enum Kind: String, Sendable {
            /// Points earned (the whole amount, including what repaid a debt).
            case earn
            /// Points spent on a redemption, and given back when it is cancelled.
            case spend, cancel
            case expire
            /// Points taken back (a refund); what was used already becomes debt.
            case reverse
        }
        public let kind: Kind
        public let lotID: Int64?
        /// The change of the balance: positive for earn and cancel, negative otherwise.
        public let points: Int64
        public let at: Int64
        /// The source or the redemption it is about.
        public let reference: String
    }

    /// A redemption's points, lot by lot (so that cancelling gives back exactly these).
    public struct Spending: Equatable, Sendable {
        public let reference: String
        public let parts: [(lotID: Int64, points: Int64)]
        public var points: Int64 { parts.reduce(0) { $0 + $1.points } }

        /// A spending read back from storage.
        public init(reference: String, parts: [(lotID: Int64, points: Int64)]) {
            self.reference = reference
            self.parts = parts
        }

        public static func == (a: Spending, b: Spending) -> Bool {
            a.reference == b.reference && a.parts.map(\.lotID) == b.parts.map(\.lotID) && a.parts.map(\.points) == b.parts.map(\.points)
        }
    }

    public enum Refusal: Error, Equatable, Sendable {
        /// Points must be a whole number above 0.
        case notPositive(Int64)
        /// More than the balance (`available`).
        case notEnough(asked: Int64, available: Int64)
        /// A lot id used twice, or an expiry not after the earning.
        case badLot(Int64)
        /// Nothing earned from this source is left to take back.
        case nothingToReverse(String)
    }

    public private(set) var lots: [Lot]
    public private(set) var debt: Int64
    public private(set) var earned: Int64
    public private(set) var spent: Int64
    public private(set) var expired: Int64
    public private(set) var reversed: Int64

    public init(lots: [Lot] = [], debt: Int64 = 0) {
        self.lots = lots.sorted { ($0.earnedAt, $0.id) < ($1.earnedAt, $1.id) }
        self.debt = debt
        earned = lots.reduce(0) { $0 + $1.amount }
        spent = lots.reduce(0) { $0 + $1.spent }
        expired = lots.reduce(0) { $0 + $1.expired }
        reversed = lots.reduce(0) { $0 + $1.reversed + $1.reversedAsDebt }
    }

    /// What can be spent: the lots' remaining points less the debt (below zero while a debt is larger).
    public var balance: Int64 { lots.reduce(0) { $0 + $1.remaining } - debt }

    /// Expires what is left of every lot whose expiry is at or before `instant`.
    @discardableResult
    public mutating func expire(upTo instant: Int64) -> [Movement] {
        var out: [Movement] = []
        for i in lots.indices where lots[i].isExpired(at: instant) && lots[i].remaining > 0 {
            let left = lots[i].remaining
            lots[i].expired += left
            expired += left
            out.append(Movement(kind: .expire, lotID: lots[i].id, points: -left, at: lots[i].expiresAt!, reference: lots[i].source))
        }
        return out
    }

    /// Earns a lot (expired lots are expired first). A debt is repaid from it at once.
    public mutating func earn(lotID: Int64, source: String, points: Int64, at instant: Int64, expiresAt: Int64?) throws -> [Movement] {
        try atomically { try $0.earnNow(lotID: lotID, source: source, points: points, at: instant, expiresAt: expiresAt) }
    }

    private mutating func earnNow(lotID: Int64, source: String, points: Int64, at instant: Int64, expiresAt: Int64?) throws -> [Movement] {
        guard points > 0 else { throw Refusal.notPositive(points) }
        guard !lots.contains(where: { $0.id == lotID }), expiresAt.map({ $0 > instant }) ?? true else { throw Refusal.badLot(lotID) }
        var out = expire(upTo: instant)
        lots.append(Lot(id: lotID, source: source, amount: points, earnedAt: instant, expiresAt: expiresAt))
        lots.sort { ($0.earnedAt, $0.id) < ($1.earnedAt, $1.id) }
        earned += points
        settleDebt()
        out.append(Movement(kind: .earn, lotID: lotID, points: points, at: instant, reference: source))
        return out
    }

    /// Spends `points` from the oldest lots first (after expiring what is due).
    public mutating func spend(_ points: Int64, at instant: Int64, reference: String) throws -> (Spending, [Movement]) {
        try atomically { try $0.spendNow(points, at: instant, reference: reference) }
    }

    private mutating func spendNow(_ points: Int64, at instant: Int64, reference: String) throws -> (Spending, [Movement]) {
        guard points > 0 else { throw Refusal.notPositive(points) }
        var out = expire(upTo: instant)
        guard points <= balance else { throw Refusal.notEnough(asked: points, available: max(0, balance)) }
        var left = points
        var parts: [(lotID: Int64, points: Int64)] = []
        for i in lots.indices where left > 0 && lots[i].remaining > 0 {
            let take = min(left, lots[i].remaining)
            lots[i].spent += take
            left -= take
            parts.append((lots[i].id, take))
        }
        spent += points
        out.append(Movement(kind: .spend, lotID: nil, points: -points, at: instant, reference: reference))
        return (Spending(reference: reference, parts: parts), out)
    }

    /// Gives back a redemption's points to the lots they came from; those lots keep their expiry, so
    /// points of a lot that has expired meanwhile expire again at once (after repaying any debt).
    public mutating func cancel(_ spending: Spending, at instant: Int64) -> [Movement] {
        var out: [Movement] = []
        var returned: Int64 = 0
        for part in spending.parts {
            guard let i = lots.firstIndex(where: { $0.id == part.lotID }) else { continue }
            let back = min(part.points, lots[i].spent)
            lots[i].spent -= back
            spent -= back
            returned += back
            comeBack(i, back)
        }
        out.append(Movement(kind: .cancel, lotID: nil, points: returned, at: instant, reference: spending.reference))
        // What comes back repays a debt first; what is then left of an expired lot expires.
        settleDebt()
        out += expire(upTo: instant)
        return out
    }

    /// Takes back up to `points` earned from `source` (a refund): from what is left of its lots first;
    /// what was used already (spent or repaid) becomes debt. Expired points are not taken back.
    public mutating func reverse(source: String, points: Int64, at instant: Int64) throws -> [Movement] {
        try atomically { try $0.reverseNow(source: source, points: points, at: instant) }
    }

    private mutating func reverseNow(source: String, points: Int64, at instant: Int64) throws -> [Movement] {
        guard points > 0 else { throw Refusal.notPositive(points) }
        var out = expire(upTo: instant)
        var left = points
        var taken: Int64 = 0
        for i in lots.indices where lots[i].source == source && left > 0 {
            let cap = lots[i].amount - lots[i].expired - lots[i].reversed - lots[i].reversedAsDebt
            let fromLot = min(left, lots[i].remaining)
            lots[i].reversed += fromLot
            left -= fromLot
            let asDebt = min(left, cap - fromLot)
            lots[i].reversedAsDebt += asDebt
            debt += asDebt
            left -= asDebt
            taken += fromLot + asDebt
            if fromLot + asDebt > 0 { out.append(Movement(kind: .reverse, lotID: lots[i].id, points: -(fromLot + asDebt), at: instant, reference: source)) }
        }
        guard taken > 0 else { throw Refusal.nothingToReverse(source) }
        reversed += taken
        settleDebt()
        return out
    }

    /// `points` of lot `i` that were used (spent, or repaid a debt) are back in it. Those of them that
    /// were taken back as debt while used (the lot's source was refunded) are now simply taken back,
    /// and the debt they made is undone: what is still owed is forgiven, what other lots repaid is
    /// given back to them, newest first (and so on, for those lots' own points taken back as debt).
    private mutating func comeBack(_ i: Int, _ points: Int64) {
        let undone = min(points, lots[i].reversedAsDebt)
        guard undone > 0 else { return }
        lots[i].reversedAsDebt -= undone
        lots[i].reversed += undone
        let forgiven = min(debt, undone)
        debt -= forgiven
        var rest = undone - forgiven
        for j in lots.indices.reversed() where rest > 0 && lots[j].repaid > 0 {
            let u = min(rest, lots[j].repaid)
            lots[j].repaid -= u
            rest -= u
            comeBack(j, u)
        }
    }

    /// Runs `change` on a copy and keeps it only when it succeeds: a refused operation changes nothing
    /// (not even the expiries it would have applied first).
    private mutating func atomically<T>(_ change: (inout PointsAccount) throws -> T) throws -> T {
        var next = self
        let result = try change(&next)
        self = next
        return result
    }

    /// A debt is repaid from the points left, oldest first, as soon as there are any: points are never
    /// left to expire while the member owes some. (The balance does not change.)
    private mutating func settleDebt() {
        for i in lots.indices where debt > 0 && lots[i].remaining > 0 {
            let r = min(debt, lots[i].remaining)
            lots[i].repaid += r
            debt -= r
        }
    }

    /// The coming expiries after `instant`: when, and how many points, earliest first.
    public func nextExpiries(after instant: Int64, limit: Int = 3) -> [(at: Int64, points: Int64)] {
        var by: [Int64: Int64] = [:]
        for lot in lots where lot.remaining > 0 { if let e = lot.expiresAt, e > instant { by[e, default: 0] += lot.remaining } }
        return by.sorted { $0.key < $1.key }.prefix(limit).map { ($0.key, $0.value) }
    }
}

/// Earning rules' monthly caps: what a rule may still give a member this month.
public enum PointsCap {
    /// `points` capped so that the month's total from the rule stays within `cap` (nil: no cap).
    public static func allowed(_ points: Int64, earnedThisMonth: Int64, cap: Int64?) -> Int64 {
        guard let cap else { return max(0, points) }
        return max(0, min(points, cap - earnedThisMonth))
    }
}
