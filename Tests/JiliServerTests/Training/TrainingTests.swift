import Fluent
import Foundation
import JiliCore
import Testing
import Vapor
@testable import JiliServer

@Suite struct TrainingTests {
    func member(_ code: String, _ app: Application) async throws -> Member {
        try #require(try await Member.query(on: app.db).filter(\.$code == code).first())
    }

    @Test func holdersOfThePriorityPrivilegeAreSeatedFirstThenInOrderAsked() async throws {
        try await withTestApp { app in
            let clock = JiliClock(now: { testNow })
            let training = TrainingService(db: app.db, clock: clock)
            let course = try #require(try await Course.query(on: app.db).filter(\.$category == "product").first())
            let starts = testNow.addingTimeInterval(3 * 86_400)
            let session = try await training.createSession(course, startsAt: starts, endsAt: starts.addingTimeInterval(3_600), place: "A", seats: 2,
                                                           trainer: nil, seatsAt: nil, by: .system)
            // m11 and m12 ask first; m10 (最佳团队成员: priority training) asks last.
            let m10 = try await member("m10", app), m11 = try await member("m11", app), m12 = try await member("m12", app)
            let p10 = try await training.hasPriority(m10), p11 = try await training.hasPriority(m11)
            #expect(p10 && !p11)
            for m in [m11, m12, m10] { #expect(try await training.enroll(session, member: m, by: .system).status == .requested) }
            // Enrollment closes a day before: the job seats m10 first, then m11; m12 waits.
            let closed = TrainingService(db: app.db, clock: JiliClock(now: { starts.addingTimeInterval(-3_600) }))
            #expect(try await closed.seatClosed() == 1)
            func status(_ m: Member) async throws -> Enrollment.Status? {
                try await Enrollment.query(on: app.db).filter(\.$session.$id == session.id!).filter(\.$member.$id == m.id!).first()?.status
            }
            let seated = [try await status(m10), try await status(m11), try await status(m12)]
            #expect(seated == [.seated, .seated, .waiting])
            #expect(try await closed.seatClosed() == 0)
            // m11 cancels: m12 gets the seat, and is told.
            let e11 = try #require(try await Enrollment.query(on: app.db).filter(\.$member.$id == m11.id!).first())
            try await closed.cancel(e11, session: session, by: .system)
            let after = [try await status(m12), try await status(m11)]
            #expect(after == [.seated, .cancelled])
            #expect(try await Notice.query(on: app.db).filter(\.$member.$id == m12.id!).filter(\.$message == "notice_seated").count() == 1)
            // After the close a newcomer waits at once; a second request is refused.
            let m13 = try await member("m13", app)
            #expect(try await closed.enroll(session, member: m13, by: .system).status == .waiting)
            await #expect(throws: Refusal.self) { _ = try await closed.enroll(session, member: m13, by: .system) }
            // A privilege redeemed from the catalogue counts too, for its days.
            let privilege = try #require(try await RewardItem.query(on: app.db).filter(\.$kind == "privilege").first())
            let p13 = try await training.hasPriority(m13)
            #expect(privilege.trainingPriority && !p13)
            try await RewardService(db: app.db, clock: clock).award(privilege, to: m13, reference: "test", by: .system)
            #expect(try await training.hasPriority(m13))
            let later = TrainingService(db: app.db, clock: JiliClock(now: { testNow.addingTimeInterval(Double(privilege.days + 1) * 86_400) }))
            #expect(!(try await later.hasPriority(m13)))
            // Bad sessions are refused with what is wrong.
            let zero = await #expect(throws: Refusal.self) {
                _ = try await training.createSession(course, startsAt: starts, endsAt: starts.addingTimeInterval(60), place: "A", seats: 0, trainer: nil, seatsAt: nil, by: .system)
            }
            #expect(zero?.key == "session_error_seats" && zero?.values == ["value": "0"])
        }
    }

    @Test func aSeatTakenFromTheCalendarComesBackToThatMonthWithANoticeShownOnce() async throws {
        try await withTestApp { app in
            let course = try #require(try await Course.query(on: app.db).filter(\.$category == "product").first())
            let starts = testNow.addingTimeInterval(40 * 86_400)
            let session = try await TrainingService(db: app.db, clock: JiliClock(now: { testNow }))
                .createSession(course, startsAt: starts, endsAt: starts.addingTimeInterval(3_600), place: "B", seats: 3, trainer: nil, seatsAt: nil, by: .system)
            var agent = try await Visitor.signedIn(app, "agent")
            agent.sendsReferer = true
            let calendar = "/training?month=2027-01"
            let answer = try await agent.post("/training/sessions/\(session.id!)/enroll", [:], from: calendar)
            #expect(answer.status == .seeOther && answer.location == calendar)
            let page = try await agent.following(answer)
            #expect(page.body.visibleText.contains("已报名《\(course.title)》，报名截止后排座。"))
            // A reload is a GET: the notice is not shown again and nothing is posted.
            #expect(!(try await agent.get(calendar).body.visibleText.contains("已报名《")))
            let m10 = try await member("m10", app)
            #expect(try await Enrollment.query(on: app.db).filter(\.$session.$id == session.id!).filter(\.$member.$id == m10.id!).count() == 1)
            // The same button again: refused, back on the same month with the reason.
            let again = try await agent.submit("/training/sessions/\(session.id!)/enroll", [:], from: calendar)
            #expect(again.status == .ok && again.body.visibleText.contains("您已报名这一场。"))
            let cancelled = try await agent.submit("/training/sessions/\(session.id!)/cancel", [:], from: calendar)
            #expect(cancelled.body.visibleText.contains("已取消《\(course.title)》的报名。"))
        }
    }

    @Test func aMemberTakesTheQuizPassesOnceAndPrintsTheCertificate() async throws {
        try await withTestApp { app in
            let course = try #require(try await Course.query(on: app.db).filter(\.$category == "product").first())
            let questions = try await QuizQuestion.query(on: app.db).filter(\.$course.$id == course.id!).sort(\.$position).all()
            var agent = try await Visitor.signedIn(app, "agent")
            let page = try await agent.get("/training/courses/\(course.id!)").body.visibleText
            #expect(page.contains("成分与功效") && page.contains("面膜建议每次敷多久？"))
            // One of two right: 50, below the pass mark of 80.
            let half = try await agent.submit("/training/courses/\(course.id!)/quiz", ["q\(questions[0].id!)": "\(questions[0].answer)", "q\(questions[1].id!)": "\(1 - questions[1].answer)"], from: "/training/courses/\(course.id!)")
            #expect(half.body.visibleText.contains("得分 50，及格分 80：未通过"))
            let missing = try await agent.post("/training/courses/\(course.id!)/quiz", ["q\(questions[0].id!)": "1"], from: "/training/courses/\(course.id!)")
            #expect(missing.status == .unprocessableEntity && missing.body.visibleText.contains("第 2 题还没有作答。"))
            let m10 = try await member("m10", app)
            let training = try await Activity.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$kind == "training").filter(\.$day == "2026-11-29").first()?.count ?? 0
            let full = try await agent.submit("/training/courses/\(course.id!)/quiz", ["q\(questions[0].id!)": "\(questions[0].answer)", "q\(questions[1].id!)": "\(questions[1].answer)"],
                                            from: "/training/courses/\(course.id!)")
            #expect(full.body.visibleText.contains("得分 100，及格分 80：恭喜通过！"))
            let pass = try #require(try await CoursePass.query(on: app.db).filter(\.$member.$id == m10.id!).first())
            #expect(pass.score == 100 && pass.via == "quiz")
            // The pass is a training activity of today (goals, points, the ladder count it).
            #expect(try await Activity.query(on: app.db).filter(\.$member.$id == m10.id!).filter(\.$kind == "training").filter(\.$day == "2026-11-29").first()?.count == training + 1)
            #expect(try await agent.get("/promotion").body.visibleText.contains("本月条件已全部达到"))
            // Passing again changes nothing.
            _ = try await TrainingService(db: app.db, clock: JiliClock(now: { testNow })).attempt(course, by: m10, answers: [questions[0].id!: questions[0].answer, questions[1].id!: questions[1].answer])
            #expect(try await CoursePass.query(on: app.db).filter(\.$member.$id == m10.id!).count() == 1)
            // The certificate: the holder and those who see them read it; others do not know it exists.
            let certificate = try await agent.get("/training/certificates/\(pass.certificate)").body.visibleText
            #expect(certificate.contains("结业证书") && certificate.contains(m10.name) && certificate.contains("《明星产品知识：补水面膜》") && certificate.contains(pass.certificate))
            var manager = try await Visitor.signedIn(app, "manager")
            #expect(try await manager.get("/training/certificates/\(pass.certificate)").status == .ok)
            var warehouse = try await Visitor.signedIn(app, "warehouse")
            #expect(try await warehouse.get("/training/certificates/\(pass.certificate)").status == .notFound)
            #expect(try await agent.get("/training/certificates/JL00000000-0000-00000000").status == .notFound)
        }
    }

    @Test func theTrainerRecordsAttendanceAndACourseWithoutQuizIsPassedByIt() async throws {
        try await withTestApp { app in
            let course = try #require(try await Course.query(on: app.db).filter(\.$category == "compliance").first())
            let session = try #require(try await TrainingSession.query(on: app.db).filter(\.$course.$id == course.id!).first())
            let m10 = try await member("m10", app), m11 = try await member("m11", app)
            let before = TrainingService(db: app.db, clock: JiliClock(now: { testNow }))
            for m in [m10, m11] { _ = try await before.enroll(session, member: m, by: .system) }
            let during = TrainingService(db: app.db, clock: JiliClock(now: { session.startsAt.addingTimeInterval(600) }))
            _ = try await during.seatClosed()
            let e10 = try #require(try await Enrollment.query(on: app.db).filter(\.$member.$id == m10.id!).first())
            #expect(try await during.attendance(session, present: [e10.id!], by: .system) == 1)
            #expect(try await CoursePass.query(on: app.db).filter(\.$course.$id == course.id!).all().map(\.$member.id) == [m10.id!])
            #expect(try await CoursePass.query(on: app.db).filter(\.$course.$id == course.id!).first()?.via == "attendance")
            // Before the start nothing is recorded.
            let early = await #expect(throws: Refusal.self) { _ = try await before.attendance(session, present: [], by: .system) }
            #expect(early?.key == "session_error_not_started")
            // The trainer's page lists the seats; another trainer's session is not theirs.
            var trainer = try await Visitor.signedIn(app, "trainer")
            let page = try await trainer.get("/training/sessions/\(session.id!)").body.visibleText
            #expect(page.contains(m10.name) && page.contains("优先座位"))
            var agent = try await Visitor.signedIn(app, "agent")
            #expect(try await agent.get("/training/sessions/\(session.id!)").status == .forbidden)
            // A pass mark above 100 is refused with the value named.
            var leader = try await Visitor.signedIn(app, "leader")
            let bad = try await leader.post("/training/courses", ["title": "x", "category": "sales", "pass_mark": "120"], from: "/training")
            #expect(bad.status == .unprocessableEntity && bad.body.visibleText.contains("及格分“120”须为 1–100 的整数。"))
            // Read at the edge: what is not a number is refused with what was typed, back on the form with the field named.
            leader.sendsReferer = true
            let words = try await leader.post("/training/courses", ["title": "x", "category": "sales", "pass_mark": "八十"], from: "/training")
            #expect(words.status == .seeOther)
            let back = try await leader.following(words)
            #expect(back.body.visibleText.contains("及格分“八十”须为 1–100 的整数。") && back.kept?["field"] as? String == "pass_mark" && back.keptValues?["pass_mark"] == "八十")
            let seats = try await leader.submit("/training/sessions", ["course": "\(session.$course.id)", "starts": "2027-01-05T14:00", "ends": "2027-01-05T16:00",
                                                                     "place": "A", "seats": "很多"], from: "/training")
            #expect(seats.body.visibleText.contains("座位数“很多”须为 1–10000 的整数。"))
            #expect(try await Course.query(on: app.db).filter(\.$title == "x").count() == 0)
        }
    }

    @Test func theLeaderMarksATitleOrAnItemAsGivingPrioritySeats() async throws {
        try await withTestApp { app in
            var leader = try await Visitor.signedIn(app, "leader")
            #expect(try await leader.post("/titles", ["name": "金牌讲师", "rule": "manual", "privilege": "优先座位", "days": "30", "training_priority": "on"],
                                          from: "/titles").status == .seeOther)
            #expect(try await Title.query(on: app.db).filter(\.$name == "金牌讲师").first()?.trainingPriority == true)
            _ = try await leader.post("/rewards", ["name": "培训优先卡", "kind": "privilege", "price": "100", "days": "30", "training_priority": "on"], from: "/rewards")
            _ = try await leader.post("/rewards", ["name": "资料包", "kind": "privilege", "price": "100", "days": "30"], from: "/rewards")
            #expect(try await RewardItem.query(on: app.db).filter(\.$name == "培训优先卡").first()?.trainingPriority == true)
            #expect(try await RewardItem.query(on: app.db).filter(\.$name == "资料包").first()?.trainingPriority == false)
        }
    }
}
