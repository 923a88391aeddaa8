import Fluent
import JiliCore
import Vapor

/// Training (`/training`, 培训): the calendar of sessions with one's seat, the courses with their
/// lessons and quiz, certificates that print; the leader, the operations director and trainers add
/// courses, lessons, questions and sessions; a session's trainer seats it and records attendance.
struct TrainingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.training, use: calendar)
        routes.post(SiteURL.courses, use: createCourse)
        routes.get(SiteURL.course, use: course)
        routes.post(SiteURL.lessons, use: addLesson)
        routes.get(SiteURL.lessonFile, use: lessonFile)
        routes.post(SiteURL.questions, use: addQuestion)
        routes.post(SiteURL.quiz, use: takeQuiz)
        routes.post(SiteURL.sessions, use: createSession)
        routes.get(SiteURL.session, use: session)
        routes.post(SiteURL.enroll, use: enroll)
        routes.post(SiteURL.cancelSeat, use: cancel)
        routes.post(SiteURL.attendance, use: attendance)
        routes.get(SiteURL.certificate, use: certificate)
    }


    func service(_ req: Request) -> TrainingService {
        TrainingService(db: req.db, clock: req.application.jiliClock, files: req.application.jiliConfig.files)
    }
}
