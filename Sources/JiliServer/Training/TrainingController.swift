import Fluent
import JiliCore
import Vapor

/// Training (`/training`, 培训): the calendar of sessions with one's seat, the courses with their
/// lessons and quiz, certificates that print; the leader, the operations director and trainers add
/// courses, lessons, questions and sessions; a session's trainer seats it and records attendance.
struct TrainingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("training", use: calendar)
        routes.post("training", "courses", use: createCourse)
        routes.get("training", "courses", ":id", use: course)
        routes.on(.POST, "training", "courses", ":id", "lessons", body: .collect(maxSize: Self.maxLessonForm), use: addLesson)
        routes.get("training", "files", ":name", use: lessonFile)
        routes.post("training", "courses", ":id", "questions", use: addQuestion)
        routes.post("training", "courses", ":id", "quiz", use: takeQuiz)
        routes.post("training", "sessions", use: createSession)
        routes.get("training", "sessions", ":id", use: session)
        routes.post("training", "sessions", ":id", "enroll", use: enroll)
        routes.post("training", "sessions", ":id", "cancel", use: cancel)
        routes.post("training", "sessions", ":id", "attendance", use: attendance)
        routes.get("training", "certificates", ":number", use: certificate)
    }

    static func mayTeach(_ role: Role) -> Bool { [.leader, .director, .trainer].contains(role) }
    /// A lesson's form: a file of at most 20 MB and the fields.
    static let maxLessonForm: ByteCount = "21mb"

    func service(_ req: Request) -> TrainingService {
        TrainingService(db: req.db, clock: req.application.jiliClock, files: req.application.jiliConfig.files)
    }
}
