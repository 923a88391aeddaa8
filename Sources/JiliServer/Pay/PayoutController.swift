import Fluent
import JiliCore
import Vapor

/// Payout batches for finance and the leader: what is owed, a batch paying it, references recorded.
struct PayoutController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.payouts, use: list)
        routes.post(SiteURL.payouts, use: create)
        routes.get(SiteURL.payout, use: batch)
        routes.post(SiteURL.transfer, use: reference)
    }


    func payer(_ req: Request) throws -> Account { try req.account(if: PayPermissions.mayPay) }

    func service(_ req: Request) -> PayoutService { PayoutService(db: req.db, clock: req.application.jiliClock) }

    struct BatchRow: Encodable {
        let id: Int
        let at: String
        let total: String
        let tax: String?
        let transfers: Int
        let referenced: Int
    }

    /// What a batch would pay, said before it is made; the form that makes it carries the same choices.
    struct Preview: Encodable {
        let lines: [String]
        let heldBack: [String]
        let minimum: String
        let withhold: Bool
        let include: Bool
        let empty: Bool
        let fingerprint: String
    }

    struct ListPage: Encodable {
        let layout: Layout
        let owedTotal: String
        let owedMembers: Int
        let batches: [BatchRow]
        let preview: Preview?
        let error: String?
    }

    struct PreviewQuery: Content {
        var preview: String?
        var minimum: String?
        var withhold: String?
        var include: String?
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let owed = try await service(req).owed()
        let batches = try await PayQueries(db: req.db).batches()
        let clock = req.application.jiliClock
        var preview: Preview?
        if let q = try? req.query.decode(PreviewQuery.self), q.preview != nil, error == nil {
            let minimum = try Self.minimum(q.minimum, req)
            let plan = try await service(req).preview(minimumFen: minimum, withholdTax: q.withhold != nil, includeDisputed: q.include != nil)
            let names = try await TeamQueries(db: req.db).members(codes: Array(plan.heldBack.keys))
            preview = Preview(
                lines: [req.t("payouts_preview_people", ["people": "\(plan.transfers.count)", "total": Money(fen: plan.total).display]),
                        req.t("payouts_preview_tax", ["tax": Money(fen: plan.tax).display, "net": Money(fen: plan.total - plan.tax).display])],
                heldBack: plan.heldBack.sorted { $0.key < $1.key }.map { code, fen in
                    req.t("payouts_preview_held", ["member": names[code].map { "\($0.name) (\(code))" } ?? code, "amount": Money(fen: fen).display])
                },
                minimum: q.minimum ?? "", withhold: q.withhold != nil, include: q.include != nil, empty: plan.transfers.isEmpty,
                fingerprint: plan.fingerprint)
        }
        return try await req.view.render("pay/payouts", ListPage(
            layout: Layout(req, title: req.t("payouts_title")), owedTotal: Money(fen: owed.values.reduce(0, +)).display, owedMembers: owed.count,
            batches: batches.map { BatchRow(id: $0.id!, at: clock.format($0.createdAt), total: Money(fen: $0.totalFen).display,
                                            tax: $0.withholdsTax ? Money(fen: $0.transfers.reduce(0) { $0 + $1.taxFen }).display : nil,
                                            transfers: $0.transfers.count, referenced: $0.transfers.filter { !$0.reference.isEmpty }.count) },
            preview: preview, error: error)).encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response {
        _ = try payer(req)
        return try await render(req)
    }

    struct NewBatch: Content {
        var minimum: String?
        /// A checkbox: present ("on") when tax is to be withheld.
        var withhold: String?
        /// Present when members with an open question are paid too.
        var include: String?
        /// `yes` from the preview's confirmation.
        var confirm: String?
        /// The preview read (``PayoutService/Plan/fingerprint``).
        var fingerprint: String?
    }

    /// The least a member must be owed to be paid: 0.01 unless the form says more.
    static func minimum(_ text: String?, _ req: Request) throws -> Int64 {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return 1 }
        guard case .success(let fen) = FixedPoint.parse(text, scale: 2), fen >= 0 else {
            throw Refusal(key: "refund_error_not_amount", values: ["value": text], field: "minimum")
        }
        return fen
    }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try payer(req)
        let form = try req.content.decode(NewBatch.self)
        let minimum: Int64
        do { minimum = try Self.minimum(form.minimum, req) } catch let r as Refusal {
            return try await render(req, error: req.t(r.key, r.values), status: .unprocessableEntity)
        }
        // A batch is made from its preview, with the confirmation it asks for.
        guard form.confirm == "yes", let fingerprint = form.fingerprint else { throw Refusal(key: "payout_error_confirm") }
        let batch = try await service(req).createBatch(minimumFen: minimum, withholdTax: form.withhold != nil, includeDisputed: form.include != nil,
                                                       fingerprint: fingerprint, by: .account(account))
        return req.redirect(to: SiteURL.payout(batch.id!), notice: "payout_created_notice")
    }

    struct TransferRow: Encodable {
        let id: Int
        let member: String
        let amount: String
        let tax: String
        let net: String
        let reference: String
    }

    struct BatchPage: Encodable {
        let layout: Layout
        let id: Int
        let at: String
        let total: String
        let tax: String
        let net: String
        let withholdsTax: Bool
        let transfers: [TransferRow]
    }

    @Sendable func batch(req: Request) async throws -> View {
        _ = try payer(req)
        guard let b = try await PayQueries(db: req.db).batch(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        let tax = b.transfers.reduce(Int64(0)) { $0 + $1.taxFen }
        return try await req.view.render("pay/batch", BatchPage(
            layout: Layout(req, title: "\(req.t("payouts_batch")) \(b.id!)"), id: b.id!, at: req.application.jiliClock.format(b.createdAt),
            total: Money(fen: b.totalFen).display, tax: Money(fen: tax).display, net: Money(fen: b.totalFen - tax).display, withholdsTax: b.withholdsTax,
            transfers: b.transfers.sorted { $0.memberCode < $1.memberCode }.map {
                TransferRow(id: $0.id!, member: $0.memberCode, amount: Money(fen: $0.amountFen).display, tax: Money(fen: $0.taxFen).display,
                            net: Money(fen: $0.netFen).display, reference: $0.reference)
            }))
    }

    struct ReferenceForm: Content { var reference: String }

    @Sendable func reference(req: Request) async throws -> Response {
        let account = try payer(req)
        guard let id = req.parameters.get("id", as: Int.self), let t = try await PayQueries(db: req.db).transfer(id) else { throw Abort(.notFound) }
        do {
            try await service(req).recordReference(transferID: id, reference: try req.content.decode(ReferenceForm.self).reference, by: .account(account))
        } catch is Refusal {
            throw Refusal(key: "payout_error_reference", field: "reference")
        }
        return req.redirect(to: SiteURL.payout(t.$batch.id))
    }
}
