import Fluent
import JiliCore
import Vapor

/// A course: its lessons and files, its quiz, and taking it.
extension TrainingController {
    struct LessonRow: Encodable {
        let title: String
        let text: String?
        let video: String?
        let image: String?
        let file: String?
        let fileLabel: String
    }

    /// A lesson's image or file, for whoever is signed in (every member may study every course), by its
    /// random name; 404 for a name no lesson has.
    @Sendable func lessonFile(req: Request) async throws -> Response {
        _ = try req.account
        let name = req.parameters.get("name") ?? ""
        guard Uploads.isName(name), let lesson = try await TrainingQueries(db: req.db).lesson(file: name),
              let response = Uploads.lessons(files: req.application.jiliConfig.files, images: lesson.kind == "image")
                .response(name, filename: lesson.kind == "file" ? lesson.fileLabel : nil) else { throw Abort(.notFound) }
        return response
    }

    struct QuestionRow: Encodable {
        let id: Int
        let n: Int
        let prompt: String
        let choices: [SelectOption]
    }

    struct CoursePage: Encodable {
        let layout: Layout
        let id: Int
        let title: String
        let category: String
        let summary: String
        let passMark: Int
        let lessons: [LessonRow]
        let questions: [QuestionRow]
        let passed: CertificateRow?
        let lastScore: Int?
        let isMember: Bool
        let canTeach: Bool
    }

    func renderCourse(_ req: Request, _ c: Course) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let clock = req.application.jiliClock
        let queries = TrainingQueries(db: req.db)
        let lessons = try await queries.lessons(of: c)
        let questions = try await queries.questions(of: c)
        let pass = try await queries.pass(of: c, by: me)
        let last = try await queries.lastAttempt(at: c, by: me)
        return try await req.view.render("training/course", CoursePage(
            layout: Layout(req, title: c.title), id: c.id!, title: c.title, category: req.t("course_category_\(c.category)"), summary: c.summary,
            passMark: c.passMark,
            lessons: lessons.map {
                LessonRow(title: $0.title, text: $0.kind == "text" || !$0.body.isEmpty && $0.kind != "video" ? $0.body : nil, video: $0.kind == "video" ? $0.body : nil,
                          image: $0.kind == "image" ? $0.file : nil, file: $0.kind == "file" ? $0.file : nil,
                          fileLabel: $0.fileLabel.isEmpty ? $0.title : $0.fileLabel)
            },
            questions: questions.enumerated().map { i, q in
                QuestionRow(id: q.id!, n: i + 1, prompt: q.prompt, choices: TrainingService.choices(q).enumerated().map { SelectOption(value: "\($0)", label: $1) })
            },
            passed: pass.map { CertificateRow(number: $0.certificate, course: c.title, at: clock.format($0.passedAt, "yyyy-MM-dd")) },
            lastScore: last?.score, isMember: me != nil, canTeach: TrainingPermissions.mayTeach(account.roleValue)))
            .encodeResponse(for: req)
    }

    func courseOf(_ req: Request) async throws -> Course {
        guard let c = try await TrainingQueries(db: req.db).course(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        return c
    }

    @Sendable func course(req: Request) async throws -> Response { try await renderCourse(req, try await courseOf(req)) }

    struct LessonForm: Content {
        var title: String?
        var kind: String?
        var body: String?
        var file: File?
    }

    @Sendable func addLesson(req: Request) async throws -> Response {
        _ = try req.account(if: TrainingPermissions.mayTeach)
        let c = try await courseOf(req)
        let f = try req.content.decode(LessonForm.self)
        let bytes = f.file.flatMap { $0.data.readableBytes > 0 ? Array($0.data.readableBytesView) : nil }
        _ = try await service(req).addLesson(to: c, title: f.title ?? "", kind: f.kind ?? "", body: f.body ?? "", upload: bytes, fileName: f.file?.filename ?? "")
        return req.redirect(to: SiteURL.course(c.id!), notice: "lesson_added")
    }

    @Sendable func addQuestion(req: Request) async throws -> Response {
        _ = try req.account(if: TrainingPermissions.mayTeach)
        let c = try await courseOf(req)
        let f = try req.content.decode([String: String].self)
        let choices = (f["choices"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        let given = choices.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        _ = try await service(req).addQuestion(to: c, prompt: f["prompt"] ?? "", choices: choices,
                                               answer: try FormValue.int(f["answer"], field: "answer", refusal: "quiz_error_answer", values: ["count": "\(given)"]))
        return req.redirect(to: SiteURL.course(c.id!), notice: "question_added")
    }

    @Sendable func takeQuiz(req: Request) async throws -> Response {
        guard let me = try await req.member(of: req.account) else { throw Abort(.forbidden) }
        let c = try await courseOf(req)
        let f = try req.content.decode([String: String].self)
        var answers: [Int: Int] = [:]
        for (k, v) in f where k.hasPrefix("q") { if let id = Int(k.dropFirst()), let choice = Int(v) { answers[id] = choice } }
        let outcome = try await service(req).attempt(c, by: me, answers: answers)
        return req.redirect(to: SiteURL.course(c.id!), notice: outcome.passed ? "quiz_passed" : "quiz_failed", ["score": "\(outcome.score)", "mark": "\(c.passMark)"])
    }
}
