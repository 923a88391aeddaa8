import Fluent
import JiliCore
import Vapor

/// A member's balance history (余额明细): what each approved month, adjustment and payout did to
/// what the ledger owes them, with the tax withheld from each payout.
struct BalanceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.balance, use: page)
    }

    struct Row: Encodable {
        let at: String
        let text: String
        let link: String?
        let change: String
        let owed: String
        let detail: String?
    }

    struct Page: Encodable {
        let layout: Layout
        let name: String
        let code: String
        let owed: String
        let taxWithheld: String
        /// Where the member's pay goes, masked, or that none is given yet.
        let payee: String
        let payeeLink: String?
        let rows: [Row]
    }

    @Sendable func page(req: Request) async throws -> View {
        let member = try await Permissions.payMember(req, account: try req.account).member
        let code = member.code
        let history = try await BalanceHistory.load(member: code, on: req.db)
        let clock = req.application.jiliClock
        func signed(_ fen: Int64) -> String { (fen > 0 ? "+" : "") + Money(fen: fen).display }
        let rows = history.rows.reversed().map { r -> Row in
            var detail: String?
            if let t = r.transfer {
                detail = req.t("balance_transfer", ["gross": Money(fen: t.amountFen).display, "tax": Money(fen: t.taxFen).display,
                                                    "net": Money(fen: t.netFen).display])
                    + (t.reference.isEmpty ? "" : " · " + req.t("balance_reference", ["reference": t.reference]))
            }
            let link: String? = switch r.kind {
            case "pay_run": SiteURL.statement(r.subject, query: ["member": code])
            case "prize": SiteURL.contest(r.subject)
            case "study": SiteURL.claims()
            default: nil
            }
            return Row(at: clock.format(r.at), text: req.t("balance_kind_\(r.kind)", ["subject": r.subject]), link: link,
                       change: signed(r.changeFen), owed: Money(fen: r.owedFen).display, detail: detail)
        }
        let tax = history.rows.compactMap(\.transfer).reduce(Int64(0)) { $0 + $1.taxFen }
        let account = try req.account
        let payee = try await PayQueries(db: req.db).payee(of: member)
        let payeeText = payee.map { p in p.method == .bank ? "\(p.bankName) \(PersonalData.maskCard(p.bankCard))" : req.t("payee_method_wechat") }
            ?? req.t("payouts_no_payee")
        let me = try await req.member(of: account)
        let payeeLink = me?.id == member.id ? SiteURL.payee()
            : PayPermissions.mayEditPayee(account, me: me, of: member) ? SiteURL.payee(query: ["member": member.code]) : nil
        return try await req.view.render("pay/balance", Page(
            layout: Layout(req, title: req.t("balance_title")), name: member.name, code: code, owed: Money(fen: history.owedFen).display,
            taxWithheld: Money(fen: tax).display, payee: payeeText, payeeLink: payeeLink, rows: Array(rows)))
    }
}
