import Fluent
import Vapor

/// The personal questionnaire (个性化激励, `/motivation`): a member says how much income, recognition,
/// growth, time and family count for them; the rewards catalogue is ordered by it and their page shows
/// it, with suggestions, to those who manage them.
struct MotivationController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.motivation, use: form)
        routes.post(SiteURL.motivation, use: save)
    }

    struct Question: Encodable {
        let motive: String
        let label: String
        let value: Int
    }

    struct Page: Encodable {
        let layout: Layout
        let questions: [Question]
        let error: String?
    }

    func render(_ req: Request, values: [String: Int]? = nil, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.notFound) }
        let saved = try await RecognitionQueries(db: req.db).motivation(of: me)
        let questions = MotivationProfile.motives.map { m in
            Question(motive: m, label: req.t("motivation_\(m)"), value: values?[m] ?? saved?.score(m) ?? 3)
        }
        return try await req.view.render("recognition/motivation", Page(layout: Layout(req, title: req.t("motivation_title")), questions: questions,
                                                           error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func form(req: Request) async throws -> Response { try await render(req) }

    @Sendable func save(req: Request) async throws -> Response {
        let account = try req.account
        // Only members have a questionnaire to fill in.
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        let form = try req.content.decode([String: String].self)
        var values: [String: Int] = [:]
        for m in MotivationProfile.motives {
            guard let v = Int(form[m] ?? ""), (1...5).contains(v) else {
                return try await render(req, error: req.t("motivation_error", ["motive": req.t("motivation_\(m)")]), status: .unprocessableEntity)
            }
            values[m] = v
        }
        try await MotivationService(db: req.db, clock: req.application.jiliClock).save(me, scores: values)
        return req.redirect(to: SiteURL.motivation(), notice: "motivation_saved")
    }

    /// "收入 5 · 家庭 4 · …" and a suggestion per motive, most important first: for the member's page.
    static func summary(_ p: MotivationProfile, _ req: Request) -> (scores: String, suggestions: [String]) {
        let ranked = p.ranked
        return (ranked.map { "\(req.t("motivation_\($0.motive)")) \($0.score)" }.joined(separator: " · "),
                ranked.filter { $0.score >= 3 }.map { req.t("motivation_suggest_\($0.motive)") })
    }
}
