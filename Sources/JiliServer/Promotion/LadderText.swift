import JiliCore
import Vapor

/// The ladder's criteria and measures in words, one place for the pages (in the viewer's language)
/// and the API (in English): "近 3 个月团队业绩 ≥ ¥20,000.00", "还差 ¥1,200.00 团队业绩和 1 门课程".
enum LadderText {
    typealias T = (String, [String: String]) -> String

    static func amount(_ c: Ladder.Criterion, _ value: Int64) -> String {
        switch c.kind {
        case .personalVolume, .teamVolume: Money(fen: value).display
        default: "\(value)"
        }
    }

    static func values(_ c: Ladder.Criterion) -> [String: String] {
        ["target": amount(c, c.target), "months": "\(c.months)", "min": Money(fen: c.minSalesFen).display]
    }

    /// What a criterion asks.
    static func criterion(_ c: Ladder.Criterion, _ t: T) -> String {
        t("ladder_says_\(c.kind.rawValue)", values(c))
    }

    /// What is still missing for one measure (nil when met).
    static func shortfall(_ m: Measure, _ t: T) -> String? {
        guard !m.met else { return nil }
        return t("ladder_short_\(m.criterion.kind.rawValue)", ["n": amount(m.criterion, m.shortfall)])
    }

    /// "还差 A、B 和 C", or nil when nothing is missing.
    static func stillNeeded(_ measures: [Measure], _ t: T) -> String? {
        let parts = measures.compactMap { shortfall($0, t) }
        guard let last = parts.last else { return nil }
        let list = parts.count == 1 ? last : t("ladder_list", ["first": parts.dropLast().joined(separator: t("ladder_comma", [:])), "last": last])
        return t("ladder_still", ["list": list])
    }

    /// "近 3 个月团队业绩 ¥25,000.00 / ¥20,000.00".
    static func measured(_ m: Measure, _ t: T) -> String {
        let actual = m.criterion.kind == .clean ? t("ladder_open_cases", ["n": "\(m.actual)"]) : amount(m.criterion, m.actual)
        return criterion(m.criterion, t) + " · " + t("ladder_actual", ["actual": actual])
    }

    static func measure(_ s: PromotionService.Stored) -> Measure? {
        guard let kind = Ladder.Criterion.Kind(rawValue: s.kind) else { return nil }
        return Measure(criterion: .init(kind, target: s.target, months: s.months), actual: s.actual, met: s.met)
    }
}

extension Request {
    /// The viewer's translation as a plain function, for `LadderText`.
    var translate: LadderText.T { { key, values in self.t(key, values) } }
}
