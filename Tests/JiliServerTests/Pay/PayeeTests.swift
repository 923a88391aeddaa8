import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Payee details: entered by the member (every field checked, each problem said at its field), read
/// masked by everyone but finance, in full in the two files finance uploads, masked in the audit log.
@Suite struct PayeeTests {
    static let form = ["real_name": "汤强", "id_type": "居民身份证", "id_number": "330106199003071236", "method": "bank",
                       "bank_name": "中国工商银行杭州西湖支行", "bank_card": "6217 0012 3456 7893"]

    @Test func aMemberEntersTheirDetailsAndReadsThemMasked() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/payee").body.visibleText.contains("还没有收款信息：填写后，付款时才能转给你。"))
            // Three mistakes: each field says its own, what was typed stays, nothing is saved.
            var wrong = Self.form
            wrong["real_name"] = "汤"
            wrong["id_number"] = "330106199003071237"
            wrong["bank_card"] = "6217001234567894"
            let refused = try await agent.post("/payee", wrong, from: "/payee")
            #expect(refused.status == .unprocessableEntity)
            let text = refused.body.visibleText
            #expect(text.contains("收款信息 有 3 处需要修改，见标出的字段。"))
            #expect(text.contains("真实姓名：请填写与证件一致的姓名（2 到 30 个字）。"))
            #expect(text.contains("证件号码：校验位不对，请对照证件再看一遍。"))
            #expect(text.contains("银行卡号：校验不通过，可能有一位输错了，请对照卡片再看一遍。"))
            #expect(!text.contains("开户银行：请填写。"))
            #expect(refused.body.contains(#"name="id_number" value="330106199003071237""#) && refused.body.contains(#"name="bank_card" value="6217001234567894""#))
            #expect(refused.body.components(separatedBy: #"aria-invalid="true""#).count - 1 == 3)
            let m10 = try #require(try await TeamQueries(db: app.db).member(code: "m10"))
            #expect(try await PayQueries(db: app.db).payee(of: m10) == nil)
            // WeChat needs a bound WeChat.
            var wechat = Self.form
            wechat["method"] = "wechat"
            #expect(try await agent.post("/payee", wechat, from: "/payee").body.visibleText.contains("收款方式：还没有绑定微信，请先用微信登录，或选择银行卡。"))
            // Saved: read back masked, by the member too.
            let saved = try await agent.submit("/payee", Self.form, from: "/payee")
            #expect(saved.body.visibleText.contains("收款信息已保存。"))
            #expect(saved.body.visibleText.contains("真实姓名（与证件一致） 汤* 居民身份证 3301**********1236 收款方式 银行卡 · 中国工商银行杭州西湖支行 6217 **** **** 7893"))
            #expect(!saved.body.contains("6217001234567893") && !saved.body.contains("330106199003071236") && !saved.body.contains("<dd>汤强"))
            let payee = try #require(try await PayQueries(db: app.db).payee(of: m10))
            #expect(payee.bankCard == "6217001234567893" && payee.idNumber == "330106199003071236" && payee.updatedBy == "agent")
            // Changing the bank alone keeps the numbers the member cannot see.
            let moved = try await agent.post("/payee", ["real_name": "", "id_type": "居民身份证", "id_number": "", "method": "bank", "bank_name": "招商银行", "bank_card": ""], from: "/payee")
            #expect(moved.status == .seeOther)
            let again = try #require(try await PayQueries(db: app.db).payee(of: m10))
            #expect(again.bankName == "招商银行" && again.bankCard == "6217001234567893" && again.realName == "汤强")
            // The audit log has what changed, masked.
            let entries = try await AuditEntry.query(on: app.db).filter(\.$entity == "payee").all()
            #expect(entries.count == 2)
            for e in entries { #expect(!(e.after ?? "").contains("6217001234567893") && !(e.after ?? "").contains("330106199003071236") && !(e.after ?? "").contains("汤强")) }
            #expect(entries[0].after?.contains("6217 **** **** 7893") == true)
            var leader = try await Visitor.signedIn(app, "leader")
            let audit = try await leader.get("/audit").body.visibleText
            #expect(audit.contains("汤强 修改了 m10 的收款信息") && audit.contains("开户银行 中国工商银行杭州西湖支行 招商银行"))
            // Nobody else reads or changes them; finance reads them in full.
            #expect(try await leader.get("/payee?member=m10").status == .notFound)
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.post("/payee", Self.form.merging(["member": "m10"]) { $1 }, from: "/dashboard").status == .notFound)
            var finance = try await Visitor.signedIn(app, "finance")
            let full = try await finance.get("/payee?member=m10")
            #expect(full.body.visibleText.contains("汤强 居民身份证 330106199003071236 收款方式 银行卡 · 招商银行 6217001234567893"))
            // A passport saved by finance is masked to its last four; the member who then calls it a
            // 居民身份证 without retyping the number is refused: the saved number must fit the type.
            #expect(try await finance.post("/payee", Self.form.merging(["member": "m10", "id_type": "中国护照", "id_number": "E12345678"]) { $1 },
                                           from: "/payee?member=m10").status == .seeOther)
            #expect(try await agent.get("/payee").body.visibleText.contains("中国护照 *****5678"))
            let retyped = try await agent.post("/payee", ["real_name": "", "id_type": "居民身份证", "id_number": "", "method": "bank", "bank_name": "招商银行", "bank_card": ""], from: "/payee")
            #expect(retyped.status == .unprocessableEntity && retyped.body.visibleText.contains("证件号码：居民身份证是 18 位"))
            #expect(try await PayQueries(db: app.db).payee(of: m10)?.idType == "中国护照")
        }
    }

    /// The batch page names each payee (in full for finance, masked for the leader), finds one by name
    /// or card, takes references line after line, and gives finance the two files to upload.
    @Test func financePaysFromTheBatchPageAndItsFiles() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.post("/payee", Self.form, from: "/payee").status == .seeOther)
            var finance = try await Visitor.signedIn(app, "finance")
            #expect(try await finance.press("/payouts", from: "/payouts?preview=1&minimum=&withhold=on").status == .seeOther)
            let batch = try #require(try await PayoutBatch.query(on: app.db).with(\.$transfers).first())
            let m10 = try #require(batch.transfers.first { $0.memberCode == "m10" })
            let names = try await TeamQueries(db: app.db).members(codes: batch.transfers.map(\.memberCode))
            let page = try await finance.get("/payouts/\(batch.id!)").body.visibleText
            #expect(page.contains("\(names["m10"]!.name) m10 \(Money(fen: m10.netFen).display) 汤强 · 中国工商银行杭州西湖支行 6217 0012 3456 7893"))
            #expect(page.contains("以下成员还没有收款信息，不在转账文件里：") && page.contains("\(names["m11"]!.name) (m11)"))
            #expect(page.contains("已记录流水号 0/\(batch.transfers.count)"))
            var leader = try await Visitor.signedIn(app, "leader")
            let masked = try await leader.get("/payouts/\(batch.id!)").body
            #expect(masked.visibleText.contains("汤* · 中国工商银行杭州西湖支行 6217 **** **** 7893") && !masked.contains("6217 0012"))
            #expect(!masked.contains("transfer-file"))
            #expect(try await leader.get("/payouts/\(batch.id!)/transfer-file?format=xlsx").status == .forbidden)
            // The leader cannot find a card by its digits (that would give the masked ones away).
            #expect(!(try await leader.get("/payouts/\(batch.id!)?q=7893").body.contains("<li id=\"t")))
            // Found by the card's last four digits, or by name.
            let found = try await finance.get("/payouts/\(batch.id!)?q=7893").body
            #expect(found.contains("id=\"t\(m10.id!)\"") && found.components(separatedBy: "<li id=\"t").count - 1 == 1)
            #expect(try await finance.get("/payouts/\(batch.id!)?q=\(names["m11"]!.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)").body.contains("(m11)"))
            // The transfer file: only members with details, what reaches them, Jili's reference; the card as text.
            let xlsx = try await finance.get("/payouts/\(batch.id!)/transfer-file?format=xlsx")
            #expect(xlsx.status == .ok && xlsx.headers.first(name: .contentDisposition)?.contains("payout-\(batch.id!)-transfers.xlsx") == true)
            let sheet = String(decoding: try Workbook.firstSheetCSV(xlsx.bytes), as: UTF8.self).components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(sheet[0] == "序号,收款人姓名,收款方式,收款账号,开户银行,金额（元）,业务参考号,备注")
            #expect(sheet.count == 1 + batch.transfers.count - 1, "everyone but m11, who has no details")
            #expect(sheet.contains { $0.hasSuffix(",汤强,银行卡,6217001234567893,中国工商银行杭州西湖支行,\(Workbook.number(Money(fen: m10.netFen).description)),JL\(batch.id!)-\(m10.id!),激励 付款批次 \(batch.id!) · m10") })
            #expect(!sheet.contains { $0.hasSuffix(" · m11") })
            let csv = try await finance.get("/payouts/\(batch.id!)/transfer-file?format=csv")
            // In the CSV a card is a text Excel keeps whole (after a tab), and nothing is a formula.
            #expect(csv.bytes.starts(with: [0xEF, 0xBB, 0xBF]) && csv.body.contains(",\t6217001234567893,"))
            // A reference saved goes back to its line, marked saved, keeping the search.
            let order = batch.transfers.sorted { $0.memberCode.localizedStandardCompare($1.memberCode) == .orderedAscending }
            let saved = try await finance.post("/payouts/transfers/\(m10.id!)", ["reference": "4200001234202611300001", "q": "7893"], from: "/payouts/\(batch.id!)?q=7893")
            #expect(saved.location == "/payouts/\(batch.id!)?q=7893#t\(m10.id!)")
            let after = try await finance.following(saved)
            #expect(after.body.visibleText.contains("已记录 \(names["m10"]!.name) 的流水号。") && after.body.contains("<li id=\"t\(m10.id!)\" class=\"done\">"))
            // Taken again, the file leaves out what was paid since: nobody is paid twice.
            let again = String(decoding: try Workbook.firstSheetCSV(try await finance.get("/payouts/\(batch.id!)/transfer-file?format=xlsx").bytes), as: UTF8.self)
            #expect(!again.contains(" · m10\r\n") && again.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == sheet.count - 1)
            // The month's tax list, in the 扣缴端's columns, with the tax withheld to check against.
            #expect(try await finance.get("/payouts").body.contains("/payouts/tax/2026-11?format=xlsx"))
            let tax = try await finance.get("/payouts/tax/2026-11?format=xlsx")
            let rows = String(decoding: try Workbook.firstSheetCSV(tax.bytes), as: UTF8.self).components(separatedBy: "\r\n")
            #expect(rows[0] == "工号,*姓名,*证件类型,*证件号码,*所得项目,*本期收入,本期免税收入,商业健康保险,税延养老保险,其他,允许扣除的税费,减免税额,备注")
            // (A sheet's amounts read back as Excel shows them: 1234.5, not 1234.50.)
            let income = Money(fen: m10.amountFen - m10.untaxedFen).description
            #expect(rows.contains("m10,汤强,居民身份证,330106199003071236,一般劳务报酬所得,\(Workbook.number(income)),0,0,0,0,0,0"))
            let m11 = try #require(order.first { $0.memberCode == "m11" })
            #expect(rows.contains("m11,\(names["m11"]!.name),,,一般劳务报酬所得,\(Workbook.number(Money(fen: m11.amountFen - m11.untaxedFen).description)),0,0,0,0,0,0,缺少证件信息，请补充后再申报"))
            let taxCSV = try await finance.get("/payouts/tax/2026-11?format=csv").body
            #expect(taxCSV.contains("m10,汤强,居民身份证,\t330106199003071236,一般劳务报酬所得,\(income),0.00,0.00,0.00,0.00,0.00,0.00,,2026-11,\(Money(fen: m10.taxFen).description)"))
            // Each file made is in the audit log.
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "export").count() == 5)
            #expect(try await finance.get("/payouts/tax/2026-10?format=csv").status == .notFound)
        }
    }

    /// A CSV finance opens in Excel: nothing runs as a formula, a card keeps every digit.
    @Test func csvCellsAreSafeForExcel() {
        #expect(PayoutFiles.csvRows([[.text("=HYPERLINK(\"x\")"), .text("+1"), .text("-2"), .text("@a"), .text("6217001234567893"), .text("11010519491231002X"),
                                      .text("汤强"), .text("m10"), .amount("12.50")]])
                == [["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@a", "\t6217001234567893", "\t11010519491231002X", "汤强", "m10", "12.50"]])
    }
}
