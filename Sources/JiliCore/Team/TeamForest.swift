/// The sponsor forest: each member's sponsor as an index (-1 for a root), checked to have no cycles.
public struct TeamForest: Sendable {
    /// Sponsor index of each member, -1 for a root.
    public let sponsor: [Int32]

    public var count: Int { sponsor.count }

    /// Checks sponsor links (indexes, -1 for a root) for cycles. Each cycle is reported once, as
    /// its members starting with the one the walk reached first; with any cycle there is no forest.
    public static func build(sponsor: [Int32]) -> (forest: TeamForest?, cycles: [[Int]]) {
        var cycles: [[Int]] = []
        // Colour walk: 0 unvisited, 1 on the current path, 2 done.
        var state = [UInt8](repeating: 0, count: sponsor.count)
        var path: [Int32] = []
        for start in 0..<sponsor.count where state[start] == 0 {
            var m = Int32(start)
            path.removeAll(keepingCapacity: true)
            while m >= 0, state[Int(m)] == 0 {
                state[Int(m)] = 1
                path.append(m)
                m = sponsor[Int(m)]
            }
            if m >= 0, state[Int(m)] == 1, let at = path.firstIndex(of: m) {
                cycles.append(path[at...].map { Int($0) })
            }
            for p in path { state[Int(p)] = 2 }
        }
        return (cycles.isEmpty ? TeamForest(sponsor: sponsor) : nil, cycles)
    }

    public init(sponsor: [Int32]) { self.sponsor = sponsor }

    /// The uplines of a member, nearest first.
    public func uplines(of member: Int) -> [Int] {
        var out: [Int] = []
        var m = sponsor[member]
        while m >= 0 { out.append(Int(m)); m = sponsor[Int(m)] }
        return out
    }
}
