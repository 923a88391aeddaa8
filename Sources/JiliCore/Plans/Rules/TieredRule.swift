/// 阶梯提成 on the seller's period volume V.
public struct TieredRule: Sendable, Equatable {
    public enum Mode: String, Sendable { case marginal, retroactive }
    public struct Bracket: Sendable, Equatable {
        public var from: Money
        public var rate: Rate
    }
    /// Ascending by `from`; the first starts at 0.
    public var brackets: [Bracket]
    public var mode: Mode

    /// What V earns, in millionths of a fen, and the slices that make it up
    /// (bracket index, the part of V paid at its rate, the amount in millionths).
    public func pay(volume: Int64) -> (micro: Int64, slices: [(bracket: Int, slice: Int64, micro: Int64)])? {
        guard volume > 0 else { return (0, []) }
        switch mode {
        case .retroactive:
            guard let i = brackets.lastIndex(where: { $0.from.fen <= volume }),
                  let micro = brackets[i].rate.apply(toFen: volume) else { return nil }
            return (micro, [(i, volume, micro)])
        case .marginal:
            var total: Int64 = 0
            var slices: [(Int, Int64, Int64)] = []
            for (i, bracket) in brackets.enumerated() where volume > bracket.from.fen {
                let upper = i + 1 < brackets.count ? min(volume, brackets[i + 1].from.fen) : volume
                let slice = upper - bracket.from.fen
                guard let micro = bracket.rate.apply(toFen: slice) else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(micro)
                if overflow { return nil }
                total = sum
                slices.append((i, slice, micro))
            }
            return (total, slices)
        }
    }
}
