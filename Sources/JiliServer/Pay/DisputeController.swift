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
        /// The line asked about, as shown; none for the whole rule.
        var line: String?
        var message: String
    }

    /// Only about one's own statement.
    @Sendable func raise(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        guard let period = Period(parsing: req.parameters.get("period") ?? "") else { throw Abort(.notFound) }
        let form = try req.content.decode(RaiseForm.self)
        _ = try await service(req).raise(member: me.code, period: period, rule: form.rule, line: form.line, message: form.message, by: .account(account))
        return req.redirect(to: SiteURL.statement(period.description), notice: "dispute_raised_notice")
    }

    struct Row: Encodable {
        let id: Int
        let member: String
        /// The member's name, for those who answer.
        let name: String
        let period: String
        let rule: String
        let line: String?
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

    static func row(_ d: Dispute, _ req: Request, names: RuleNames?, name: String? = nil) -> Row {
        Row(id: d.id!, member: d.memberCode, name: name ?? d.memberCode, period: d.period, rule: names(d.rule), line: d.line, message: d.message,
            status: req.t("dispute_status_\(d.status)"),
            open: d.status == .open, answer: d.answer, adjustment: d.adjustmentFen == 0 ? nil : Money(fen: d.adjustmentFen).display)
    }

    /// Questions with their rules by name (each month's plan version) and their members by name.
    static func rows(_ disputes: [Dispute], _ req: Request, names known: RuleNames? = nil) async throws -> [Row] {
        let queries = PayQueries(db: req.db)
        var names: [String: RuleNames?] = [:]
        for period in Set(disputes.map(\.period)) where known == nil {
            if let run = try await queries.run(period) { names[period] = try await RuleNames.of(run, req) }
        }
        let members = try await TeamQueries(db: req.db).members(codes: Array(Set(disputes.map(\.memberCode))))
        return disputes.map { d in
            row(d, req, names: known ?? names[d.period] ?? nil, name: members[d.memberCode].map { "\($0.name) (\($0.code))" })
        }
    }

    @Sendable func list(req: Request) async throws -> View {
        guard PayPermissions.mayAnswer(try req.account.roleValue) else { throw Abort(.forbidden) }
        let disputes = try await PayQueries(db: req.db).latestDisputes()
        return try await req.view.render("pay/disputes", Page(layout: Layout(req, title: req.t("disputes_title")),
                                                             rows: try await Self.rows(disputes.sorted { ($0.status == .open ? 0 : 1) < ($1.status == .open ? 0 : 1) }, req)))
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
