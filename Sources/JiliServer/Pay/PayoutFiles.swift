import Foundation
import JiliCore

/// The two files finance uploads after a payout: the bulk transfer file for the bank's 批量代发 (or
/// WeChat Pay's 批量转账到零钱), and the month's 个人所得税扣缴申报 list of 劳务报酬 in the columns of
/// the 自然人电子税务局（扣缴端） import template. They are the only places payee details leave Jili in
/// full; each is made for finance only, and its making is in the audit log.
enum PayoutFiles {
    /// One transfer of the batch with its payee: what the file's row says.
    struct Transfer {
        let transfer: PayoutTransfer
        let memberName: String
        let payee: Payee?
        let openID: String?
    }

    static let transferHeader = ["序号", "收款人姓名", "收款方式", "收款账号", "开户银行", "金额（元）", "业务参考号", "备注"]

    /// `JL3-17`: Jili's reference of a transfer (batch 3, transfer 17), carried by the bank's or
    /// WeChat Pay's record of it, so that the reference it returns is entered against the right line.
    static func reference(_ t: PayoutTransfer) -> String { "JL\(t.$batch.id)-\(t.id ?? 0)" }

    /// The rows of the transfer file: each transfer still to pay (no reference recorded: a file taken
    /// again never pays anyone twice) with payee details, in member order, paying what reaches the
    /// member (after tax). Those without details are left out and named by the page.
    static func transferRows(_ transfers: [Transfer], batch: Int) -> [[WorkbookWriter.Cell]] {
        transfers.filter { payable($0) && $0.transfer.reference.isEmpty }.enumerated().map { i, t in
            let p = t.payee!
            let bank = p.method == .bank
            return [.text("\(i + 1)"), .text(p.realName), .text(bank ? "银行卡" : "微信零钱"), .text(bank ? p.bankCard : t.openID ?? ""),
                    .text(bank ? p.bankName : ""), .amount(Money(fen: t.transfer.netFen).description), .text(reference(t.transfer)),
                    .text("激励 付款批次 \(batch) · \(t.transfer.memberCode)")]
        }
    }

    /// A transfer the file can carry: payee details, and for WeChat a bound WeChat.
    static func payable(_ t: Transfer) -> Bool {
        guard let p = t.payee else { return false }
        return p.method == .bank ? !p.bankCard.isEmpty : t.openID != nil
    }

    /// The 扣缴端's 劳务报酬 template, column for column (an asterisk marks what it requires).
    static let taxHeader = ["工号", "*姓名", "*证件类型", "*证件号码", "*所得项目", "*本期收入", "本期免税收入", "商业健康保险", "税延养老保险",
                            "其他", "允许扣除的税费", "减免税额", "备注"]
    /// What finance checks against the client's own computation: the tax Jili withheld.
    static let checkHeader = ["工号", "姓名", "所属月份", "本期收入", "已预扣预缴税额"]

    /// One member's 劳务报酬 of a month: every transfer of the month taken together, less study
    /// claims paid back (not income), and the tax withheld from them.
    struct Income {
        let code: String
        let memberName: String
        let payee: Payee?
        var incomeFen: Int64
        var taxFen: Int64
    }

    static func incomes(_ transfers: [PayoutTransfer], names: [String: String], payees: [String: Payee]) -> [Income] {
        var by: [String: Income] = [:]
        for t in transfers {
            by[t.memberCode, default: Income(code: t.memberCode, memberName: names[t.memberCode] ?? t.memberCode, payee: payees[t.memberCode], incomeFen: 0, taxFen: 0)]
                .incomeFen += t.amountFen - t.untaxedFen
            by[t.memberCode]!.taxFen += t.taxFen
        }
        return by.values.filter { $0.incomeFen > 0 }.sorted { $0.code < $1.code }
    }

    static func taxRows(_ incomes: [Income]) -> [[WorkbookWriter.Cell]] {
        incomes.map { i in
            [.text(i.code), .text(i.payee?.realName ?? i.memberName), .text(i.payee?.idType ?? ""), .text(i.payee?.idNumber ?? ""),
             .text("一般劳务报酬所得"), .amount(Money(fen: i.incomeFen).description), .amount("0.00"), .amount("0.00"), .amount("0.00"),
             .amount("0.00"), .amount("0.00"), .amount("0.00"), .text(i.payee == nil ? "缺少证件信息，请补充后再申报" : "")]
        }
    }

    static func checkRows(_ incomes: [Income], month: String) -> [[WorkbookWriter.Cell]] {
        incomes.map { i in
            [.text(i.code), .text(i.payee?.realName ?? i.memberName), .text(month), .amount(Money(fen: i.incomeFen).description),
             .amount(Money(fen: i.taxFen).description)]
        }
    }

    /// A CSV cell for Excel: an amount as its decimal text; text that Excel would run as a formula
    /// (`=`, `+`, `-`, `@`) after a `'`; a long number (a card, an ID) after a tab, so that Excel keeps
    /// every digit as text instead of 6.22E+18.
    static func csvRows(_ rows: [[WorkbookWriter.Cell]]) -> [[String]] {
        rows.map { $0.map { cell in
            switch cell {
            case .amount(let a): return a
            case .text(let t):
                if let first = t.first, "=+-@\t\r".contains(first) { return "'" + t }
                if t.count >= 12, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "X") }) { return "\t" + t }
                return t
            }
        } }
    }
}
