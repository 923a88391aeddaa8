import Foundation
import Vapor

/// Live standings kept a few seconds per instance: a leaderboard over 100,000 members is computed
/// once for everyone watching it, not once per request. When the kept standings are older than
/// `lifetime`, one refresh runs while the others are answered with what is kept (at most one
/// refresh's time older); the first look waits for the first computation. Frozen results are read
/// from their table.
actor Leaderboards {
    static let lifetime: TimeInterval = 15
    typealias Board = (standings: [ContestService.Standing], index: [String: Int])

    private var kept: [Int: (at: Date, board: Board)] = [:]
    private var running: [Int: Task<Board, any Error>] = [:]

    static func board(_ standings: [ContestService.Standing]) -> Board {
        var index: [String: Int] = [:]
        for (i, s) in standings.enumerated() { index[s.subject] = i }
        return (standings, index)
    }

    func standings(_ contest: Contest, service: ContestService) async throws -> Board {
        guard contest.status == "open", let id = contest.id else { return Self.board(try await service.standings(contest)) }
        let now = service.clock.now()
        if let k = kept[id], now.timeIntervalSince(k.at) < Self.lifetime, now >= k.at { return k.board }
        let task = running[id] ?? Task {
            do {
                let board = Self.board(try await service.compute(contest))
                self.store(id, board, at: service.clock.now())
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

    private func store(_ id: Int, _ board: Board, at: Date) {
        kept[id] = (at, board)
        running[id] = nil
    }

    private func forget(_ id: Int) { running[id] = nil }
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
