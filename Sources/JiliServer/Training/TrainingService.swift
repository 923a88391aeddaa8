import Fluent
import Foundation
import JiliCore
import SQLKit
import Vapor

/// Training (培训与发展): courses with lessons and a quiz, sessions with seats, enrollment where holders
/// of the priority-training privilege are seated first, attendance, passing with a certificate. A pass
/// is recorded once per member and course, with a `training` activity in the same transaction — which
/// goals, the points rules and the ladder's `courses` criterion count.
struct TrainingService {
    let db: any Database
    let clock: JiliClock
    /// The files folder (lesson images and files, receipts); only what uploads needs it.
    var files: String = ""
    static let categories = ["product", "sales", "compliance", "other"]

    // MARK: Courses

    func createCourse(title: String, category: String, summary: String, passMark mark: Int, by actor: Actor) async throws -> Course {
        let name = title.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 60 else { throw Refusal(key: "course_error_title", field: "title") }
        guard Self.categories.contains(category) else { throw Refusal(key: "course_error_category", field: "category") }
        guard (1...100).contains(mark) else { throw Refusal(key: "course_error_pass_mark", values: ["value": "\(mark)"], field: "pass_mark") }
        let c = Course()
        c.title = name
        c.category = category
        c.summary = String(summary.trimmingCharacters(in: .whitespacesAndNewlines).prefix(2_000))
        c.passMark = mark
        c.createdAt = clock.now()
        try await db.transaction { db in
            try await c.create(on: db)
            try await Audit.record(on: db, at: c.createdAt, actor: actor, action: "create", entity: "course", id: "\(c.id!)", before: nil,
                                   after: ["title": name, "pass_mark": "\(mark)"])
        }
        return c
    }

    /// A lesson: text, a video's https link, or an uploaded image (JPEG, PNG, WebP) or file (those or
    /// PDF), stored under the files folder's `lessons/` with a random name; `fileName` is the name it
    /// was uploaded with, shown on the download link.
    func addLesson(to course: Course, title: String, kind: String, body: String, upload: [UInt8]? = nil, fileName: String = "") async throws -> Lesson {
        let name = title.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 80 else { throw Refusal(key: "lesson_error_title") }
        guard ["text", "video", "image", "file"].contains(kind) else { throw Refusal(key: "lesson_error_kind") }
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if kind == "video" {
            guard let url = URL(string: text), url.scheme == "https", url.host != nil else { throw Refusal(key: "lesson_error_video", values: ["value": text]) }
        }
        if kind == "text" && text.isEmpty { throw Refusal(key: "lesson_error_text") }
        var stored: String?
        if ["image", "file"].contains(kind) {
            guard let bytes = upload, !bytes.isEmpty else { throw Refusal(key: "lesson_error_file") }
            stored = try Uploads.lessons(files: files, images: kind == "image").store(bytes)
        }
        let l = Lesson()
        l.$course.id = course.id!
        l.title = name
        l.kind = kind
        l.body = String(text.prefix(20_000))
        l.file = stored
        l.fileLabel = String(fileName.split(separator: "/").last.map(String.init)?.prefix(120) ?? "")
        do {
            l.position = (try await Lesson.query(on: db).filter(\.$course.$id == course.id!).max(\.$position) ?? 0) + 1
            try await l.create(on: db)
        } catch {
            if let stored { Uploads.lessons(files: files, images: false).remove(stored) }
            throw error
        }
        return l
    }

    /// A question with its choices (2–6) and the right one (1-based in the form).
    /// A question with two to six choices; `answer` is the right one's number, from 1.
    func addQuestion(to course: Course, prompt: String, choices: [String], answer right: Int) async throws -> QuizQuestion {
        let text = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 500 else { throw Refusal(key: "quiz_error_prompt") }
        let options = choices.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard (2...6).contains(options.count) else { throw Refusal(key: "quiz_error_choices") }
        guard (1...options.count).contains(right) else {
            throw Refusal(key: "quiz_error_answer", values: ["value": "\(right)", "count": "\(options.count)"], field: "answer")
        }
        let q = QuizQuestion()
        q.$course.id = course.id!
        q.position = (try await QuizQuestion.query(on: db).filter(\.$course.$id == course.id!).max(\.$position) ?? 0) + 1
        q.prompt = text
        q.choices = String(decoding: try JSONEncoder().encode(options), as: UTF8.self)
        q.answer = right - 1
        try await q.create(on: db)
        return q
    }

    static func choices(_ q: QuizQuestion) -> [String] { (try? JSONDecoder().decode([String].self, from: Data(q.choices.utf8))) ?? [] }

    struct Outcome {
        var score: Int
        var passed: Bool
        var pass: CoursePass?
    }

    /// Scores a member's answers (question id → chosen index); every question must be answered. A
    /// score at or above the pass mark passes the course (once: later attempts are kept but change
    /// nothing). The attempt, the pass and its activity are one transaction.
    func attempt(_ course: Course, by member: Member, answers: [Int: Int]) async throws -> Outcome {
        let questions = try await QuizQuestion.query(on: db).filter(\.$course.$id == course.id!).sort(\.$position).all()
        guard !questions.isEmpty else { throw Refusal(key: "quiz_error_none") }
        for (i, q) in questions.enumerated() where answers[q.id!] == nil {
            throw Refusal(key: "quiz_error_unanswered", values: ["n": "\(i + 1)"])
        }
        let right = questions.filter { answers[$0.id!] == $0.answer }.count
        let score = right * 100 / questions.count
        let passed = score >= course.passMark
        return try await db.transaction { db in
            let a = QuizAttempt()
            a.$course.id = course.id!
            a.$member.id = member.id!
            a.score = score
            a.passed = passed
            a.at = clock.now()
            try await a.create(on: db)
            let pass = passed ? try await self.pass(course, member: member, score: score, via: "quiz", on: db) : nil
            return Outcome(score: score, passed: passed, pass: pass)
        }
    }

    /// Records a pass once, with its certificate number and a `training` activity of today.
    func pass(_ course: Course, member: Member, score: Int, via: String, on db: any Database) async throws -> CoursePass {
        if let existing = try await CoursePass.query(on: db).filter(\.$course.$id == course.id!).filter(\.$member.$id == member.id!).first() {
            return existing
        }
        let now = clock.now()
        let p = CoursePass()
        p.$course.id = course.id!
        p.$member.id = member.id!
        p.score = score
        p.via = via
        p.passedAt = now
        p.certificate = "JL" + clock.format(now, "yyyyMMdd") + "-" + String(format: "%04d", course.id!) + "-" + (0..<4).map { _ in String(format: "%02X", UInt8.random(in: 0...255)) }.joined()
        try await p.create(on: db)
        try await ActivityService(db: db, clock: clock).addOne(member, kind: "training", day: clock.today, note: course.title, by: .system, on: db)
        try await Notices.tell(member.id!, message: "notice_course_passed", values: ["course": course.title], link: SiteURL.certificate(p.certificate),
                               event: "course:\(course.id!):\(member.id!)", at: now, on: db)
        return p
    }

    // MARK: Sessions and seats

    func createSession(_ course: Course, startsAt: Date, endsAt: Date, place: String, seats n: Int, trainer: Account?, seatsAt: Date?, by actor: Actor) async throws -> TrainingSession {
        guard (1...10_000).contains(n) else { throw Refusal(key: "session_error_seats", values: ["value": "\(n)"], field: "seats") }
        guard endsAt > startsAt else { throw Refusal(key: "session_error_times") }
        guard startsAt > clock.now() else { throw Refusal(key: "session_error_past") }
        let where_ = place.trimmingCharacters(in: .whitespaces)
        guard !where_.isEmpty, where_.count <= 120 else { throw Refusal(key: "session_error_place") }
        let close = seatsAt ?? startsAt.addingTimeInterval(-86_400)
        let s = TrainingSession()
        s.$course.id = course.id!
        s.startsAt = startsAt
        s.endsAt = endsAt
        s.place = where_
        s.seats = n
        s.$trainer.id = trainer?.id
        s.seatsAt = min(close, startsAt)
        s.seated = false
        try await db.transaction { db in
            try await s.create(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "create", entity: "training_session", id: "\(s.id!)", before: nil,
                                   after: ["course": course.title, "seats": "\(n)", "place": where_])
        }
        return s
    }

    /// Whether `member` holds the priority-training privilege now: a title that gives it (while its
    /// privilege lasts), or a redeemed catalogue privilege that gives it (for its days from when it was
    /// handed over, or approved).
    func hasPriority(_ member: Member) async throws -> Bool {
        let now = clock.now()
        for h in try await Honor.query(on: db).filter(\.$member.$id == member.id!).with(\.$title).all() where h.title?.trainingPriority == true {
            if h.privilegeUntil.map({ now < $0 }) ?? true { return true }
        }
        for r in try await Redemption.query(on: db).filter(\.$member.$id == member.id!).filter(\.$status ~~ [.approved, .handedOver]).with(\.$item).all()
        where r.item.trainingPriority {
            if now < (r.handedAt ?? r.createdAt).addingTimeInterval(Double(r.item.days) * 86_400) { return true }
        }
        return false
    }

    /// A member asks for a seat. Before enrollment closes they wait for the seating; after it, they
    /// get a free seat at once or wait in line.
    func enroll(_ session: TrainingSession, member: Member, by actor: Actor) async throws -> Enrollment {
        guard session.startsAt > clock.now() else { throw Refusal(key: "session_error_started") }
        let priority = try await hasPriority(member)
        return try await db.transaction { db in
            let existing = try await Enrollment.query(on: db).filter(\.$session.$id == session.id!).filter(\.$member.$id == member.id!).first()
            if let e = existing, e.status != .cancelled { throw Refusal(key: "session_error_enrolled") }
            let e = existing ?? Enrollment()
            e.$session.id = session.id!
            e.$member.id = member.id!
            e.priority = priority
            e.requestedAt = clock.now()
            e.status = .requested
            try await e.save(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "enroll", entity: "training_session", id: "\(session.id!)", before: nil,
                                   after: ["member": member.code, "priority": priority ? "yes" : "no"])
            if session.seated || clock.now() >= session.seatsAt { try await seat(session, on: db) }
            return try await Enrollment.find(e.id, on: db) ?? e
        }
    }

    /// Gives the free seats: holders of the priority privilege first, then in the order asked. Run
    /// when enrollment closes (by `jili jobs`, by the trainer, or by the first request after it), and
    /// whenever a seat is freed. Those left wait in line.
    func seat(_ session: TrainingSession, on db: any Database) async throws {
        let all = try await Enrollment.query(on: db).filter(\.$session.$id == session.id!).all()
        var free = session.seats - all.filter { $0.status == .seated }.count
        let line = all.filter { [.requested, .waiting].contains($0.status) }
            .sorted { ($0.priority ? 0 : 1, $0.requestedAt, $0.id!) < ($1.priority ? 0 : 1, $1.requestedAt, $1.id!) }
        for e in line {
            let next: Enrollment.Status = free > 0 ? .seated : .waiting
            if next == .seated { free -= 1 }
            if e.status != next {
                e.status = next
                try await e.save(on: db)
                if next == .seated {
                    try await Notices.tell(e.$member.id, message: "notice_seated", values: ["when": clock.format(session.startsAt), "place": session.place],
                                           link: SiteURL.training(), event: "seat:\(session.id!):\(e.$member.id):\(e.requestedAt.timeIntervalSince1970)", at: clock.now(), on: db)
                }
            }
        }
        if !session.seated {
            session.seated = true
            try await session.save(on: db)
        }
    }

    /// Seats every session whose enrollment has closed (for `jili jobs`).
    func seatClosed() async throws -> Int {
        let due = try await TrainingSession.query(on: db).filter(\.$seated == false).filter(\.$seatsAt <= clock.now()).all()
        for s in due { try await db.transaction { try await seat(s, on: $0) } }
        return due.count
    }

    func cancel(_ e: Enrollment, session: TrainingSession, by actor: Actor) async throws {
        guard e.status != .cancelled, session.startsAt > clock.now() else { throw Refusal(key: "session_error_cancel") }
        try await db.transaction { db in
            let wasSeated = e.status == .seated
            e.status = .cancelled
            try await e.save(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "cancel", entity: "training_session", id: "\(session.id!)", before: nil,
                                   after: ["member": "\(e.$member.id)"])
            if wasSeated && (session.seated || clock.now() >= session.seatsAt) { try await seat(session, on: db) }
        }
    }

    /// The trainer records who came (seated members only). A course without a quiz is passed by
    /// attending; with a quiz, attending opens it and the quiz passes.
    func attendance(_ session: TrainingSession, present: Set<Int>, by actor: Actor) async throws -> Int {
        guard clock.now() >= session.startsAt else { throw Refusal(key: "session_error_not_started") }
        let course = try await session.$course.get(on: db)
        let hasQuiz = try await QuizQuestion.query(on: db).filter(\.$course.$id == course.id!).count() > 0
        return try await db.transaction { db in
            var count = 0
            for e in try await Enrollment.query(on: db).filter(\.$session.$id == session.id!).filter(\.$status == .seated).with(\.$member).all() {
                let came = present.contains(e.id!)
                if e.attended != came {
                    e.attended = came
                    try await e.save(on: db)
                }
                if came {
                    count += 1
                    if !hasQuiz { _ = try await pass(course, member: e.member, score: 100, via: "attendance", on: db) }
                }
            }
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "attendance", entity: "training_session", id: "\(session.id!)",
                                   before: nil, after: ["present": "\(count)"])
            return count
        }
    }
}
