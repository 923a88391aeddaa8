import Fluent
import JiliCore
import Vapor

/// Training under /api/v1, with the pages' permissions: courses and sessions for everyone; one's own
/// enrollments, study claims and event applications for those who are members; the claims waiting
/// for the token's account (its manager's or finance's step) for those who decide them.
struct TrainingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api", "v1", "training").grouped(ApiTokenAuthenticator(), RequireApiClient())
        api.get("courses", use: courses)
        api.get("sessions", use: sessions)
        api.post("sessions", ":id", "enroll", use: enroll)
        api.get("enrollments", use: enrollments)
        api.get("claims", use: claims)
        api.get("claims", "waiting", use: waiting)
        api.on(.POST, "claims", body: .collect(maxSize: Self.maxClaim), use: claim)
        api.post("claims", ":id", "decide", use: decide)
        api.get("events", use: events)
        api.post("events", ":id", "apply", use: apply)
    }

    /// A claim with its receipt in base64 (5 MB of receipt is under 7 MB of base64).
    static let maxClaim: ByteCount = "8mb"

    struct LessonDTO: Content {
        let title: String
        let kind: String
        let text: String?
        /// The video's link, or the path of the image or file (read with a signed-in session).
        let url: String?
    }

    struct CourseDTO: Content {
        let id: Int
        let title: String
        let category: String
        let summary: String
        let pass_mark: Int
        let questions: Int
        let lessons: [LessonDTO]
        let certificate: String?
    }

    struct SessionDTO: Content {
        let id: Int
        let course_id: Int
        let course: String
        let starts_at: Date
        let ends_at: Date
        let place: String
        let seats: Int
        let seats_left: Int
        let enrollment: String?
    }

    struct EnrollmentDTO: Content {
        let session_id: Int
        let course: String
        let starts_at: Date
        let status: String
        let priority: Bool
    }

    struct ClaimDTO: Content {
        let id: Int
        let member: String
        let kind: String
        let title: String
        let spent_on: String
        let amount: String
        let status: String
        let event_id: Int?
        let manager_by: String?
        let finance_by: String?
        let refused_by: String?
        let reason: String?
    }

    struct ClaimsDTO: Content {
        let year: Int
        /// The year's limit in yuan; null when the team has set none (claims cannot be made).
        let limit: String?
        let approved: String
        let pending: String
        let left: String
        let claims: [ClaimDTO]
    }

    struct NewClaimDTO: Content {
        let kind: String
        let title: String
        let spent_on: String
        let amount: String
        let event_id: Int?
        let receipt_base64: String
    }

    struct ClaimDecisionDTO: Content {
        let action: String
        let reason: String?
    }

    struct EventDTO: Content {
        let id: Int
        let name: String
        let organizer: String
        let place: String
        let starts_on: String
        let ends_on: String
        let apply_by: String
        let link: String
        let summary: String
        let application: String?
    }

    struct ApplyDTO: Content {
        let reason: String?
    }

    struct ApplicationDTO: Content {
        let id: Int
        let event_id: Int
        let status: String
    }

    func member(_ req: Request) async throws -> (Account, Member) {
        let account = try APIController.account(req) { $0.$member.id != nil }
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden, reason: "the token's account is not a member") }
        return (account, me)
    }

    func yuan(_ fen: Int64) -> String { FixedPoint.format(fen, scale: 2, minimumDecimals: 2) }

    func dto(_ c: StudyClaim, code: String) -> ClaimDTO {
        ClaimDTO(id: c.id!, member: code, kind: c.kind, title: c.title, spent_on: c.spentOn, amount: yuan(c.amountFen), status: c.status.rawValue,
                 event_id: c.$event.id, manager_by: c.managerBy, finance_by: c.financeBy, refused_by: c.refusedBy, reason: c.note.isEmpty ? nil : c.note)
    }

    @Sendable func courses(req: Request) async throws -> [CourseDTO] {
        let account = try APIController.account(req) { _ in true }
        let me = try await req.member(of: account)
        let queries = TrainingQueries(db: req.db)
        let lessons = try await queries.lessonsByCourse()
        let questions = try await queries.questionsByCourse()
        let passes = try await queries.passes(of: me)
        return try await queries.courses().map { c in
            CourseDTO(id: c.id!, title: c.title, category: c.category, summary: c.summary, pass_mark: c.passMark, questions: questions[c.id!]?.count ?? 0,
                      lessons: (lessons[c.id!] ?? []).map { l in
                          LessonDTO(title: l.title, kind: l.kind, text: l.body.isEmpty || l.kind == "video" ? nil : l.body,
                                    url: l.kind == "video" ? l.body : l.file.map { SiteURL.lessonFile($0) })
                      },
                      certificate: passes.first { $0.$course.id == c.id }?.certificate)
        }
    }

    /// Sessions of a month (`?month=2026-12`), or those still to come.
    @Sendable func sessions(req: Request) async throws -> [SessionDTO] {
        let account = try APIController.account(req) { _ in true }
        let me = try await req.member(of: account)
        let clock = req.application.jiliClock
        let queries = TrainingQueries(db: req.db)
        let sessions: [TrainingSession]
        if let text = req.query[String.self, at: "month"] {
            guard let month = Period(parsing: text) else { throw Abort(.badRequest, reason: "month: \"\(text)\" is not a month like 2026-12") }
            sessions = try await queries.sessions(startingFrom: clock.start(of: month), before: clock.start(of: month.next), limit: 500)
        } else {
            sessions = try await queries.sessions(endingAfter: clock.now(), limit: 500)
        }
        let taken = try await queries.seats(in: sessions)
        return sessions.map { s in
            SessionDTO(id: s.id!, course_id: s.course.id!, course: s.course.title, starts_at: s.startsAt, ends_at: s.endsAt, place: s.place, seats: s.seats,
                       seats_left: max(0, s.seats - taken.filter { $0.$session.id == s.id && $0.status == .seated }.count),
                       enrollment: taken.first { $0.$session.id == s.id && $0.$member.id == me?.id }?.status.rawValue)
        }
    }

    @Sendable func enroll(req: Request) async throws -> EnrollmentDTO {
        let (_, me) = try await member(req)
        guard let s = try await TrainingQueries(db: req.db).session(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        do {
            let e = try await TrainingService(db: req.db, clock: req.application.jiliClock).enroll(s, member: me, by: try APIController().actor(req))
            return EnrollmentDTO(session_id: s.id!, course: s.course.title, starts_at: s.startsAt, status: e.status.rawValue, priority: e.priority)
        } catch let r as Refusal {
            throw APIController().refused(r, req)
        }
    }

    @Sendable func enrollments(req: Request) async throws -> [EnrollmentDTO] {
        let (_, me) = try await member(req)
        return try await TrainingQueries(db: req.db).enrollments(of: me, limit: 200)
            .map { EnrollmentDTO(session_id: $0.session.id!, course: $0.session.course.title, starts_at: $0.session.startsAt, status: $0.status.rawValue, priority: $0.priority) }
    }

    @Sendable func claims(req: Request) async throws -> ClaimsDTO {
        let (_, me) = try await member(req)
        let clock = req.application.jiliClock
        let year = Int(clock.format(clock.now(), "yyyy"))!
        let a = try await StudyService(db: req.db, clock: clock).allowance(me, year: year)
        let mine = try await TrainingQueries(db: req.db).claims(of: me, limit: 200)
        return ClaimsDTO(year: year, limit: a.limitFen.map(yuan), approved: yuan(a.paidFen), pending: yuan(a.pendingFen), left: yuan(a.leftFen),
                         claims: mine.map { dto($0, code: me.code) })
    }

    /// The claims waiting for the token's account: the manager's step for its scope, finance's step.
    @Sendable func waiting(req: Request) async throws -> [ClaimDTO] {
        let account = try APIController.account(req) { PromotionPermissions.mayDecide($0.roleValue) || [.finance, .leader].contains($0.roleValue) }
        let me = try await req.member(of: account)
        return try await TrainingQueries(db: req.db).claimsWaiting()
            .filter { StudyPermissions.mayDecide($0, account, me: me) }
            .map { dto($0, code: $0.member.code) }
    }

    @Sendable func claim(req: Request) async throws -> ClaimDTO {
        let (_, me) = try await member(req)
        let input = try req.content.decode(NewClaimDTO.self)
        guard let receipt = Data(base64Encoded: input.receipt_base64, options: .ignoreUnknownCharacters) else {
            throw Abort(.unprocessableEntity, reason: "receipt_base64: not base64")
        }
        var event: IndustryEvent?
        if let id = input.event_id {
            guard let a = try await TrainingQueries(db: req.db).approvedApplication(to: id, of: me) else { throw APIController().refused(.init(key: "claim_error_event"), req) }
            event = a.event
        }
        do {
            let c = try await StudyService(db: req.db, clock: req.application.jiliClock, files: req.application.jiliConfig.files)
                .claim(by: me, try StudyService.ClaimForm(kind: input.kind, title: input.title, spentOn: input.spent_on, amount: input.amount)
                    .parsed(today: req.application.jiliClock.today), receipt: Array(receipt), event: event,
                       by: try APIController().actor(req))
            return dto(c, code: me.code)
        } catch let r as Refusal {
            throw APIController().refused(r, req)
        }
    }

    @Sendable func decide(req: Request) async throws -> ClaimDTO {
        let account = try APIController.account(req) { PromotionPermissions.mayDecide($0.roleValue) || [.finance, .leader].contains($0.roleValue) }
        let me = try await req.member(of: account)
        let input = try req.content.decode(ClaimDecisionDTO.self)
        guard ["approve", "refuse"].contains(input.action) else { throw Abort(.unprocessableEntity, reason: "action: must be approve or refuse") }
        guard let c = try await TrainingQueries(db: req.db).claim(req.parameters.get("id", as: Int.self)),
              StudyPermissions.maySee(c, account, me: me) else { throw Abort(.notFound) }
        guard StudyPermissions.mayDecide(c, account, me: me) else { throw APIController().refused(.init(key: [.submitted, .managerApproved].contains(c.status) ? "claim_error_not_yours" : "claim_error_status"), req) }
        let study = StudyService(db: req.db, clock: req.application.jiliClock)
        do {
            if input.action == "refuse" {
                try await study.refuse(c, reason: input.reason ?? "", by: try APIController().actor(req))
            } else if c.status == .submitted {
                try await study.approveAsManager(c, by: account)
            } else {
                try await study.approveAsFinance(c, by: account)
            }
        } catch let r as Refusal {
            throw APIController().refused(r, req)
        }
        return dto(try await TrainingQueries(db: req.db).claim(c.id) ?? c, code: c.member.code)
    }

    @Sendable func events(req: Request) async throws -> [EventDTO] {
        let account = try APIController.account(req) { _ in true }
        let me = try await req.member(of: account)
        let today = EventService(db: req.db, clock: req.application.jiliClock).today
        let queries = TrainingQueries(db: req.db)
        let events = try await queries.events(endingOnOrAfter: Dates.text(today - 90))
        let mine = try await queries.applications(of: me, to: events)
        return events.map { e in
            EventDTO(id: e.id!, name: e.name, organizer: e.organizer, place: e.place, starts_on: e.startsOn, ends_on: e.endsOn, apply_by: e.applyBy,
                     link: e.link, summary: e.summary, application: mine.first { $0.$event.id == e.id }?.status.rawValue)
        }
    }

    @Sendable func apply(req: Request) async throws -> ApplicationDTO {
        let (_, me) = try await member(req)
        guard let e = try await TrainingQueries(db: req.db).event(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        let input = (try? req.content.decode(ApplyDTO.self)) ?? ApplyDTO(reason: nil)
        do {
            let a = try await EventService(db: req.db, clock: req.application.jiliClock).apply(e, member: me, reason: input.reason ?? "", by: try APIController().actor(req))
            return ApplicationDTO(id: a.id!, event_id: e.id!, status: a.status.rawValue)
        } catch let r as Refusal {
            throw APIController().refused(r, req)
        }
    }
}
