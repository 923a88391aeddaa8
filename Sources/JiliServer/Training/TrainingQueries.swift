import Fluent
import Foundation

/// The reads of training — courses, sessions and seats, certificates, study claims, industry events —
/// that its pages and its API share.
struct TrainingQueries {
    let db: any Database

    // Courses and lessons

    func courses() async throws -> [Course] { try await Course.query(on: db).sort(\.$id).all() }
    func course(_ id: Int?) async throws -> Course? { try await Course.find(id, on: db) }
    func lessons(of course: Course) async throws -> [Lesson] {
        try await Lesson.query(on: db).filter(\.$course.$id == course.id!).sort(\.$position).all()
    }
    func questions(of course: Course) async throws -> [QuizQuestion] {
        try await QuizQuestion.query(on: db).filter(\.$course.$id == course.id!).sort(\.$position).all()
    }
    /// Every course's lessons and questions, by course id.
    func lessonsByCourse() async throws -> [Int: [Lesson]] {
        Dictionary(grouping: try await Lesson.query(on: db).sort(\.$position).all(), by: { $0.$course.id })
    }
    func questionsByCourse() async throws -> [Int: [QuizQuestion]] {
        Dictionary(grouping: try await QuizQuestion.query(on: db).all(), by: { $0.$course.id })
    }
    /// The lesson an uploaded file belongs to.
    func lesson(file name: String) async throws -> Lesson? { try await Lesson.query(on: db).filter(\.$file == name).first() }

    /// A member's passes, newest first, with their courses.
    func passes(of member: Member?) async throws -> [CoursePass] {
        guard let member else { return [] }
        return try await CoursePass.query(on: db).filter(\.$member.$id == member.id!).with(\.$course).sort(\.$passedAt, .descending).all()
    }
    func pass(of course: Course, by member: Member?) async throws -> CoursePass? {
        guard let member else { return nil }
        return try await CoursePass.query(on: db).filter(\.$course.$id == course.id!).filter(\.$member.$id == member.id!).first()
    }
    func lastAttempt(at course: Course, by member: Member?) async throws -> QuizAttempt? {
        guard let member else { return nil }
        return try await QuizAttempt.query(on: db).filter(\.$course.$id == course.id!).filter(\.$member.$id == member.id!).sort(\.$id, .descending).first()
    }
    func certificate(_ number: String) async throws -> CoursePass? {
        try await CoursePass.query(on: db).filter(\.$certificate == number).with(\.$member).with(\.$course).first()
    }

    // Sessions and seats

    func session(_ id: Int?) async throws -> TrainingSession? {
        try await TrainingSession.query(on: db).filter(\.$id == (id ?? -1)).with(\.$course).first()
    }
    /// Sessions not yet over, soonest first.
    func sessions(endingAfter now: Date, limit: Int) async throws -> [TrainingSession] {
        try await TrainingSession.query(on: db).filter(\.$endsAt >= now).sort(\.$startsAt).limit(limit).with(\.$course).all()
    }
    /// Sessions starting in `[from, to)`, soonest first.
    func sessions(startingFrom from: Date, before to: Date, limit: Int) async throws -> [TrainingSession] {
        try await TrainingSession.query(on: db).filter(\.$startsAt >= from).filter(\.$startsAt < to).sort(\.$startsAt).limit(limit).with(\.$course).all()
    }
    /// The seats asked for or held in these sessions (not the cancelled ones).
    func seats(in sessions: [TrainingSession]) async throws -> [Enrollment] {
        guard !sessions.isEmpty else { return [] }
        return try await Enrollment.query(on: db).filter(\.$session.$id ~~ sessions.map { $0.id! }).filter(\.$status != .cancelled).all()
    }
    /// One session's seats with their members.
    func seats(in session: TrainingSession) async throws -> [Enrollment] {
        try await Enrollment.query(on: db).filter(\.$session.$id == session.id!).filter(\.$status != .cancelled).with(\.$member).all()
    }
    func enrollment(in session: TrainingSession, of member: Member) async throws -> Enrollment? {
        try await Enrollment.query(on: db).filter(\.$session.$id == session.id!).filter(\.$member.$id == member.id!).first()
    }
    /// A member's seats, newest first, with their sessions and courses.
    func enrollments(of member: Member, limit: Int) async throws -> [Enrollment] {
        try await Enrollment.query(on: db).filter(\.$member.$id == member.id!).with(\.$session) { $0.with(\.$course) }.sort(\.$id, .descending).limit(limit).all()
    }
    func trainer(of session: TrainingSession) async throws -> Account? { try await session.$trainer.get(on: db) }
    func account(_ id: Int?) async throws -> Account? { try await Account.find(id, on: db) }
    /// Who may be named a session's trainer.
    func trainers() async throws -> [Account] {
        try await Account.query(on: db).filter(\.$role ~~ [Role.trainer.rawValue, Role.leader.rawValue, Role.director.rawValue]).sort(\.$username).all()
    }

    // Study claims

    func claim(_ id: Int?) async throws -> StudyClaim? {
        try await StudyClaim.query(on: db).filter(\.$id == (id ?? -1)).with(\.$member).first()
    }
    func claims(of member: Member?, limit: Int) async throws -> [StudyClaim] {
        guard let member else { return [] }
        return try await StudyClaim.query(on: db).filter(\.$member.$id == member.id!).sort(\.$id, .descending).limit(limit).with(\.$member).all()
    }
    /// Claims waiting for a step (the manager's or finance's), oldest first.
    func claimsWaiting() async throws -> [StudyClaim] {
        try await StudyClaim.query(on: db).filter(\.$status ~~ [.submitted, .managerApproved]).sort(\.$id).limit(1_000).with(\.$member).all()
    }
    /// Claims decided lately, newest first.
    func claimsDecided(limit: Int) async throws -> [StudyClaim] {
        try await StudyClaim.query(on: db).filter(\.$status ~~ [.approved, .refused]).sort(\.$id, .descending).limit(limit).with(\.$member).all()
    }

    // Industry events

    func event(_ id: Int?) async throws -> IndustryEvent? { try await IndustryEvent.find(id, on: db) }
    /// Events ending on or after a day (`2026-09-01`), soonest first.
    func events(endingOnOrAfter day: String) async throws -> [IndustryEvent] {
        try await IndustryEvent.query(on: db).filter(\.$endsOn >= day).sort(\.$startsOn).limit(200).all()
    }
    /// Events on any day between two days.
    func events(between first: String, and last: String) async throws -> [IndustryEvent] {
        try await IndustryEvent.query(on: db).filter(\.$startsOn <= last).filter(\.$endsOn >= first).sort(\.$startsOn).limit(200).all()
    }
    func application(_ id: Int?) async throws -> EventApplication? {
        try await EventApplication.query(on: db).filter(\.$id == (id ?? -1)).with(\.$member).with(\.$event).first()
    }
    /// Everyone's applications to these events, with members and events.
    func applications(to events: [IndustryEvent]) async throws -> [EventApplication] {
        guard !events.isEmpty else { return [] }
        return try await EventApplication.query(on: db).filter(\.$event.$id ~~ events.map { $0.id! }).with(\.$member).with(\.$event).all()
    }
    /// A member's applications to these events.
    func applications(of member: Member?, to events: [IndustryEvent]) async throws -> [EventApplication] {
        guard let member, !events.isEmpty else { return [] }
        return try await EventApplication.query(on: db).filter(\.$member.$id == member.id!).filter(\.$event.$id ~~ events.map { $0.id! }).all()
    }
    /// A member's seats in these sessions (not the cancelled ones).
    func seats(of member: Member?, in sessions: [TrainingSession]) async throws -> [Enrollment] {
        guard let member, !sessions.isEmpty else { return [] }
        return try await Enrollment.query(on: db).filter(\.$member.$id == member.id!).filter(\.$session.$id ~~ sessions.map { $0.id! })
            .filter(\.$status != .cancelled).all()
    }
    /// The events a member was approved to attend, with the events.
    func approvedApplications(of member: Member?) async throws -> [EventApplication] {
        guard let member else { return [] }
        return try await EventApplication.query(on: db).filter(\.$member.$id == member.id!).filter(\.$status == .approved).with(\.$event).all()
    }
    func approvedApplication(to event: Int, of member: Member) async throws -> EventApplication? {
        try await EventApplication.query(on: db).filter(\.$event.$id == event).filter(\.$member.$id == member.id!)
            .filter(\.$status == .approved).with(\.$event).first()
    }
}
