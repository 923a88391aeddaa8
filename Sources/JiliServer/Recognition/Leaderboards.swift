import Fluent
import Foundation
import Vapor

/// Live boards kept a few seconds per instance: a leaderboard over 100,000 members is computed once
/// for everyone watching it, not once per request. A board is the contest (with its prizes and team
/// heads) and its standings, read together on the long-reads connections (``Application/longReads``),
/// so that a look at a kept board reads nothing. When the kept board is older than `lifetime`, one
/// refresh runs while the others are answered with what is kept (at most one refresh's time older);
/// the first look waits for the first computation. A contest whose last day has passed is frozen by
/// the refresh that finds it so; a frozen board is read from the results table.
actor Leaderboards {
    static let lifetime: TimeInterval = 15

    struct Board: Sendable {
        /// Read by the refresh and never changed afterwards: the pages only read it.
        let contest: Contest
        let standings: [ContestService.Standing]
        /// Place in `standings` by subject.
        let index: [String: Int]

        init(contest: Contest, standings: [ContestService.Standing]) {
            self.contest = contest
            self.standings = standings
            var index: [String: Int] = [:]
            for (i, s) in standings.enumerated() { index[s.subject] = i }
            self.index = index
        }
    }

    private var kept: [Int: (at: Date, board: Board)] = [:]
    private var running: [Int: Task<Board?, any Error>] = [:]

    /// The board of contest `id`, nil when there is no such contest. `reads` is where a refresh reads
    /// and freezes; `clock` says when the kept board is too old and when a contest has ended.
    func board(_ id: Int, reads: any Database, clock: JiliClock) async throws -> Board? {
        let now = clock.now()
        if let k = kept[id], now.timeIntervalSince(k.at) < Self.lifetime, now >= k.at { return k.board }
        let task = running[id] ?? Task {
            do {
                let board = try await Self.read(id, on: reads, clock: clock)
                self.store(id, board, at: clock.now())
                return board
            } catch {
                self.forget(id)
                throw error
            }
        }
        running[id] = task
        if let k = kept[id] { return k.board }
        return try await task.value
    }

    /// Drops a kept board (a contest changed on this instance).
    func forget(_ id: Int) {
        kept[id] = nil
        running[id] = nil
    }

    private static func read(_ id: Int, on db: any Database, clock: JiliClock) async throws -> Board? {
        let service = ContestService(db: db, clock: clock)
        func load() async throws -> Contest? {
            try await Contest.query(on: db).filter(\.$id == id).with(\.$prizes) { $0.with(\.$title).with(\.$item) }.with(\.$teams) { $0.with(\.$member) }.first()
        }
        guard var contest = try await load() else { return nil }
        if contest.status == .open, clock.now() >= service.window(contest).end {
            // Frozen here, or a moment ago elsewhere: either way the results are in their table now.
            try await service.freeze(contest, by: .system)
            contest = try await load() ?? contest
        }
        return Board(contest: contest, standings: try await service.standings(contest))
    }

    private func store(_ id: Int, _ board: Board?, at: Date) {
        if let board { kept[id] = (at, board) } else { kept[id] = nil }
        running[id] = nil
    }
}

extension Application {
    private struct LeaderboardsKey: StorageKey { typealias Value = Leaderboards }
    var leaderboards: Leaderboards {
        if let l = storage[LeaderboardsKey.self] { return l }
        let l = Leaderboards()
        storage[LeaderboardsKey.self] = l
        return l
    }
}
