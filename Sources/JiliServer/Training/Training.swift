import Fluent
import Foundation

/// A course (产品知识, 销售技巧, 合规): lessons to read, and a quiz with a pass mark. A course without
/// questions is passed by attending one of its sessions.
final class Course: Model, @unchecked Sendable {
    static let schema = "courses"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Field(key: "title") var title: String
    /// `product`, `sales`, `compliance` or `other`.
    @Field(key: "category") var category: String
    @Field(key: "summary") var summary: String
    /// Percent of the questions to answer right, 1…100.
    @Field(key: "pass_mark") var passMark: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A lesson of a course: text, an image, a video link or a file (stored under the data folder).
final class Lesson: Model, @unchecked Sendable {
    static let schema = "lessons"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "course_id") var course: Course
    @Field(key: "position") var position: Int
    @Field(key: "title") var title: String
    /// `text`, `image`, `video` or `file`.
    @Field(key: "kind") var kind: String
    /// The text, or the video's https link.
    @Field(key: "body") var body: String
    /// The stored file's random name (`image`, `file`), and the name it was uploaded with.
    @OptionalField(key: "file") var file: String?
    @Field(key: "file_label") var fileLabel: String

    init() {}
}

/// A quiz question with its choices (JSON array of strings) and the index of the right one.
final class QuizQuestion: Model, @unchecked Sendable {
    static let schema = "quiz_questions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "course_id") var course: Course
    @Field(key: "position") var position: Int
    @Field(key: "prompt") var prompt: String
    @Field(key: "choices") var choices: String
    @Field(key: "answer") var answer: Int

    init() {}
}

/// A member's attempt at a course's quiz.
final class QuizAttempt: Model, @unchecked Sendable {
    static let schema = "quiz_attempts"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "course_id") var course: Course
    @Parent(key: "member_id") var member: Member
    @Field(key: "score") var score: Int
    @Field(key: "passed") var passed: Bool
    @Field(key: "at") var at: Date

    init() {}
}

/// A course passed, once per member and course, with the certificate's number. Passing records a
/// `training` activity, which goals, points rules and the ladder's `courses` criterion count.
final class CoursePass: Model, @unchecked Sendable {
    static let schema = "course_passes"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "course_id") var course: Course
    @Parent(key: "member_id") var member: Member
    @Field(key: "score") var score: Int
    /// `quiz` or `attendance`.
    @Field(key: "via") var via: String
    @Field(key: "certificate") var certificate: String
    @Field(key: "passed_at") var passedAt: Date

    init() {}
}

/// A session of a course: when, where, how many seats, who teaches. Enrollment closes at
/// `seats_at`; then seats go to holders of the priority privilege first, then in order of request.
final class TrainingSession: Model, @unchecked Sendable {
    static let schema = "training_sessions"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "course_id") var course: Course
    @Field(key: "starts_at") var startsAt: Date
    @Field(key: "ends_at") var endsAt: Date
    @Field(key: "place") var place: String
    @Field(key: "seats") var seats: Int
    @OptionalParent(key: "trainer_id") var trainer: Account?
    @Field(key: "seats_at") var seatsAt: Date
    @Field(key: "seated") var seated: Bool

    init() {}
}

/// A member's place in a session: `requested` until seating, then `seated` or `waiting`; `cancelled`.
/// `attended` is recorded by the trainer.
final class Enrollment: Model, @unchecked Sendable {
    static let schema = "enrollments"
    @ID(custom: .id, generatedBy: .database) var id: Int?
    @Parent(key: "session_id") var session: TrainingSession
    @Parent(key: "member_id") var member: Member
    @Field(key: "status") var status: Status
    @Field(key: "priority") var priority: Bool
    @Field(key: "requested_at") var requestedAt: Date
    @OptionalField(key: "attended") var attended: Bool?

    init() {}

    /// Asked for a seat, seated, waiting for one, or cancelled.
    enum Status: String, StoredStatus {
        case requested, seated, waiting, cancelled
    }
}
