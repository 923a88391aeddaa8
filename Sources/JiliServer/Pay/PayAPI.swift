import Fluent
import JiliCore
import Vapor

/// Pay under /api/v1 with the pages' permissions (a token acts as its account): plan versions and
/// runs for those who run pay, statements and balances for their member and whoever may read their
/// pay, disputes for members and those who answer them, payouts for those who pay.
struct PayAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1").grouped(ApiTokenAuthenticator(), RequireApiClient())
        api.get("plans", use: plans)
        api.post("plans", use: createPlan)
        api.get("plans", ":id", use: plan)
        api.post("plans", ":id", "activate", use: activate)
        api.get("runs", use: runs)
        api.post("runs", use: compute)
        api.get("runs", ":period", use: run)
        api.post("runs", ":period", "approve", use: approve)
        api.get("statements", ":period", use: statement)
        api.get("balance", use: balance)
        api.get("disputes", use: disputes)
        api.post("disputes", use: raise)
        api.post("disputes", ":id", "answer", use: answer)
        api.get("payouts", use: payouts)
        api.post("payouts", use: createPayout)
        api.get("payouts", ":id", use: payout)
        api.post("payouts", "transfers", ":id", use: reference)
    }

    func account(_ req: Request, _ allowed: (Account) -> Bool = { _ in true }) throws -> Account { try APIController.account(req, allowed) }
    func runner(_ req: Request) throws -> Account { try account(req) { PayPermissions.mayRun($0.roleValue) } }
    func payer(_ req: Request) throws -> Account { try account(req) { PayPermissions.mayPay($0.roleValue) } }
    func actor(_ req: Request) throws -> Actor { try APIController().actor(req) }
    func refused(_ r: Refusal, _ req: Request) -> Abort { APIController().refused(r, req) }
    var clock: (Request) -> JiliClock { { $0.application.jiliClock } }

    /// 422 with every problem of a plan, each at its JSON path.
    struct PlanProblems: Encodable {
        struct Problem: Encodable {
            let path: String
            let message: String
        }
        let code = 422
        let message: String
        let problems: [Problem]
    }

    // MARK: Plans

    @Sendable func plans(req: Request) async throws -> [PlanVersionDTO] {
        _ = try runner(req)
        return try await PayQueries(db: req.db).versions(oldestFirst: true).map(PlanVersionDTO.init)
    }

    func detail(_ v: PlanVersion) throws -> PlanVersionDetailDTO {
        let report = ComplianceReport(plan: try PlanDecoder.decode(Array(v.json.utf8)))
        return PlanVersionDetailDTO(version: PlanVersionDTO(v), plan: try EmbeddedJSON(text: v.json), refused: report.refused,
                                    findings: report.findings.map { FindingDTO(severity: $0.severity.rawValue, path: $0.path, code: $0.code, message: $0.message) })
    }

    @Sendable func plan(req: Request) async throws -> PlanVersionDetailDTO {
        _ = try runner(req)
        guard let v = try await PayQueries(db: req.db).version(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        return try detail(v)
    }

    /// `{"name": "…", "plan": {…}}`: the plan as an object in the contract's format, kept exactly.
    @Sendable func createPlan(req: Request) async throws -> Response {
        _ = try runner(req)
        let body = req.body.data.map { Array($0.readableBytesView) } ?? []
        guard let doc = try? JSONValue.parse(body), case .object = doc else { throw Abort(.badRequest, reason: "the body is not a JSON object") }
        guard case .string(let name)? = doc["name"], !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Abort(.unprocessableEntity, reason: "name: a version needs a name")
        }
        guard let planDoc = doc["plan"], case .object = planDoc else { throw Abort(.unprocessableEntity, reason: "plan: the plan, as a JSON object") }
        let json = planDoc.rendered()
        do {
            _ = try PlanDecoder.decode(Array(json.utf8))
        } catch {
            return try await APIJSON.response(PlanProblems(message: "the plan has \(error.problems.count) problem(s)",
                                                           problems: error.problems.map { .init(path: $0.path, message: $0.message) }),
                                              status: .unprocessableEntity)
        }
        let v = try await PayService(db: req.db, clock: clock(req)).createVersion(name: name, json: json, by: try actor(req))
        return try await APIJSON.response(try detail(v), status: .created)
    }

    @Sendable func activate(req: Request) async throws -> PlanVersionDetailDTO {
        _ = try runner(req)
        guard let v = try await PayQueries(db: req.db).version(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let input = try req.content.decode(ActivateDTO.self)
        guard let month = Period(parsing: input.from) else { throw Abort(.unprocessableEntity, reason: "from: a month such as 2026-12") }
        do {
            try await PayService(db: req.db, clock: clock(req)).activate(v, from: month, by: try actor(req))
        } catch let r as Refusal {
            throw refused(r, req)
        }
        return try detail(v)
    }

    // MARK: Runs

    @Sendable func runs(req: Request) async throws -> [RunDTO] {
        _ = try runner(req)
        return try await PayQueries(db: req.db).runs().map(RunDTO.init)
    }

    @Sendable func run(req: Request) async throws -> RunDetailDTO {
        _ = try runner(req)
        guard let r = try await PayQueries(db: req.db).run(req.parameters.get("period") ?? "") else { throw Abort(.notFound) }
        return RunDetailDTO(run: RunDTO(r), result: try EmbeddedJSON(text: try await PayQueries(db: req.db).document(of: r)))
    }

    /// Computes (again) the draft of a month: 201 with the run.
    @Sendable func compute(req: Request) async throws -> Response {
        _ = try runner(req)
        guard let month = Period(parsing: try req.content.decode(NewRunDTO.self).period) else {
            throw Abort(.unprocessableEntity, reason: "period: a month such as 2026-11")
        }
        do {
            let r = try await PayService(db: req.db, clock: clock(req)).draft(month, by: try actor(req))
            return try await RunDTO(r).encodeResponse(status: .created, for: req)
        } catch let r as Refusal {
            throw refused(r, req)
        }
    }

    /// Exactly once: a second approval is a 409.
    @Sendable func approve(req: Request) async throws -> RunDTO {
        _ = try runner(req)
        guard let period = Period(parsing: req.parameters.get("period") ?? ""), try await PayQueries(db: req.db).run(period.description) != nil else {
            throw Abort(.notFound)
        }
        do {
            try await PayService(db: req.db, clock: clock(req)).approve(period, by: try actor(req))
        } catch let r as Refusal {
            throw Abort(.conflict, reason: refused(r, req).reason)
        }
        return RunDTO(try await PayQueries(db: req.db).run(period.description)!)
    }

    // MARK: Statements and balances

    /// The member asked for (`?member=`), else the token's own member, when its pay may be read.
    func member(_ req: Request) async throws -> Member {
        try await Permissions.payMember(req, account: try account(req)).member
    }

    @Sendable func statement(req: Request) async throws -> StatementDTO {
        let member = try await member(req)
        let period = req.parameters.get("period") ?? ""
        let queries = PayQueries(db: req.db)
        guard let run = try await queries.approvedRun(period) else { throw Abort(.notFound) }
        let line = try await RunLines.json(run: run, member: member.code, on: req.db)
        return StatementDTO(period: period, member: member.code, name: member.name, line: try line.map { try EmbeddedJSON(text: $0) },
                            owed: Money(fen: -(try await Ledger(db: req.db).balance("payable:\(member.code)"))).description)
    }

    @Sendable func balance(req: Request) async throws -> BalanceDTO {
        let member = try await member(req)
        let history = try await BalanceHistory.load(member: member.code, on: req.db)
        return BalanceDTO(member: member.code, owed: Money(fen: history.owedFen).description,
                          tax_withheld: Money(fen: history.rows.compactMap(\.transfer).reduce(0) { $0 + $1.taxFen }).description,
                          entries: history.rows.map {
                              BalanceEntryDTO(at: $0.at, kind: $0.kind, source: $0.source, change: Money(fen: $0.changeFen).description,
                                              owed_after: Money(fen: $0.owedFen).description, transfer: $0.transfer.map(TransferDTO.init))
                          })
    }

    // MARK: Disputes

    /// Everyone's for those who answer; one's own otherwise.
    @Sendable func disputes(req: Request) async throws -> [DisputeDTO] {
        let account = try account(req)
        var member: String?
        if !PayPermissions.mayAnswer(account.roleValue) {
            guard let me = try await req.member(of: account) else { return [] }
            member = me.code
        }
        return try await PayQueries(db: req.db).disputes(of: member).map(DisputeDTO.init)
    }

    /// About one's own statement only.
    @Sendable func raise(req: Request) async throws -> Response {
        let account = try account(req)
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden, reason: "the token's account is not a member") }
        let input = try req.content.decode(NewDisputeDTO.self)
        do {
            guard let period = Period(parsing: input.period) else { throw Refusal(key: "dispute_error_month", field: "period") }
            let d = try await DisputeService(db: req.db, clock: clock(req)).raise(member: me.code, period: period, rule: input.rule,
                                                                                  message: input.message, by: try actor(req))
            return try await DisputeDTO(d).encodeResponse(status: .created, for: req)
        } catch let r as Refusal {
            throw refused(r, req)
        }
    }

    @Sendable func answer(req: Request) async throws -> DisputeDTO {
        _ = try account(req) { PayPermissions.mayAnswer($0.roleValue) }
        guard let d = try await PayQueries(db: req.db).dispute(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let input = try req.content.decode(DisputeAnswerDTO.self)
        var fen: Int64 = 0
        if let text = input.adjustment?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard case .success(let value) = FixedPoint.parse(text, scale: 2) else { throw Abort(.unprocessableEntity, reason: "adjustment: \"\(text)\" is not an amount") }
            fen = value
        }
        do {
            try await DisputeService(db: req.db, clock: clock(req)).answer(d, text: input.answer, adjustmentFen: fen, by: try actor(req))
        } catch let r as Refusal {
            throw refused(r, req)
        }
        return DisputeDTO(d)
    }

    // MARK: Payouts

    @Sendable func payouts(req: Request) async throws -> [PayoutBatchDTO] {
        _ = try payer(req)
        return try await PayQueries(db: req.db).batchesOldestFirst().map { PayoutBatchDTO($0, transfers: nil) }
    }

    @Sendable func payout(req: Request) async throws -> PayoutBatchDTO {
        _ = try payer(req)
        guard let b = try await PayQueries(db: req.db).batch(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        return PayoutBatchDTO(b, transfers: b.transfers)
    }

    @Sendable func createPayout(req: Request) async throws -> Response {
        _ = try payer(req)
        let input = try req.content.decode(NewPayoutBatchDTO.self)
        var minimum: Int64 = 1
        if let text = input.minimum?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard case .success(let fen) = FixedPoint.parse(text, scale: 2), fen >= 0 else { throw Abort(.unprocessableEntity, reason: "minimum: \"\(text)\" is not an amount") }
            minimum = fen
        }
        do {
            let b = try await PayoutService(db: req.db, clock: clock(req)).createBatch(minimumFen: minimum, withholdTax: input.withhold_tax ?? true, by: try actor(req))
            return try await PayoutBatchDTO(b, transfers: try await PayQueries(db: req.db).batch(b.id)?.transfers).encodeResponse(status: .created, for: req)
        } catch let r as Refusal {
            throw refused(r, req)
        }
    }

    @Sendable func reference(req: Request) async throws -> TransferDTO {
        _ = try payer(req)
        guard let id = req.parameters.get("id", as: Int.self), try await PayQueries(db: req.db).transfer(id) != nil else { throw Abort(.notFound) }
        do {
            try await PayoutService(db: req.db, clock: clock(req)).recordReference(transferID: id, reference: try req.content.decode(ReferenceDTO.self).reference,
                                                                                    by: try actor(req))
        } catch let r as Refusal {
            throw refused(r, req)
        }
        return TransferDTO(try await PayQueries(db: req.db).transfer(id)!)
    }
}
