import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

/// Study support (报销学习费用) and industry events (行业会议), through the pages as members, managers
/// and finance use them.
@Suite struct StudyTests {
    static let png = WallTests.png

    func member(_ code: String, _ app: Application) async throws -> Member {
        try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
    }

    static func claim(_ v: inout Visitor, _ fields: [String: String], receipt: (String, String, [UInt8])? = ("发票.png", "image/png", png)) async throws -> Visitor.Page {
        try await v.following(try await v.upload("/training/claims", fields, file: receipt.map { ("receipt", $0.0, $0.1, $0.2) }, from: "/training/claims"))
    }

    @Test func aClaimIsApprovedByTheManagerThenFinanceAndPaidUntaxedWithTheNextPayout() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            // The demo's limit for everyone is ¥3,000; m10 is an agent.
            let first = try await agent.get("/training/claims")
            #expect(first.body.visibleText.contains("还可报销 ¥3,000.00"), "\(first.status) \(first.body.prefix(3000))")
            let made = try await Self.claim(&agent, ["kind": "course", "title": "销售技巧进阶课", "spent_on": "2026-11-20", "amount": "800.50"])
            #expect(made.status == .ok && made.body.visibleText.contains("已提交 ¥800.50 的报销申请，等待主管审批。"))
            #expect(made.body.visibleText.contains("还可报销 ¥2,199.50"))
            let claim = try #require(try await StudyClaim.query(on: app.db).first())
            #expect(claim.status == .submitted && claim.amountFen == 80_050 && claim.year == 2026 && Uploads.isName(claim.receipt))
            #expect(FileManager.default.fileExists(atPath: app.jiliConfig.files + "/receipts/" + claim.receipt))

            // Finance cannot take the manager's step; the manager can, and sees the receipt.
            var finance = try await Visitor.signedIn(app, "finance")
            let early = try await finance.post("/training/claims/\(claim.id!)/approve", ["confirm": "yes"], from: "/training/claims")
            #expect(early.status == .unprocessableEntity && early.body.visibleText.contains("这一步不由您审批"))
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.get("/training/claims").body.visibleText.contains("待我审批 (1)"))
            let receipt = try await manager.get("/training/claims/\(claim.id!)/receipt")
            #expect(receipt.status == .ok && receipt.headers.contentType == .png && receipt.headers.first(name: "X-Content-Type-Options") == "nosniff")
            // Customer service and the warehouse do not see it; nor does a manager of another team.
            for other in ["service", "warehouse", "support"] {
                var v = try await Visitor.signedIn(app, other)
                #expect(try await v.get("/training/claims/\(claim.id!)/receipt").status == .notFound, "\(other)")
            }
            // Approving shows what it does first, and needs its confirmation.
            let list = try await manager.get("/training/claims").body.visibleText
            let name = try await member("m10", app).name
            #expect(list.contains("批准 \(name) 的学习报销 ¥800.50（销售技巧进阶课）：批准后交给财务审核。 2026 年额度 ¥3,000.00，含这笔已用 ¥800.50，还剩 ¥2,199.50。"), "\(list)")
            let unconfirmed = try await manager.post("/training/claims/\(claim.id!)/approve", [:], from: "/training/claims")
            #expect(unconfirmed.status == .unprocessableEntity && unconfirmed.body.visibleText.contains("请先看批准预览，再点“确认批准”。"))
            #expect(try await StudyClaim.find(claim.id, on: app.db)?.status == .submitted)
            let step1 = try await manager.following(try await manager.press("/training/claims/\(claim.id!)/approve", from: "/training/claims"))
            #expect(step1.body.visibleText.contains("的报销 ¥800.50。"))
            #expect(try await StudyClaim.find(claim.id, on: app.db)?.status == .managerApproved)
            // The manager cannot take finance's step too.
            let twice = try await manager.post("/training/claims/\(claim.id!)/approve", ["confirm": "yes"], from: "/training/claims")
            #expect(twice.status == .unprocessableEntity)
            // A confirmation of the step already taken (a second tab, another manager) is refused as stale.
            let stale = try await finance.post("/training/claims/\(claim.id!)/approve", ["confirm": "yes", "step": "submitted"], from: "/training/claims")
            #expect(stale.status == .conflict && stale.body.visibleText.contains("\(name) 的报销在你查看之后已有变化（现在：待财务审批）"), "\(stale.body.visibleText)")

            // Finance approves: the ledger owes m10 ¥800.50 (study expense debited), m10 is told.
            let before = try await Ledger(db: app.db).balance("payable:m10")
            #expect(try await finance.get("/training/claims").body.visibleText.contains("批准后记入应付，随下一次付款转给 \(name)；报销不算收入，不扣个税。"))
            let step2 = try await finance.following(try await finance.press("/training/claims/\(claim.id!)/approve", from: "/training/claims"))
            #expect(step2.status == .ok)
            let done = try #require(try await StudyClaim.find(claim.id, on: app.db))
            #expect(done.status == .approved && done.managerBy == "manager" && done.financeBy == "finance")
            #expect(try await Ledger(db: app.db).balance("payable:m10") == before - 80_050)
            #expect(try await Ledger(db: app.db).balance("expense:study") == 80_050)
            #expect(try await Ledger(db: app.db).total() == 0)
            let m10 = try await member("m10", app)
            #expect(try await Notice.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$message == "notice_claim_approved").count() == 1)
            // A second approval changes nothing.
            await #expect(throws: Refusal.self) {
                try await StudyService(db: app.db, clock: JiliClock(now: { testNow })).approveAsFinance(done, by: try #require(try await Account.query(on: app.db).filter(\.$username == "leader").first()))
            }
            #expect(try await JournalEntry.query(on: app.db).filter(\.$kind == "study").count() == 1)
            // The balance history names it.
            #expect(try await agent.get("/balance").body.visibleText.contains("学习报销 #\(claim.id!)"))

            // The next payout pays what m10 is owed (the month's pay and the claim) and withholds tax on
            // the pay only: a reimbursement is not income.
            let earlier = try await PayoutTransfer.query(on: app.db).filter(\.$memberCode == "m10").filter(\.$month == "2026-11").all()
            let earlierGross = earlier.reduce(0) { $0 + $1.amountFen }, earlierTax = earlier.reduce(0) { $0 + $1.taxFen }
            let batch = try await PayoutService(db: app.db, clock: JiliClock(now: { testNow })).createBatch(minimumFen: 1, withholdTax: true, by: .system)
            let paid = try #require(try await PayoutTransfer.query(on: app.db).filter(\.$batch.$id == batch.id!).filter(\.$memberCode == "m10").first())
            #expect(paid.amountFen == -(before - 80_050) && paid.untaxedFen == 80_050)
            #expect(paid.taxFen == LaborIncomeTax.withholding(paymentFen: paid.amountFen - 80_050, monthPaidFen: earlierGross, monthWithheldFen: earlierTax))
            // Taxed as income, the claim would have cost m10 tax.
            #expect(paid.taxFen < LaborIncomeTax.withholding(paymentFen: paid.amountFen, monthPaidFen: earlierGross, monthWithheldFen: earlierTax))
            // Paid once: a later batch does not treat it as untaxed again.
            #expect(try await PayoutService(db: app.db, clock: JiliClock(now: { testNow })).reimbursements(on: app.db)["m10"] == nil)

            // Every step is in the audit log.
            let actions = try await AuditEntry.query(on: app.db).filter(\.$entity == "study_claim").filter(\.$entityID == "\(claim.id!)").all().map(\.action)
            #expect(Set(actions) == ["create", "manager_approved", "approved"])
        }
    }

    @Test func badClaimsAreRefusedWithTheFieldAndNothingIsStored() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            let ok = ["kind": "course", "title": "课程", "spent_on": "2026-11-20", "amount": "100"]
            func with(_ change: [String: String]) -> [String: String] { ok.merging(change) { $1 } }
            let cases: [([String: String], (String, String, [UInt8])?, String)] = [
                (with(["amount": "abc"]), ("r.png", "image/png", Self.png), "金额“abc”不是大于 0 的金额"),
                (with(["amount": "0"]), ("r.png", "image/png", Self.png), "金额“0”不是大于 0 的金额"),
                (with(["amount": "-5"]), ("r.png", "image/png", Self.png), "金额“-5”不是大于 0 的金额"),
                (with(["amount": "1.001"]), ("r.png", "image/png", Self.png), "金额“1.001”不是大于 0 的金额"),
                (with(["spent_on": "2026-13-01"]), ("r.png", "image/png", Self.png), "费用日期“2026-13-01”不是有效日期。"),
                (with(["spent_on": "-2026-11-20"]), ("r.png", "image/png", Self.png), "费用日期“-2026-11-20”不是有效日期。"),
                (with(["spent_on": "2026-11-2"]), ("r.png", "image/png", Self.png), "费用日期“2026-11-2”不是有效日期。"),
                (with(["spent_on": "2026-12-05"]), ("r.png", "image/png", Self.png), "费用日期 2026-12-05 须在今天之前的一年内。"),
                (with(["spent_on": "2025-01-01"]), ("r.png", "image/png", Self.png), "费用日期 2025-01-01 须在今天之前的一年内。"),
                (with(["title": "  "]), ("r.png", "image/png", Self.png), "请填写课程、会议或书名"),
                (with(["kind": "trip"]), ("r.png", "image/png", Self.png), "请选择报销类型。"),
                (ok, nil, "请上传票据照片或 PDF。"),
                (ok, ("r.png", "image/png", Array("<svg onload=alert(1)>".utf8)), "票据只能是照片（JPEG、PNG、WebP）或 PDF。"),
                (ok, ("r.pdf", "application/pdf", Array("%PDF-1.4".utf8) + [UInt8](repeating: 0, count: Uploads.photoBytes)), "票据不能超过 5 MB。"),
                (with(["amount": "3000.01"]), ("r.png", "image/png", Self.png), "超出 2026 年学习报销额度：额度 ¥3,000.00，已用 ¥0.00（含审批中），本次最多可报 ¥3,000.00。"),
                (with(["event": "1"]), ("r.png", "image/png", Self.png), "只能选择已批准您参加的行业会议。"),
            ]
            for (fields, receipt, message) in cases {
                let page = try await Self.claim(&agent, fields, receipt: receipt)
                #expect(page.status == .unprocessableEntity, "\(message)")
                #expect(page.body.visibleText.contains(message), "\(message): \(page.body.visibleText.prefix(300))")
            }
            #expect(try await StudyClaim.query(on: app.db).count() == 0)
            let kept = (try? FileManager.default.contentsOfDirectory(atPath: app.jiliConfig.files + "/receipts")) ?? []
            #expect(kept.isEmpty)

            // Claims being decided hold their part of the limit; withdrawing gives it back.
            #expect(try await Self.claim(&agent, with(["amount": "2000"])).status == .ok)
            let over = try await Self.claim(&agent, with(["amount": "1500"]))
            #expect(over.body.visibleText.contains("已用 ¥2,000.00（含审批中），本次最多可报 ¥1,000.00。"))
            let first = try #require(try await StudyClaim.query(on: app.db).first())
            #expect(try await agent.submit("/training/claims/\(first.id!)/withdraw", [:], from: "/training/claims").body.visibleText.contains("报销申请已撤回。"))
            #expect(try await Self.claim(&agent, with(["amount": "1500"])).status == .ok)

            // A tier's own limit; bad limits are refused and change nothing.
            var finance = try await Visitor.signedIn(app, "finance")
            let bad = try await finance.post("/training/limits", ["limit_all": "3000", "limit_agent": "lots"], from: "/training/claims")
            #expect(bad.status == .unprocessableEntity && bad.body.visibleText.contains("代理的年度额度“lots”不是有效金额"))
            let set = try await finance.post("/training/limits", ["limit_all": "3000", "limit_agent": "1000", "limit_vip": ""], from: "/training/claims")
            #expect(set.status == .seeOther && set.location == "/training/claims")
            #expect(try await finance.get("/training/claims").body.visibleText.contains("年度报销额度已保存。"))
            let m10 = try await member("m10", app)
            let study = StudyService(db: app.db, clock: JiliClock(now: { testNow }))
            let allowance = try await study.allowance(m10, year: 2026)
            #expect(allowance.limitFen == 100_000 && allowance.pendingFen == 150_000 && allowance.leftFen == 0)
            // One member's own limit comes before their tier's; an unknown member is refused.
            let nobody = try await finance.post("/training/limits", ["member_code": "m99999", "member_limit": "100"], from: "/training/claims")
            #expect(nobody.status == .unprocessableEntity && nobody.body.visibleText.contains("找不到编号为 m99999 的成员。"))
            _ = try await finance.post("/training/limits", ["member_code": "m10", "member_limit": "4,000"], from: "/training/claims")
            #expect(try await study.limit(for: m10) == 400_000)
            #expect(try await finance.get("/training/claims").body.contains("name=\"limit_member_m10\" inputmode=\"decimal\" value=\"4000.00\""))
            _ = try await finance.post("/training/limits", ["limit_member_m10": ""], from: "/training/claims")
            #expect(try await study.limit(for: m10) == 100_000)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "study_limits").count() == 4)

            // Finance checks the limit again when paying: the claim made under ¥3,000 no longer fits ¥1,000.
            let pending = try #require(try await StudyClaim.query(on: app.db).filter(\.$status == .submitted).first())
            var manager = try await Visitor.signedIn(app, "manager")
            _ = try await manager.post("/training/claims/\(pending.id!)/approve", ["confirm": "yes", "step": "submitted"], from: "/training/claims")
            #expect(try await finance.get("/training/claims").body.visibleText.contains("注意：超出额度"))
            let refused = try await finance.post("/training/claims/\(pending.id!)/approve", ["confirm": "yes", "step": "manager_approved"], from: "/training/claims")
            #expect(refused.status == .unprocessableEntity && refused.body.visibleText.contains("超出 2026 年学习报销额度"))
            #expect(try await StudyClaim.find(pending.id, on: app.db)?.status == .managerApproved)
            #expect(try await JournalEntry.query(on: app.db).filter(\.$kind == "study").count() == 0)
            // Finance refuses with a reason (a reason is required); m10 is told why.
            let noReason = try await finance.post("/training/claims/\(pending.id!)/refuse", ["reason": " "], from: "/training/claims")
            #expect(noReason.body.visibleText.contains("请填写不批准的原因"))
            _ = try await finance.post("/training/claims/\(pending.id!)/refuse", ["reason": "超出本年度额度"], from: "/training/claims")
            #expect(try await StudyClaim.find(pending.id, on: app.db)?.note == "超出本年度额度")
            #expect(try await agent.get("/training/claims").body.visibleText.contains("原因 超出本年度额度"))

            // With no limit at all, claims cannot be made.
            _ = try await finance.post("/training/limits", ["limit_all": "", "limit_agent": "", "limit_general": "", "limit_director": ""], from: "/training/claims")
            #expect(try await Self.claim(&agent, ok).body.visibleText.contains("团队还没有设置学习报销额度"))
        }
    }

    @Test func approvedAttendanceOfAnIndustryEventCountsAsTraining() async throws {
        try await withTestApp { app in
            var trainer = try await Visitor.signedIn(app, "trainer")
            let past = try await trainer.post("/training/events", ["name": "年会", "place": "上海", "starts_on": "2026-11-01", "ends_on": "2026-11-02"], from: "/training/events")
            #expect(past.status == .unprocessableEntity && past.body.visibleText.contains("会议须在今天之后开始。"))
            let badDay = try await trainer.post("/training/events", ["name": "年会", "place": "上海", "starts_on": "2026-12-40", "ends_on": "2026-12-02"], from: "/training/events")
            #expect(badDay.body.visibleText.contains("开始日期“2026-12-40”不是有效日期。"))
            let made = try await trainer.post("/training/events", ["name": "社群运营峰会", "place": "广州", "starts_on": "2026-12-10", "ends_on": "2026-12-11",
                                                                  "apply_by": "2026-12-05", "link": "https://example.com/s"], from: "/training/events")
            #expect(made.status == .seeOther && made.location == "/training/events")
            #expect(try await trainer.get("/training/events").body.visibleText.contains("已发布行业会议“社群运营峰会”。"))
            let event = try #require(try await IndustryEvent.query(on: app.db).filter(\.$name == "社群运营峰会").first())

            var agent = try await Visitor.signedIn(app, "agent")
            let applied = try await agent.submit("/training/events/\(event.id!)/apply", ["reason": "学习社群转化"], from: "/training/events")
            #expect(applied.body.visibleText.contains("已报名“社群运营峰会”，等待审批。"))
            #expect(try await agent.post("/training/events/\(event.id!)/apply", [:], from: "/training/events").body.visibleText.contains("您已经报名了。"))
            let application = try #require(try await EventApplication.query(on: app.db).filter(\.$event.$id == event.id!).first())
            // A manager of another team does not find it; m10's manager approves.
            var support = try await Visitor.signedIn(app, "support")
            #expect(try await support.post("/training/events/applications/\(application.id!)/decide", ["action": "approve"], from: "/training/events").status == .notFound)
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.get("/training/events").body.visibleText.contains("待审批的报名 (1)"))
            _ = try await manager.post("/training/events/applications/\(application.id!)/decide", ["action": "approve", "note": "回来分享"], from: "/training/events")
            #expect(try await EventApplication.find(application.id, on: app.db)?.status == .approved)
            let m10 = try await member("m10", app)
            #expect(try await Notice.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$message == "notice_event_approved").count() == 1)
            // Attendance waits for the event.
            let early = try await manager.post("/training/events/applications/\(application.id!)/attendance", ["attended": "yes"], from: "/training/events")
            #expect(early.body.visibleText.contains("会议开始后才能记录出席。"))
            // On the day: attended, once; a training activity on the event's first day.
            let onTheDay = EventService(db: app.db, clock: JiliClock(now: { testNow.addingTimeInterval(12 * 86_400) }))
            let leader = try #require(try await Account.query(on: app.db).filter(\.$username == "manager").first())
            try await onTheDay.attendance(try #require(try await EventApplication.find(application.id, on: app.db)), attended: true, by: .account(leader))
            let activity = try await Activity.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$kind == "training").filter(\.$day == "2026-12-10").first()
            #expect(activity?.count == 1 && activity?.note == "社群运营峰会")
            await #expect(throws: Refusal.self) {
                try await onTheDay.attendance(try #require(try await EventApplication.find(application.id, on: app.db)), attended: true, by: .account(leader))
            }
            // Too late to apply after the day to apply by.
            let m11 = try await member("m11", app)
            let late = await #expect(throws: Refusal.self) { _ = try await onTheDay.apply(event, member: m11, reason: "", by: .system) }
            #expect(late?.key == "event_error_closed")
            // The event's cost can now be claimed against it.
            let claim = try await Self.claim(&agent, ["kind": "conference", "title": "峰会门票", "spent_on": "2026-11-28", "amount": "299", "event": "\(event.id!)"])
            #expect(claim.status == .ok)
            #expect(try await StudyClaim.query(on: app.db).first()?.$event.id == event.id)
        }
    }

    @Test func lessonImagesAndFilesAreCheckedAndServedOnlyToSignedInMembers() async throws {
        try await withTestApp { app in
            let course = try #require(try await Course.query(on: app.db).filter(\.$category == "product").first())
            var trainer = try await Visitor.signedIn(app, "trainer")
            let path = "/training/courses/\(course.id!)/lessons"
            func lesson(_ kind: String, _ file: (String, String, [UInt8])?) async throws -> Visitor.Page {
                try await trainer.upload(path, ["title": "讲义", "kind": kind, "body": "课前阅读"], file: file.map { ("file", $0.0, $0.1, $0.2) }, from: "/training/courses/\(course.id!)")
            }
            let pdf = Array("%PDF-1.4\n%jili\n".utf8)
            let refusals: [(String, (String, String, [UInt8])?, String)] = [
                ("file", nil, "请选择文件。"),
                ("image", ("a.png", "image/png", pdf), "图片只能是 JPEG、PNG 或 WebP。"),
                ("file", ("a.html", "application/pdf", Array("<html><script>alert(1)</script>".utf8)), "文件只能是 PDF 或图片（JPEG、PNG、WebP）。"),
                ("file", ("big.pdf", "application/pdf", pdf + [UInt8](repeating: 0, count: Uploads.fileBytes)), "文件不能超过 20 MB。"),
            ]
            for (kind, file, message) in refusals {
                let page = try await lesson(kind, file)
                #expect(page.status == .unprocessableEntity && page.body.visibleText.contains(message), "\(message)")
            }
            #expect(try await Lesson.query(on: app.db).filter(\.$file != nil).count() == 0)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: app.jiliConfig.files + "/lessons")) ?? []).isEmpty)

            #expect(try await lesson("file", ("产品手册.pdf", "application/pdf", pdf)).status == .seeOther)
            #expect(try await lesson("image", ("成分表.png", "image/png", Self.png)).status == .seeOther)
            let file = try #require(try await Lesson.query(on: app.db).filter(\.$kind == "file").first())
            let image = try #require(try await Lesson.query(on: app.db).filter(\.$kind == "image").first())
            #expect(file.fileLabel == "产品手册.pdf" && Uploads.isName(file.file ?? "") && file.file!.hasSuffix(".pdf"))

            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/training/courses/\(course.id!)")
            #expect(page.body.contains("/training/files/\(file.file!)") && page.body.contains("src=\"/training/files/\(image.file!)\""))
            let served = try await agent.get("/training/files/\(file.file!)")
            #expect(served.status == .ok && served.headers.contentType == .pdf && served.body == String(decoding: pdf, as: UTF8.self))
            #expect(served.headers.first(name: .contentDisposition)?.contains("filename*=UTF-8''%E4%BA%A7%E5%93%81%E6%89%8B%E5%86%8C") == true)
            #expect(try await agent.get("/training/files/\(image.file!)").headers.contentType == .png)
            // Not signed in: to the sign-in page. A name no lesson has: nothing.
            var anonymous = Visitor(app)
            #expect(try await anonymous.get("/training/files/\(file.file!)").status == .seeOther)
            #expect(try await agent.get("/training/files/" + String(repeating: "0", count: 32) + ".pdf").status == .notFound)
        }
    }

    @Test func theCalendarShowsAMonthOfSessionsAndEvents() async throws {
        try await withTestApp { app in
            var agent = try await Visitor.signedIn(app, "agent")
            // The demo's sessions are a week from 2026-11-29; its industry event three weeks.
            let december = try await agent.get("/training?month=2026-12").body.visibleText
            #expect(december.contains("培训日历 2026-12"))
            #expect(december.contains("12-06 周日 14:00–16:00 明星产品知识：补水面膜"))
            #expect(december.contains("12-07 周一 14:00–16:00 合规经营：不夸大、不拉人头"))
            #expect(december.contains("12-20 周日 中国美妆私域增长大会 行业会议"))
            let november = try await agent.get("/training").body.visibleText
            // November: the compliance course taught five days before, whose attendance waits for the trainer.
            #expect(november.contains("培训日历 2026-11") && november.contains("11-24 周二 14:00–15:30 合规经营：不夸大、不拉人头"))
            #expect(november.contains("‹ 2026-10") && november.contains("2026-12 ›"))
        }
    }
}
