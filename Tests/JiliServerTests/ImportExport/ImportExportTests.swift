import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct ImportExportTests {
    func service(_ app: Application) -> ImportService { ImportService(db: app.db, clock: JiliClock(now: { testNow }), text: app.catalog.table("en")) }

    func importing(_ app: Application, _ kind: ImportService.Kind, _ text: String, file: String) async throws -> ImportService.Outcome {
        try await service(app).run(kind, bytes: Array(text.utf8), file: file, by: .system)
    }

    @Test func theWorkedExampleImportsAndImportingAgainChangesNothing() async throws {
        try await withTestApp(demo: false) { app in
            let folder = packageRoot + "/examples/basic/"
            let members = try String(contentsOfFile: folder + "members.csv", encoding: .utf8)
            // o4 is paid after the test clock: leave it out of this import.
            let orders = try String(contentsOfFile: folder + "orders.csv", encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("o4,") }.joined(separator: "\n")
            let refunds = try String(contentsOfFile: folder + "refunds.csv", encoding: .utf8)
            var o = try await importing(app, .members, members, file: "members.csv")
            #expect(o.ok && o.added == 5)
            o = try await importing(app, .orders, orders, file: "orders.csv")
            #expect(o.ok && o.added == 5, "\(o.problems)")
            o = try await importing(app, .refunds, refunds, file: "refunds.csv")
            #expect(o.ok && o.added == 2, "\(o.problems)")
            // Again: nothing added, nothing changed.
            let before = try await Order.query(on: app.db).sort(\.$id).all().map { "\($0.code) \($0.amountFen) \($0.refundedFen)" }
            for (kind, text, file) in [(ImportService.Kind.members, members, "members.csv"), (.orders, orders, "orders.csv"), (.refunds, refunds, "refunds.csv")] {
                let again = try await importing(app, kind, text, file: file)
                #expect(again.ok && again.added == 0 && again.unchanged > 0, "\(file): \(again.problems)")
            }
            #expect(try await Order.query(on: app.db).sort(\.$id).all().map { "\($0.code) \($0.amountFen) \($0.refundedFen)" } == before)
            // The tree and the refunds are as in the files.
            let e = try #require(try await Member.query(on: app.db).filter(\.$code == "E").with(\.$sponsor).first())
            #expect(e.sponsor?.code == "D" && e.status == .inactive)
            let o6 = try #require(try await Order.query(on: app.db).filter(\.$code == "o6").first())
            #expect(o6.amountFen == 8000 && o6.refundedFen == 3000 && o6.period == "2026-11")
            let o3 = try #require(try await Order.query(on: app.db).filter(\.$code == "o3").first())
            #expect(o3.period == "2026-11" && o3.category == "food")
        }
    }

    /// Orders are written 500 to an INSERT; each line goes to its own order.
    @Test func importedOrdersNamingAProductGetTheirLine() async throws {
        try await withTestApp { app in
            let p1 = try #require(try await Product.query(on: app.db).filter(\.$code == "p1").first())
            var rows = ["id,member_id,paid_at,amount,cost,category,product_id,quantity"]
            for i in 1...1_203 { rows.append("imp\(i),m10,2026-11-0\(i % 9 + 1)T10:00:00+08:00,\(i * 2).00,\(i).00,,p1,\(i % 3 == 0 ? 7 : 2)") }
            let o = try await importing(app, .orders, rows.joined(separator: "\n"), file: "orders.csv")
            #expect(o.ok && o.added == 1_203, "\(o.problems.prefix(3))")
            let imported = try await Order.query(on: app.db).filter(\.$code =~ "imp").with(\.$lines).all()
            #expect(imported.count == 1_203)
            for order in imported {
                let i = Int64(order.code.dropFirst(3))!
                let quantity: Int64 = i % 3 == 0 ? 7 : 2
                // A line only when the amount divides by the quantity; its price is exact.
                if (i * 200) % quantity == 0 {
                    #expect(order.lines.count == 1 && order.lines[0].$product.id == p1.id && order.lines[0].priceFen * quantity == order.amountFen, "\(order.code)")
                } else {
                    #expect(order.lines.isEmpty, "\(order.code)")
                }
                #expect(order.category == p1.category)
            }
        }
    }

    @Test func brokenMembersFilesWriteNothing() async throws {
        try await withTestApp { app in
            let count = try await Member.query(on: app.db).count()
            let o = try await importing(app, .members, """
                id,name,sponsor_id,tier,joined_at,status
                n1,新人甲,m10,vip,2026-11-01,active
                n2,新人乙,zz,vip,2026-11-01,active
                n3,新人丙,n4,vip,2026-11-01,active
                n4,新人丁,n3,vip,2026-11-01,active
                n1,新人戊,m10,vip,2026-11-01,active
                n5,新人己,m10,boss,2026-13-01,sleeping
                m10,改名,m3,agent,2025-01-01,active
                """, file: "new-members.csv")
            #expect(o.problems.map(\.description) == [
                #"new-members.csv:3: unknown sponsor "zz" of member "n2""#,
                #"new-members.csv:4: sponsor links form a cycle: "n3" → "n4" → "n3""#,
                #"new-members.csv:6: duplicate member id "n1" (also line 2)"#,
                #"new-members.csv:7: unknown tier "boss" (tiers: vip, agent, general, director)"#,
                #"new-members.csv:7: status "sleeping" is not one of active, inactive, left"#,
                #"new-members.csv:7: joined_at "2026-13-01" is not a date (e.g. 2026-11-03)"#,
                #"new-members.csv:8: member "m10" exists with other values: change it on its page, not by import"#,
            ])
            #expect(try await Member.query(on: app.db).count() == count)
        }
    }

    @Test func brokenOrdersAndRefundsWriteNothing() async throws {
        try await withTestApp { app in
            let orders = try await Order.query(on: app.db).count()
            let o = try await importing(app, .orders, """
                id,member_id,paid_at,amount,cost
                x1,m10,2026-11-02T10:00:00+08:00,100.00,40
                x2,m99999,2026-11-02,100,
                x3,m10,yesterday,100,
                x4,m10,2026-11-02,1O0,
                x5,m10,2026-11-02,1.234,
                x1,m10,2026-11-02,5,
                x6,m10,2026-12-25,5,
                """, file: "orders.csv")
            #expect(o.problems.map(\.description) == [
                #"orders.csv:3: unknown member "m99999""#,
                #"orders.csv:4: paid_at "yesterday" is not a timestamp (e.g. 2026-11-03T10:15:00+08:00)"#,
                #"orders.csv:5: amount "1O0" is not an amount (yuan, at most 2 decimals, at most 10000000000)"#,
                #"orders.csv:6: amount "1.234" is not an amount (yuan, at most 2 decimals, at most 10000000000)"#,
                #"orders.csv:7: duplicate order id "x1" (also line 2)"#,
                #"orders.csv:8: paid_at 2026-12-25 is in the future"#,
            ])
            #expect(try await Order.query(on: app.db).count() == orders)

            let order = try #require(try await Order.query(on: app.db).filter(\.$refundedFen == 0).sort(\.$id).first())
            let refunds = try await Refund.query(on: app.db).count()
            let paid = ISO8601DateFormatter().string(from: order.paidAt.addingTimeInterval(-60))
            let r = try await importing(app, .refunds, """
                id,order_id,refunded_at,amount
                y1,\(order.code),2026-11-29T10:00:00+08:00,\(Money(fen: order.amountFen - 100))
                y2,\(order.code),2026-11-29T10:00:00+08:00,1.01
                y3,nope,2026-11-29,1
                y4,\(order.code),\(paid),1
                y5,\(order.code),2026-11-29,0
                """, file: "refunds.csv")
            #expect(r.problems.map(\.description) == [
                "refunds.csv:3: refunds of order \"\(order.code)\" reach \(Money(fen: order.amountFen + 1)), more than its amount \(Money(fen: order.amountFen))",
                #"refunds.csv:4: unknown order "nope""#,
                "refunds.csv:5: refunded_at \(paid) is before order \"\(order.code)\" was paid",
                #"refunds.csv:6: amount "0" is not an amount above 0"#,
            ])
            #expect(try await Refund.query(on: app.db).count() == refunds)
            #expect(try await Order.find(order.id, on: app.db)!.refundedFen == 0)
        }
    }

    @Test func exportsOpenInExcelAndImportBack() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.get("/export/members.csv")
            #expect(page.status == .ok)
            #expect(page.headers.contentType?.subType == "csv")
            #expect(page.headers.first(name: .contentDisposition)?.contains("jili-members.csv") == true)
            let bytes = Array(page.body.utf8)
            #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
            let lines = page.body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            #expect(lines.count == 301)
            #expect(lines[0] == "\u{FEFF}id,name,sponsor_id,tier,joined_at,status")
            // The export is an import that changes nothing.
            let again = try await importing(app, .members, page.body, file: "jili-members.csv")
            #expect(again.ok && again.added == 0 && again.unchanged == 300, "\(again.problems.prefix(3))")
            // Orders of a month, in the contract's format, read back by the settlement reader.
            let orders = try await leader.get("/export/orders.csv?month=2026-10").body
            let count = try await Order.query(on: app.db).filter(\.$period == "2026-10").count()
            #expect(orders.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == count + 1)
            let reimport = try await importing(app, .orders, orders, file: "orders.csv")
            #expect(reimport.ok && reimport.unchanged == count, "\(reimport.problems.prefix(3))")
            // An agent exports only their team.
            var agent = try await Visitor.signedIn(app, "agent")
            let theirs = try await agent.get("/export/members.csv").body.components(separatedBy: "\r\n").filter { !$0.isEmpty }
            let m10 = try #require(try await Member.query(on: app.db).filter(\.$code == "m10").first())
            #expect(theirs.count == (try await Member.query(on: app.db).filter(\.$path =~ m10.path).count()) + 1)
        }
    }

    @Test func theUploadPageImportsAllOrNothing() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            func upload(_ csv: String) async throws -> Visitor.Page {
                try await leader.upload("/import", ["kind": "members"], file: ("file", "team.csv", "text/csv", Array(csv.utf8)), from: "/import")
            }
            let bad = try await upload("id,name,sponsor_id,tier,joined_at,status\nq1,某甲,m10,vip,2026-11-01,active\nq2,某乙,qq,vip,2026-11-01,active\n")
            #expect(bad.status == .unprocessableEntity)
            // The page says it in the visitor's language (Chinese here).
            #expect(bad.body.visibleText.contains("team.csv:3: 成员“q2”的推荐人“qq”不存在"))
            #expect(try await Member.query(on: app.db).filter(\.$code == "q1").first() == nil)
            let good = try await upload("id,name,sponsor_id,tier,joined_at,status\nq1,某甲,m10,vip,2026-11-01,active\nq2,某乙,q1,vip,2026-11-01,active\n")
            #expect(good.status == .ok)
            #expect(good.body.visibleText.contains("team.csv : 新增 2 · 未变 0"))
            let q2 = try #require(try await Member.query(on: app.db).filter(\.$code == "q2").with(\.$sponsor).first())
            #expect(q2.sponsor?.code == "q1")
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/import").status == .forbidden)
        }
    }

    /// Excel on a Chinese Windows saves "CSV (逗号分隔)" in GBK, and "Unicode text" as UTF-16 with
    /// tabs: both are read with their names intact. A picture or a workbook is "not a CSV file",
    /// once, instead of six lines of "missing column"; nothing is written.
    @Test func filesSavedByExcelAreReadInTheirEncodingAndOtherFilesAreNotCSV() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            func upload(_ bytes: [UInt8], name: String) async throws -> Visitor.Page {
                try await leader.upload("/import", ["kind": "members"], file: ("file", name, "text/csv", bytes), from: "/import")
            }
            let csv = "id,name,sponsor_id,tier,joined_at,status\r\nq1,欧阳娜娜,m10,vip,2026-11-01,active\r\n"
            let gbk = try #require(csv.data(using: String.Encoding(rawValue: 0x8000_0632)))
            #expect(!gbk.isEmpty && String(data: gbk, encoding: .utf8) == nil)
            let fromGBK = try await upload(Array(gbk), name: "团队.csv")
            #expect(fromGBK.status == .ok, "\(fromGBK.body.visibleText.prefix(600))")
            #expect(try await Member.query(on: app.db).filter(\.$code == "q1").first()?.name == "欧阳娜娜")

            let tsv = "id\tname\tsponsor_id\ttier\tjoined_at\tstatus\r\nq2\t\"李, 雷\"\tq1\tvip\t2026-11-02\tactive\r\n"
            let utf16 = [0xFF, 0xFE] + Array(try #require(tsv.data(using: .utf16LittleEndian)))
            let fromUTF16 = try await upload(utf16, name: "team.txt")
            #expect(fromUTF16.status == .ok, "\(fromUTF16.body.visibleText.prefix(600))")
            let q2 = try #require(try await Member.query(on: app.db).filter(\.$code == "q2").with(\.$sponsor).first())
            #expect(q2.name == "李, 雷" && q2.sponsor?.code == "q1")

            let before = try await Member.query(on: app.db).count()
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52]
            let picture = try await upload(png, name: "photo.csv")
            #expect(picture.status == .unprocessableEntity)
            #expect(picture.body.visibleText.contains("photo.csv: 不是 CSV 文件，而是PNG 图片：请在 Excel 中选择“另存为”→“CSV UTF-8（逗号分隔）”，再上传保存的文件"))
            #expect(!picture.body.visibleText.contains("缺少列"))
            let workbook = try await upload([0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0x06, 0], name: "team.xlsx")
            #expect(workbook.status == .unprocessableEntity)
            #expect(workbook.body.visibleText.contains("team.xlsx: 不是 CSV 文件，而是ZIP 压缩文件（不是可读取的 Excel 工作簿）"))
            let garbled = try await upload(Array("id,name\n".utf8) + [0x71, 0x33, 0x2C, 0xFF, 0xFF, 0x0A], name: "odd.csv")
            #expect(garbled.status == .unprocessableEntity)
            #expect(garbled.body.visibleText.contains("odd.csv: 文件的文字编码无法识别"))
            #expect(try await Member.query(on: app.db).count() == before)
        }
    }

    /// An Excel workbook is read from its first sheet, as Excel shows it: shared strings, a number
    /// typed as an id, dates in built-in, custom and Chinese formats (one with a time); a problem
    /// names the row Excel shows; another ZIP file is still "not a CSV file".
    @Test func anExcelWorkbookIsImportedFromItsFirstSheet() async throws {
        try await withTestApp { app in
            func workbook(_ name: String) throws -> [UInt8] { Array(try #require(FileManager.default.contents(atPath: packageRoot + "/Tests/Fixtures/" + name))) }
            let before = try await Member.query(on: app.db).count()
            let bad = try await service(app).run(.members, bytes: try workbook("team-bad-row.xlsx"), file: "team-bad-row.xlsx", by: .system)
            #expect(bad.problems.map(\.description) == [#"team-bad-row.xlsx:6: unknown tier "boss" (tiers: vip, agent, general, director)"#])
            #expect(try await Member.query(on: app.db).count() == before)

            var leader = try await Visitor.signedIn(app, "leader")
            let page = try await leader.upload("/import", ["kind": "members"], file: ("file", "团队.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                                                                       try workbook("team.xlsx")), from: "/import")
            #expect(page.status == .ok && page.body.visibleText.contains("团队.xlsx : 新增 3 · 未变 0"), "\(page.body.visibleText.suffix(400))")
            let added = try await Member.query(on: app.db).filter(\.$code ~~ ["x1", "20001", "x3"]).with(\.$sponsor).all()
            let byCode = Dictionary(uniqueKeysWithValues: added.map { ($0.code, $0) })
            #expect(byCode["x1"]?.name == "欧阳娜娜" && byCode["x1"]?.sponsor?.code == "m10")
            #expect(byCode["20001"]?.name == #"李, "雷""# && byCode["20001"]?.sponsor?.code == "x1")
            #expect(byCode["x3"]?.name == "王芳")
            let clock = app.jiliClock
            #expect(byCode["x1"].map { clock.format($0.joinedAt, "yyyy-MM-dd HH:mm") } == "2026-11-01 00:00")
            #expect(byCode["20001"].map { clock.format($0.joinedAt, "yyyy-MM-dd HH:mm") } == "2026-11-02 09:30")
            #expect(byCode["x3"].map { clock.format($0.joinedAt, "yyyy-MM-dd HH:mm") } == "2026-11-03 00:00")
            // The same workbook again changes nothing.
            let again = try await service(app).run(.members, bytes: try workbook("team.xlsx"), file: "team.xlsx", by: .system)
            #expect(again.ok && again.added == 0 && again.unchanged == 3, "\(again.problems)")

            let zip = try await service(app).run(.members, bytes: [0x50, 0x4B, 0x03, 0x04, 0x14, 0, 0x06, 0], file: "photos.zip", by: .system)
            #expect(zip.problems.map(\.description).first?.hasPrefix("photos.zip: not a CSV file: it is a ZIP archive that is not a readable Excel workbook") == true,
                    "\(zip.problems)")
        }
    }

    /// Numbers as Excel shows them, at 15 significant digits, without a binary float in between.
    @Test func workbookNumbersReadAsExcelShowsThem() {
        #expect(Workbook.number("1234.5599999999999") == "1234.56")
        #expect(Workbook.number("0.30000000000000004") == "0.3")
        #expect(Workbook.number("20001") == "20001")
        #expect(Workbook.number("13800138000") == "13800138000")
        #expect(Workbook.number("1E-3") == "0.001" && Workbook.number("1.5E3") == "1500" && Workbook.number("-0.5") == "-0.5")
        #expect(Workbook.number("9.9999999999999999") == "10" && Workbook.number("0") == "0" && Workbook.number("abc") == "abc")
        #expect(Workbook.date("46327", date1904: false) == "2026-11-01" && Workbook.date("46328.39583333334", date1904: false) == "2026-11-02 09:30:00")
        #expect(Workbook.date("44865", date1904: true) == "2026-11-01")
        #expect(Workbook.isDateFormat(id: 14, code: nil) && Workbook.isDateFormat(id: 167, code: #"yyyy"年"m"月"d"日""#))
        #expect(!Workbook.isDateFormat(id: 164, code: "0.00") && !Workbook.isDateFormat(id: 165, code: #"[Red]#,##0.00"#) && !Workbook.isDateFormat(id: 0, code: nil))
        #expect(!Workbook.isDateFormat(id: 168, code: "0.00E+00") && !Workbook.isDateFormat(id: 169, code: "General") && Workbook.isDateFormat(id: 170, code: "h:mm AM/PM"))
        #expect(Workbook.column("A1") == 0 && Workbook.column("AB12") == 27)
    }
}
