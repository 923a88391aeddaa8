import Fluent
import JiliCore
import Vapor

/// 收款信息: where a member's pay goes and who they are for the tax bureau. The member enters their
/// own and reads them masked afterwards; finance enters or corrects anyone's and reads them in full.
struct PayeeController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.payee, use: page)
        routes.post(SiteURL.payee, use: save)
    }

    struct Saved: Encodable {
        let name: String
        let idType: String
        let id: String
        let method: String
        let account: String
        let at: String
        let by: String
    }

    struct Field: Encodable {
        let value: String
        let error: String?
    }

    struct Page: Encodable {
        let layout: Layout
        let member: String
        let code: String
        /// Finance editing someone else's: the form says whose.
        let forOther: Bool
        let full: Bool
        let saved: Saved?
        let idTypes: [SelectOption]
        let methods: [SelectOption]
        let realName: Field
        let idNumber: Field
        let bankName: Field
        let bankCard: Field
        let methodError: String?
        let idTypeError: String?
        let wechatBound: Bool
        /// A refused form: how many fields to change.
        let problems: String?
    }

    struct Form: Content {
        var member: String?
        var real_name: String?
        var id_type: String?
        var id_number: String?
        var method: String?
        var bank_name: String?
        var bank_card: String?

        var input: PayeeService.Input {
            .init(realName: real_name ?? "", idType: id_type ?? "", idNumber: id_number ?? "", method: method ?? "",
                  bankName: bank_name ?? "", bankCard: bank_card ?? "")
        }
    }

    /// The member whose details these are: one's own, or (finance) `member`.
    func target(_ req: Request, code: String?) async throws -> (Account, Member, Member?) {
        let account = try req.account
        let me = try await req.member(of: account)
        let wanted = code ?? me?.code ?? ""
        guard let member = try await TeamQueries(db: req.db).member(code: wanted),
              PayPermissions.mayEditPayee(account, me: me, of: member) else { throw Abort(.notFound) }
        return (account, member, me)
    }

    @Sendable func page(req: Request) async throws -> View {
        let (account, member, me) = try await target(req, code: req.query[String.self, at: "member"])
        return try await render(req, account: account, member: member, me: me, form: nil, problems: [])
    }

    @Sendable func save(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        let (account, member, me) = try await target(req, code: form.member)
        let service = PayeeService(db: req.db, clock: req.application.jiliClock)
        let saved = try await PayQueries(db: req.db).payee(of: member)
        let problems = try await service.problems(form.input, saved: saved, member: member)
        // Refused: the page again with what was typed and each field's reason (not kept in the session).
        guard problems.isEmpty else {
            return try await render(req, account: account, member: member, me: me, form: form, problems: problems)
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        try await service.save(form.input, for: member, by: .account(account))
        return req.redirect(to: member.id == me?.id ? SiteURL.payee() : SiteURL.payee(query: ["member": member.code]), notice: "payee_saved_notice")
    }

    func render(_ req: Request, account: Account, member: Member, me: Member?, form: Form?, problems: [Refusal]) async throws -> View {
        let saved = try await PayQueries(db: req.db).payee(of: member)
        let full = PayPermissions.seesPayeesInFull(account.roleValue)
        let bound = try await PayQueries(db: req.db).openIDs(codes: [member.code])[member.code] != nil
        let errors = Refusal.all(problems)?.fieldTexts(req) ?? [:]
        func field(_ name: String, typed: String?, saved: String?) -> Field { Field(value: typed ?? saved ?? "", error: errors[name]) }
        let people = try await People.load(saved.map { [$0.updatedBy] } ?? [], on: req.db)
        let shown = saved.map { p -> Saved in
            let m = p.masked
            let account = p.method == .bank ? "\(p.bankName) \(full ? p.bankCard : m.card)" : req.t("payee_method_wechat")
            return Saved(name: full ? p.realName : m.name, idType: p.idType, id: full ? p.idNumber : m.id,
                         method: req.t("payee_method_\(p.method.rawValue)"), account: account,
                         at: req.application.jiliClock.format(p.updatedAt), by: people.name(p.updatedBy, req))
        }
        let type = form?.id_type ?? saved?.idType ?? PersonalData.IDType.residentCard.rawValue
        let method = form?.method ?? saved?.method.rawValue ?? Payee.Method.bank.rawValue
        let title = req.t("payee_title")
        return try await req.view.render("pay/payee", Page(
            layout: Layout(req, title: title), member: member.name, code: member.code, forOther: member.id != me?.id, full: full, saved: shown,
            idTypes: PersonalData.IDType.allCases.map { SelectOption(value: $0.rawValue, label: $0.rawValue, selected: $0.rawValue == type) },
            methods: Payee.Method.allCases.map { SelectOption(value: $0.rawValue, label: req.t("payee_method_\($0.rawValue)"), selected: $0.rawValue == method) },
            // Finance corrects what is there; the member retypes a number only to change it.
            realName: field("real_name", typed: form?.real_name, saved: full ? saved?.realName : nil),
            idNumber: field("id_number", typed: form?.id_number, saved: full ? saved?.idNumber : nil),
            bankName: field("bank_name", typed: form?.bank_name, saved: saved?.bankName),
            bankCard: field("bank_card", typed: form?.bank_card, saved: full ? saved?.bankCard : nil),
            methodError: errors["method"], idTypeError: errors["id_type"], wechatBound: bound,
            problems: Refusal.all(problems)?.summary(req)))
    }
}
