import Fluent
import JiliCore
import Vapor

/// Members' statements (对账单) of approved months: on the phone, printable, and as CSV for Excel.
/// One's own; a manager's subtree or department; everyone for those who run pay.
struct StatementController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.statements, use: statements)
        routes.get(SiteURL.statement, use: statement)
        routes.get(SiteURL.printStatement, use: printable)
        routes.get(SiteURL.statementCSV, use: csv)
    }


    struct Month: Encodable {
        let period: String
        let label: String
        /// The member's income of the month, when they are a member.
        let amount: String?
    }

    struct StatementList: Encodable {
        let layout: Layout
        let months: [Month]
    }

    /// The approved months, newest first, each with what the member earned in it.
    @Sendable func statements(req: Request) async throws -> View {
        let account = try req.account
        let me = try await req.member(of: account)
        let queries = PayQueries(db: req.db)
        var months: [Month] = []
        for period in try await queries.approvedMonths() {
            var amount: String?
            if let me, let run = try await queries.approvedRun(period) {
                amount = Money(fen: try await queries.lineTotal(of: run, member: me.code) ?? 0).display
            }
            months.append(Month(period: period, label: Self.monthLabel(period, req), amount: amount))
        }
        return try await req.view.render("pay/statements", StatementList(layout: Layout(req, title: req.t("statements_title")), months: months))
    }

    /// `2026-10` as the member says it: 2026年10月.
    static func monthLabel(_ period: String, _ req: Request) -> String {
        let parts = period.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[1]) else { return period }
        return req.t("statements_month", ["year": String(parts[0]), "month": "\(month)"])
    }

    struct StatementLine: Encodable {
        let text: String
        let amount: String
        /// The member or order the line came from (the id), when it has one.
        let from: String
        /// The orders it was computed from.
        var orders: [String] = []
        /// Of those, the ones the viewer may open (at most a few on the page), and how many more.
        var links: [String] = []
        var moreOrders = 0
    }

    struct StatementRule: Encodable {
        /// The rule's id (what a question is about) and its name (what the member reads).
        let id: String
        let rule: String
        let amount: String
        /// `25.00`: the amount as a number, for the CSV.
        let plain: String
        let summary: String
        var lines: [StatementLine]
        /// Sources left off the page (the CSV has them all).
        var more: Int = 0

        /// At most `limit` lines on a page: a leader's 级差 can come from tens of thousands of
        /// downline members. The lines are largest first, so the largest are kept (a long line is
        /// stored so already, ``RunLines/pageLine(_:_:)``).
        func shown(limit: Int) -> StatementRule {
            guard lines.count > limit else { return self }
            var out = self
            out.lines = Array(lines.prefix(limit))
            out.more += lines.count - limit
            return out
        }
    }

    /// Sources shown per rule on the page and on paper.
    static let linesShown = RunLines.sourcesShown
    /// Order links shown per source line.
    static let ordersShown = 5

    struct StatementPage: Encodable {
        let layout: Layout
        let period: String
        /// 2026年10月收入: the month in the member's words.
        let heading: String
        let name: String
        let code: String
        let total: String
        /// What reached the member from the payouts after this month (after tax), and what is still
        /// owed to them over every approved month.
        let paid: String?
        let rules: [StatementRule]
        let empty: Bool
        /// What the ledger owes the member now (all approved months, less payouts).
        let balance: String
        /// Questions about this month and their answers, at the top; the form is on one's own statement only.
        let disputes: [DisputeController.Row]
        let openQuestions: Int
        let canQuestion: Bool
        /// Payouts made after this month was approved and before the next one was: before tax,
        /// tax withheld, paid.
        let payouts: [PayoutLine]
        /// On the printed statement: when the month was approved and when it was printed.
        var approvedAt: String? = nil
        var printedAt: String? = nil
    }

    struct PayoutLine: Encodable {
        let at: String
        let text: String
    }

    /// The member's transfers in the payout batches entered in the ledger after this month's
    /// approval and before the next month's (entries in the order posted).
    static func payoutLines(_ transfers: [PayoutTransfer], _ req: Request) -> [PayoutLine] {
        let clock = req.application.jiliClock
        return transfers.map { t in
            PayoutLine(at: clock.format(t.batch.createdAt), text: req.t("balance_transfer", [
                "gross": Money(fen: t.amountFen).display, "tax": Money(fen: t.taxFen).display, "net": Money(fen: t.netFen).display]))
        }
    }

    /// A member's approved month, found and checked: the member, the run and the member's line.
    struct Statement {
        var member: Member
        var me: Member?
        var run: PayRun
        var line: RunResult.MemberLine?
        var rules: [StatementRule]
        /// The names of the rules of the run's plan version.
        var names: RuleNames?
    }

    /// `whole`: every source (the CSV); otherwise the line as a page shows it.
    func load(_ req: Request, whole: Bool = false) async throws -> Statement {
        let account = try req.account
        let (member, me) = try await Permissions.payMember(req, account: account)
        let period = req.parameters.get("period") ?? ""
        let code = member.code
        guard let run = try await PayQueries(db: req.db).approvedRun(period) else { throw Abort(.notFound) }
        let english = req.language == "en"
        var line: RunResult.MemberLine?
        var more: [String: Int] = [:]
        if whole {
            line = try await RunLines.line(run: run, member: code, on: req.db)
        } else if let page = try await RunLines.pageLine(run: run, member: code, on: req.db) {
            (line, more) = (page.line, page.more)
        }
        let names = try await RuleNames.of(run, req)
        var rules: [StatementRule] = []
        func size(_ l: RunResult.Line) -> Int64 {
            guard case .success(let micro) = FixedPoint.parse(l.amount.hasPrefix("-") ? String(l.amount.dropFirst()) : l.amount, scale: 8) else { return 0 }
            return micro
        }
        func rule(_ id: String, _ amount: Int64, _ e: RunResult.Explanation?) -> StatementRule {
            let lines = RunLines.largestFirst(e?.lines ?? [], size: size)
            var r = StatementRule(id: id, rule: names(id), amount: Money(fen: amount).display, plain: Money(fen: amount).description, summary: e.map { english ? $0.en : $0.zh } ?? "",
                                  lines: lines.map { StatementLine(text: english ? $0.en : $0.zh, amount: $0.amount, from: $0.from ?? "", orders: $0.orders ?? []) })
            r.more = more[id] ?? 0
            return r
        }
        if let line {
            // The rules, largest first; adjustments of earlier months after them.
            for (id, amount) in line.rules.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) { rules.append(rule(id, amount, line.explanations?[id])) }
            if let e = line.explanations?["adjustments"] { rules.append(rule("adjustments", e.amount, e)) }
        }
        return Statement(member: member, me: me, run: run, line: line, rules: rules, names: names)
    }

    /// A member's statement of an approved month: each rule, and under it where each fen came from.
    func page(_ req: Request) async throws -> StatementPage {
        let s = try await load(req)
        let period = s.run.period, member = s.member
        let transfers = try await PayQueries(db: req.db).transfers(following: s.run, member: member.code)
        let disputes = try await PayQueries(db: req.db).disputes(of: member.code, period: period)
        let heading = req.t("statements_heading", ["month": Self.monthLabel(period, req)])
        // Order numbers open the order, for those who may see it: a few per line on the page.
        var rules = s.rules.map { $0.shown(limit: Self.linesShown) }
        let account = try req.account
        if let scope = Permissions.orderScope(account, member: s.me) {
            let wanted = rules.flatMap { $0.lines.flatMap { $0.orders.prefix(Self.ordersShown) } }
            let visible = try await CommerceQueries(db: req.db).visibleOrders(wanted, scope: scope)
            for r in rules.indices {
                for l in rules[r].lines.indices {
                    let orders = rules[r].lines[l].orders
                    rules[r].lines[l].links = orders.prefix(Self.ordersShown).filter(visible.contains)
                    rules[r].lines[l].moreOrders = rules[r].lines[l].links.isEmpty ? 0 : max(0, orders.count - Self.ordersShown)
                }
            }
        }
        return StatementPage(
            layout: Layout(req, title: heading), period: period, heading: heading, name: member.name, code: member.code,
            total: Money(fen: s.line?.total ?? 0).display,
            paid: transfers.contains { !$0.reference.isEmpty } ? Money(fen: transfers.filter { !$0.reference.isEmpty }.reduce(0) { $0 + $1.netFen }).display : nil,
            rules: rules, empty: s.line == nil,
            balance: Money(fen: -(try await Ledger(db: req.db).balance("payable:\(member.code)"))).display,
            disputes: try await DisputeController.rows(disputes, req, names: s.names),
            openQuestions: disputes.filter { $0.status == .open }.count,
            canQuestion: member.id == s.me?.id, payouts: Self.payoutLines(transfers, req),
            approvedAt: s.run.approvedAt.map { req.application.jiliClock.format($0) })
    }

    @Sendable func statement(req: Request) async throws -> View {
        try await req.view.render("pay/statement", page(req))
    }

    /// The statement on paper: every line open, no navigation, with when it was approved and printed.
    @Sendable func printable(req: Request) async throws -> View {
        var page = try await page(req)
        let clock = req.application.jiliClock
        page.printedAt = clock.format(clock.now())
        return try await req.view.render("pay/statement-print", page)
    }

    /// The statement as CSV for Excel (UTF-8 with a byte order mark, CRLF): one row per source line,
    /// in the reader's language.
    @Sendable func csv(req: Request) async throws -> Response {
        let s = try await load(req, whole: true)
        var rows: [[String]] = []
        for r in s.rules {
            if r.lines.isEmpty { rows.append([s.run.period, s.member.code, s.member.name, r.rule, r.plain, "", r.summary, ""]) }
            for l in r.lines { rows.append([s.run.period, s.member.code, s.member.name, r.rule, r.plain, l.from, l.text, l.amount]) }
        }
        rows.append([s.run.period, s.member.code, s.member.name, req.t("statements_income"), Money(fen: s.line?.total ?? 0).description, "", "", ""])
        let header = ["statements_csv_month", "statements_csv_member", "statements_csv_name", "statements_csv_rule", "statements_csv_rule_amount",
                      "statements_csv_from", "statements_csv_text", "statements_csv_amount"].map { req.t($0) }
        let response = Response(status: .ok, body: .init(data: Data(ExportService.csv(header, rows))))
        response.headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        response.headers.contentDisposition = .init(.attachment, filename: "statement-\(s.run.period)-\(s.member.code).csv")
        return response
    }
}
