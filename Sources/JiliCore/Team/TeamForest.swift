/// The sponsor forest: each member's sponsor as an index (-1 for a root), checked to have no cycles.
public struct TeamForest: Sendable {
    /// Sponsor index of each member, -1 for a root.
    public let sponsor: [Int32]

    public var count: Int { sponsor.count }

    /// Why a sponsor link was refused; `member` is the index of the member whose link is wrong.
    public enum Problem: Equatable, Sendable {
        case unknownSponsor(member: Int, sponsorID: String)
        /// The members of a cycle, starting with the one the check reached first.
        case cycle(members: [Int])
    }

    /// Builds the forest from member ids and their sponsors' ids (nil or empty for a root).
    /// Every unknown sponsor and every cycle is reported.
    public static func build(ids: [String], sponsorIDs: [String?], index: [String: Int32]) -> (forest: TeamForest?, problems: [Problem]) {
        var problems: [Problem] = []
        var sponsor = [Int32](repeating: -1, count: ids.count)
        for (i, s) in sponsorIDs.enumerated() {
            guard let s, !s.isEmpty else { continue }
            if let p = index[s] { sponsor[i] = p } else { problems.append(.unknownSponsor(member: i, sponsorID: s)) }
        }
        // Colour walk: 0 unvisited, 1 on the current path, 2 done.
        var state = [UInt8](repeating: 0, count: ids.count)
        var path: [Int32] = []
        for start in 0..<ids.count where state[start] == 0 {
            var m = Int32(start)
            path.removeAll(keepingCapacity: true)
            while m >= 0, state[Int(m)] == 0 {
                state[Int(m)] = 1
                path.append(m)
                m = sponsor[Int(m)]
            }
            if m >= 0, state[Int(m)] == 1, let at = path.firstIndex(of: m) {
                problems.append(.cycle(members: path[at...].map { Int($0) }))
            }
            for p in path { state[Int(p)] = 2 }
        }
        if !problems.isEmpty { return (nil, problems) }
        return (TeamForest(sponsor: sponsor), [])
    }

    public init(sponsor: [Int32]) { self.sponsor = sponsor }

    /// The uplines of a member, nearest first.
    public func uplines(of member: Int) -> [Int] {
        var out: [Int] = []
        var m = sponsor[member]
        while m >= 0 { out.append(Int(m)); m = sponsor[Int(m)] }
        return out
    }

    /// Depth of each member (roots are 0), computed in one pass with memoisation.
    public func depths() -> [Int32] {
        var depth = [Int32](repeating: -1, count: count)
        var stack: [Int32] = []
        for start in 0..<count where depth[start] < 0 {
            var m = Int32(start)
            while m >= 0, depth[Int(m)] < 0 { stack.append(m); m = sponsor[Int(m)] }
            var d = m >= 0 ? depth[Int(m)] : -1
            while let top = stack.popLast() { d += 1; depth[Int(top)] = d }
        }
        return depth
    }
}
