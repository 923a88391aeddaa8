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
        routes.get(SiteURL.transferFile, use: transferFile)
        routes.get(SiteURL.taxList, use: taxList)
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
        /// The months paid in, each with its 个税扣缴申报 list (finance only).
        let taxMonths: [String]
    }

    struct PreviewQuery: Content {
        var preview: String?
        var minimum: String?
        var withhold: String?
        var include: String?
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let owed = try await Ledger(db: req.db).owedTotal()
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
            layout: Layout(req, title: req.t("payouts_title")), owedTotal: Money(fen: owed.fen).display, owedMembers: owed.members,
            batches: batches.map { BatchRow(id: $0.id!, at: clock.format($0.createdAt), total: Money(fen: $0.totalFen).display,
                                            tax: $0.withholdsTax ? Money(fen: $0.transfers.reduce(0) { $0 + $1.taxFen }).display : nil,
                                            transfers: $0.transfers.count, referenced: $0.transfers.filter { !$0.reference.isEmpty }.count) },
            preview: preview, error: error,
            taxMonths: PayPermissions.seesPayeesInFull(try req.account.roleValue) ? try await PayQueries(db: req.db).payoutMonths() : []))
            .encodeResponse(status: status, for: req)
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
        let code: String
        /// Who and where it is paid to: in full for finance, masked for anyone else; nil when missing.
        let payee: String?
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
        let query: String
        let shown: Int
        let count: Int
        let referenced: Int
        /// Members the transfer file leaves out: no payee details (or WeChat without a bound WeChat).
        let missing: [String]
        let mayExport: Bool
        let transfers: [TransferRow]
    }

    /// The batch's transfers with their members' names and payee details.
    func lines(_ b: PayoutBatch, _ req: Request) async throws -> [PayoutFiles.Transfer] {
        let codes = b.transfers.map(\.memberCode)
        let names = try await TeamQueries(db: req.db).members(codes: codes)
        let queries = PayQueries(db: req.db)
        let payees = try await queries.payees(codes: codes)
        let openIDs = try await queries.openIDs(codes: codes)
        return b.transfers.sorted { $0.memberCode.localizedStandardCompare($1.memberCode) == .orderedAscending }.map {
            PayoutFiles.Transfer(transfer: $0, memberName: names[$0.memberCode]?.name ?? $0.memberCode, payee: payees[$0.memberCode], openID: openIDs[$0.memberCode])
        }
    }

    func payeeText(_ line: PayoutFiles.Transfer, full: Bool, _ req: Request) -> String? {
        guard let p = line.payee else { return nil }
        let m = p.masked
        let name = full ? p.realName : m.name
        switch p.method {
        case .bank: return "\(name) · \(p.bankName) \(full ? PersonalData.groupCard(p.bankCard) : m.card)"
        case .wechat: return "\(name) · " + req.t(line.openID == nil ? "payouts_wechat_unbound" : "payee_method_wechat")
        }
    }

    @Sendable func batch(req: Request) async throws -> View {
        let account = try payer(req)
        guard let b = try await PayQueries(db: req.db).batch(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        let full = PayPermissions.seesPayeesInFull(account.roleValue)
        let all = try await lines(b, req)
        // Searched by name, member code, the reference, and (finance, who reads them in full) the real
        // name or the card's last four digits: a suffix search for anyone else would give the masked digits away.
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        let shown = q.isEmpty ? all : all.filter { l in
            l.memberName.contains(q) || l.transfer.memberCode == q || l.transfer.reference == q
                || (full && ((l.payee?.realName.contains(q) ?? false) || (q.count == 4 && q.allSatisfy(\.isNumber) && (l.payee?.bankCard.hasSuffix(q) ?? false))))
        }
        let tax = b.transfers.reduce(Int64(0)) { $0 + $1.taxFen }
        return try await req.view.render("pay/batch", BatchPage(
            layout: Layout(req, title: "\(req.t("payouts_batch")) \(b.id!)"), id: b.id!, at: req.application.jiliClock.format(b.createdAt),
            total: Money(fen: b.totalFen).display, tax: Money(fen: tax).display, net: Money(fen: b.totalFen - tax).display, withholdsTax: b.withholdsTax,
            query: q, shown: shown.count, count: all.count, referenced: all.filter { !$0.transfer.reference.isEmpty }.count,
            missing: all.filter { !PayoutFiles.payable($0) }.map { "\($0.memberName) (\($0.transfer.memberCode))" }, mayExport: full,
            transfers: shown.map {
                TransferRow(id: $0.transfer.id!, member: $0.memberName, code: $0.transfer.memberCode, payee: payeeText($0, full: full, req),
                            amount: Money(fen: $0.transfer.amountFen).display, tax: Money(fen: $0.transfer.taxFen).display,
                            net: Money(fen: $0.transfer.netFen).display, reference: $0.transfer.reference)
            }))
    }

    struct ReferenceForm: Content {
        var reference: String
        /// The search the batch page was showing, kept after the reference is saved.
        var q: String?
    }

    /// Saves one line's reference and goes back to the batch at that line (`#t17`), marked saved with
    /// the next line below it, not to the top: finance enters the bank's references one after another.
    @Sendable func reference(req: Request) async throws -> Response {
        let account = try payer(req)
        guard let id = req.parameters.get("id", as: Int.self), let t = try await PayQueries(db: req.db).transfer(id) else { throw Abort(.notFound) }
        let form = try req.content.decode(ReferenceForm.self)
        do {
            try await service(req).recordReference(transferID: id, reference: form.reference, by: .account(account))
        } catch is Refusal {
            throw Refusal(key: "payout_error_reference", field: "reference")
        }
        let q = (form.q ?? "").trimmingCharacters(in: .whitespaces)
        let anchor = "t\(id)"
        let names = try await TeamQueries(db: req.db).members(codes: [t.memberCode])
        return req.redirect(to: SiteURL.payout(t.$batch.id, query: ["q": q.isEmpty ? nil : q]) + "#" + anchor, notice: "payout_reference_notice",
                            ["member": names[t.memberCode]?.name ?? t.memberCode])
    }

    // Files for finance

    struct FileQuery: Content { var format: String? }

    /// The file as CSV (UTF-8 with a BOM, for Excel) or .xlsx, by `?format=`.
    func file(_ req: Request, name: String, sheets: [WorkbookWriter.Sheet], csv: (header: [String], rows: [[String]])) throws -> Response {
        let xlsx = (try? req.query.decode(FileQuery.self))?.format == "xlsx"
        let response: Response
        if xlsx {
            response = Response(status: .ok, body: .init(data: try WorkbookWriter.xlsx(sheets)))
            response.headers.contentType = HTTPMediaType(type: "application", subType: "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else {
            response = Response(status: .ok, body: .init(data: Data(ExportService.csv(csv.header, csv.rows))))
            response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        }
        response.headers.contentDisposition = .init(.attachment, filename: "\(name).\(xlsx ? "xlsx" : "csv")")
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    /// Finance only: the full payee details leave Jili in these two files and nowhere else.
    func exporter(_ req: Request) throws -> Account {
        let account = try payer(req)
        guard PayPermissions.seesPayeesInFull(account.roleValue) else { throw Abort(.forbidden) }
        return account
    }

    @Sendable func transferFile(req: Request) async throws -> Response {
        let account = try exporter(req)
        guard let b = try await PayQueries(db: req.db).batch(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let rows = PayoutFiles.transferRows(try await lines(b, req), batch: b.id!)
        try await Audit.record(on: req.db, at: req.application.jiliClock.now(), actor: .account(account), action: "export", entity: "payout_batch",
                               id: "\(b.id!)", before: nil, after: ["file": "transfers", "rows": "\(rows.count)"])
        return try file(req, name: "payout-\(b.id!)-transfers", sheets: [.init(name: "转账", header: PayoutFiles.transferHeader, rows: rows)],
                        csv: (PayoutFiles.transferHeader, PayoutFiles.csvRows(rows)))
    }

    @Sendable func taxList(req: Request) async throws -> Response {
        let account = try exporter(req)
        guard let month = Period(parsing: req.parameters.get("month") ?? "")?.description else { throw Abort(.notFound) }
        let queries = PayQueries(db: req.db)
        let transfers = try await queries.transfers(month: month)
        guard !transfers.isEmpty else { throw Abort(.notFound) }
        let codes = transfers.map(\.memberCode)
        let names = try await TeamQueries(db: req.db).members(codes: codes).mapValues(\.name)
        let incomes = PayoutFiles.incomes(transfers, names: names, payees: try await queries.payees(codes: codes))
        try await Audit.record(on: req.db, at: req.application.jiliClock.now(), actor: .account(account), action: "export", entity: "tax_list",
                               id: month, before: nil, after: ["rows": "\(incomes.count)"])
        let tax = PayoutFiles.taxRows(incomes), check = PayoutFiles.checkRows(incomes, month: month)
        // The CSV: the template's columns, then the month and the tax withheld, to check against the client's.
        let csvRows = zip(PayoutFiles.csvRows(tax), PayoutFiles.csvRows(check)).map { $0 + [$1[2], $1[4]] }
        return try file(req, name: "iit-\(month)-labor", sheets: [.init(name: "劳务报酬", header: PayoutFiles.taxHeader, rows: tax),
                                                                   .init(name: "核对", header: PayoutFiles.checkHeader, rows: check)],
                        csv: (PayoutFiles.taxHeader + ["所属月份", "已预扣预缴税额"], csvRows))
    }
}

