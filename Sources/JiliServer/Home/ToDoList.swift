import Vapor

/// The home page's to-do list: what waits for this person in every area, with how many and where to
/// do it. Each area counts its own (``Waiting``); the list only gathers and words them.
enum ToDoList {
    struct Row: Encodable {
        let text: String
        let count: Int
        let href: String
    }

    static func waiting(_ req: Request, account: Account, me: Member?) async throws -> [Waiting] {
        let clock = req.application.jiliClock
        let period = clock.currentPeriod
        var out: [Waiting] = []
        out += try await PayQueries(db: req.db).waiting(for: account, me: me, period: period, clock: clock)
        out += try await PromotionQueries(db: req.db).waiting(for: account, me: me, period: period)
        out += try await PointsQueries(db: req.db).waiting(for: account, me: me)
        out += try await TrainingQueries(db: req.db).waiting(for: account, me: me, clock: clock)
        out += try await RecognitionQueries(db: req.db).waiting(for: account, me: me)
        return out
    }

    static func rows(_ req: Request, account: Account, me: Member?) async throws -> [Row] {
        try await waiting(req, account: account, me: me).map { w in
            var values = w.values
            values["count"] = "\(w.count)"
            if let tier = values["tier"] { values["tier"] = req.t("tier_\(tier)") }
            return Row(text: req.t(w.key, values), count: w.count, href: w.href)
        }
    }
}
