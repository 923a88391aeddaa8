import Fluent
import JiliCore
import Vapor

/// Members question statement lines; finance and the leader answer.
struct DisputeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(SiteURL.statementDisputes, use: raise)
        routes.get(SiteURL.disputes, use: list)
        routes.post(SiteURL.answerDispute, use: answer)
    }


    func service(_ req: Request) -> DisputeService { DisputeService(db: req.db, clock: req.application.jiliClock) }

    struct RaiseForm: Content {
        var rule: String
        var message: String
    }

    /// Only about one's own statement.
    @Sendable func raise(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        guard let period = Period(parsing: req.parameters.get("period") ?? "") else { throw Abort(.notFound) }
        let form = try req.content.decode(RaiseForm.self)
        _ = try await service(req).raise(member: me.code, period: period, rule: form.rule, message: form.message, by: .account(account))
        return req.redirect(to: SiteURL.statement(period.description), notice: "dispute_raised_notice")
    }

    struct Row: Encodable {
        let id: Int
        let member: String
        let period: String
        let rule: String
        let message: String
        let status: String
        let open: Bool
        let answer: String?
        let adjustment: String?
    }

    struct Page: Encodable {
        let layout: Layout
        let rows: [Row]
    }

    static func row(_ d: Dispute, _ req: Request) -> Row {
        Row(id: d.id!, member: d.memberCode, period: d.period, rule: d.rule, message: d.message, status: req.t("dispute_status_\(d.status)"),
            open: d.status == .open, answer: d.answer, adjustment: d.adjustmentFen == 0 ? nil : Money(fen: d.adjustmentFen).display)
    }

    @Sendable func list(req: Request) async throws -> View {
        guard PayPermissions.mayAnswer(try req.account.roleValue) else { throw Abort(.forbidden) }
        let disputes = try await PayQueries(db: req.db).latestDisputes()
        return try await req.view.render("pay/disputes", Page(layout: Layout(req, title: req.t("disputes_title")),
                                                             rows: disputes.sorted { ($0.status == .open ? 0 : 1) < ($1.status == .open ? 0 : 1) }.map { Self.row($0, req) }))
    }

    struct AnswerForm: Content {
        var answer: String
        var adjustment: String?
    }

    @Sendable func answer(req: Request) async throws -> Response {
        let account = try req.account(if: PayPermissions.mayAnswer)
        guard let d = try await PayQueries(db: req.db).dispute(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let form = try req.content.decode(AnswerForm.self)
        var fen: Int64 = 0
        let text = (form.adjustment ?? "").trimmingCharacters(in: .whitespaces)
        if !text.isEmpty {
            guard case .success(let value) = FixedPoint.parse(text, scale: 2) else {
                throw Refusal(key: "refund_error_not_amount", values: ["value": text], field: "adjustment")
            }
            fen = value
        }
        try await service(req).answer(d, text: form.answer, adjustmentFen: fen, by: .account(account))
        return req.redirect(to: SiteURL.disputes(), notice: "dispute_answered_notice")
    }
}
