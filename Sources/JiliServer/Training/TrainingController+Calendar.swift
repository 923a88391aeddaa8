import Fluent
import JiliCore
import Vapor

/// The training calendar by month, and creating courses and sessions, enrolling and cancelling.
extension TrainingController {
    struct SessionRow: Encodable {
        let id: Int
        let day: String
        let time: String
        let course: String
        let place: String
        let seatsLeft: Int
        let seats: Int
        let status: String?
        let canEnroll: Bool
        let canCancel: Bool
        let priority: Bool
    }

    struct CourseRow: Encodable {
        let id: Int
        let title: String
        let category: String
        let passed: Bool
    }

    struct CertificateRow: Encodable {
        let number: String
        let course: String
        let at: String
    }

    /// A day of the month's calendar: its sessions and the industry events on it.
    struct CalendarDay: Encodable {
        let day: String
        let weekday: String
        let today: Bool
        let entries: [CalendarEntry]
    }

    struct CalendarEntry: Encodable {
        let time: String?
        let title: String
        let place: String
        let link: String
        let status: String?
        let event: Bool
    }

    struct CalendarPage: Encodable {
        let layout: Layout
        let month: String
        let previous: String
        let next: String
        let days: [CalendarDay]
        let sessions: [SessionRow]
        let courses: [CourseRow]
        let certificates: [CertificateRow]
        let canTeach: Bool
        let isMember: Bool
        let hasPriority: Bool
        let courseOptions: [SelectOption]
        let trainers: [SelectOption]
    }

    func renderCalendar(_ req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let clock = req.application.jiliClock
        let now = clock.now()
        let queries = TrainingQueries(db: req.db)
        let sessions = try await queries.sessions(endingAfter: now, limit: 200)
        let enrollments = try await queries.seats(in: sessions)
        let passed = try await queries.passes(of: me)
        let courses = try await queries.courses()
        let teach = TrainingPermissions.mayTeach(account.roleValue)
        let month = req.query[String.self, at: "month"].flatMap { Period(parsing: $0) } ?? clock.currentPeriod
        let page = CalendarPage(
            layout: Layout(req, title: req.t("training_title")),
            month: month.description, previous: month.previous.description, next: month.next.description,
            days: try await monthDays(req, month, me: me),
            sessions: sessions.map { s in
                let mine = enrollments.first { $0.$session.id == s.id && $0.$member.id == me?.id }
                let taken = enrollments.filter { $0.$session.id == s.id && $0.status == .seated }.count
                return SessionRow(id: s.id!, day: clock.format(s.startsAt, "yyyy-MM-dd"), time: clock.format(s.startsAt, "HH:mm") + "–" + clock.format(s.endsAt, "HH:mm"),
                                  course: s.course.title, place: s.place, seatsLeft: max(0, s.seats - taken), seats: s.seats,
                                  status: mine.map { req.t("enrollment_\($0.status)") }, canEnroll: me != nil && mine == nil && s.startsAt > now,
                                  canCancel: mine != nil && s.startsAt > now, priority: mine?.priority ?? false)
            },
            courses: courses.map { c in CourseRow(id: c.id!, title: c.title, category: req.t("course_category_\(c.category)"), passed: passed.contains { $0.$course.id == c.id }) },
            certificates: passed.map { CertificateRow(number: $0.certificate, course: $0.course.title, at: clock.format($0.passedAt, "yyyy-MM-dd")) },
            canTeach: teach, isMember: me != nil, hasPriority: me == nil ? false : try await service(req).hasPriority(me!),
            courseOptions: courses.map { SelectOption(value: "\($0.id!)", label: $0.title) },
            trainers: teach ? try await queries.trainers()
                .map { SelectOption(value: "\($0.id!)", label: $0.name, selected: $0.id == account.id) } : [])
        return try await req.view.render("training/calendar", page).encodeResponse(for: req)
    }

    @Sendable func calendar(req: Request) async throws -> Response { try await renderCalendar(req) }

    /// The month's days that have a session or an industry event, with one's own enrollment or
    /// application on each.
    func monthDays(_ req: Request, _ month: Period, me: Member?) async throws -> [CalendarDay] {
        let clock = req.application.jiliClock
        let queries = TrainingQueries(db: req.db)
        let sessions = try await queries.sessions(startingFrom: clock.start(of: month), before: clock.start(of: month.next), limit: 500)
        let first = String(format: "%04d-%02d-01", month.year, month.month)
        let last = String(format: "%04d-%02d-%02d", month.year, month.month, CivilDate.daysInMonth(year: month.year, month: month.month))
        let events = try await queries.events(between: first, and: last)
        let mine = try await queries.seats(of: me, in: sessions)
        let applied = try await queries.applications(of: me, to: events)
        var byDay: [String: [CalendarEntry]] = [:]
        for s in sessions {
            let status = mine.first { $0.$session.id == s.id }.map { req.t("enrollment_\($0.status)") }
            byDay[clock.format(s.startsAt, "yyyy-MM-dd"), default: []].append(CalendarEntry(
                time: clock.format(s.startsAt, "HH:mm") + "–" + clock.format(s.endsAt, "HH:mm"), title: s.course.title, place: s.place,
                link: SiteURL.course(s.course.id!), status: status, event: false))
        }
        for e in events {
            // An event of several days is listed on its first day in the month.
            let day = max(e.startsOn, first)
            let status = applied.first { $0.$event.id == e.id }.map { req.t("application_\($0.status)") }
            byDay[day, default: []].append(CalendarEntry(time: e.startsOn == e.endsOn ? nil : e.startsOn.suffix(5) + " – " + e.endsOn.suffix(5),
                                                         title: e.name, place: e.place, link: SiteURL.events() + "#e\(e.id!)", status: status, event: true))
        }
        let today = clock.format(clock.now(), "yyyy-MM-dd")
        return byDay.keys.sorted().map { day in
            let days = Dates.day(day) ?? 0
            return CalendarDay(day: String(day.suffix(5)), weekday: req.t("weekday_\((days + 4) % 7)"), today: day == today, entries: byDay[day]!)
        }
    }

    @Sendable func createCourse(req: Request) async throws -> Response {
        let account = try req.account(if: TrainingPermissions.mayTeach)
        let f = try req.content.decode([String: String].self)
        let c = try await service(req).createCourse(title: f["title"] ?? "", category: f["category"] ?? "", summary: f["summary"] ?? "",
                                                    passMark: try FormValue.int(f["pass_mark"], field: "pass_mark", refusal: "course_error_pass_mark"),
                                                    by: .account(account))
        return req.redirect(to: SiteURL.course(c.id!))
    }

    /// `2026-12-05T14:00` (a datetime-local field) in the team's zone.
    func instant(_ text: String?, _ req: Request) -> Date? {
        guard let text, text.count >= 16 else { return nil }
        let parts = text.prefix(16).split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count == 5, (1...12).contains(parts[1]), (1...31).contains(parts[2]), (0...23).contains(parts[3]), (0...59).contains(parts[4]) else { return nil }
        let wall = CivilDate.days(year: parts[0], month: parts[1], day: parts[2]) * 86_400 + Int64(parts[3] * 3_600 + parts[4] * 60)
        return Date(timeIntervalSince1970: Double(PlanClock(timeZone: req.application.jiliClock.timeZone).instant(fromWall: wall)))
    }

    @Sendable func createSession(req: Request) async throws -> Response {
        let account = try req.account(if: TrainingPermissions.mayTeach)
        let f = try req.content.decode([String: String].self)
        let queries = TrainingQueries(db: req.db)
        guard let course = try await queries.course(Int(f["course"] ?? "")) else {
            throw Refusal(key: "session_error_course", field: "course")
        }
        guard let starts = instant(f["starts"], req), let ends = instant(f["ends"], req) else {
            throw Refusal(key: "session_error_when", values: ["value": f["starts"] ?? ""], field: "starts")
        }
        let trainer = try await queries.account(Int(f["trainer"] ?? ""))
        _ = try await service(req).createSession(course, startsAt: starts, endsAt: ends, place: f["place"] ?? "",
                                                 seats: try FormValue.int(f["seats"], field: "seats", refusal: "session_error_seats"),
                                                 trainer: trainer ?? account, seatsAt: instant(f["seats_at"], req), by: .account(account))
        return req.redirect(back: SiteURL.training(), notice: "session_created", ["course": course.title])
    }

    func sessionOf(_ req: Request) async throws -> TrainingSession {
        guard let s = try await TrainingQueries(db: req.db).session(req.parameters.get("id", as: Int.self)) else {
            throw Abort(.notFound)
        }
        return s
    }

    @Sendable func enroll(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        let s = try await sessionOf(req)
        let e = try await service(req).enroll(s, member: me, by: .account(account))
        return req.redirect(back: SiteURL.training(), notice: "enrolled_\(e.status)", ["course": s.course.title])
    }

    @Sendable func cancel(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        let s = try await sessionOf(req)
        guard let e = try await TrainingQueries(db: req.db).enrollment(in: s, of: me) else {
            throw Refusal(key: "session_error_cancel")
        }
        try await service(req).cancel(e, session: s, by: .account(account))
        return req.redirect(back: SiteURL.training(), notice: "enrollment_cancelled_notice", ["course": s.course.title])
    }
}
