import Fluent
import JiliCore
import Vapor

/// A session, for its trainer: the seats and the attendance.
extension TrainingController {
    struct SeatRow: Encodable {
        let id: Int
        let member: String
        let code: String
        let status: String
        let priority: Bool
        let attended: Bool
        let seated: Bool
    }

    struct SessionPage: Encodable {
        let layout: Layout
        let id: Int
        let course: String
        let when: String
        let place: String
        let seats: Int
        let trainer: String
        let rows: [SeatRow]
        let canRecord: Bool
    }

    func renderSession(_ req: Request, _ s: TrainingSession) async throws -> Response {
        let account = try req.account(if: TrainingPermissions.mayTeach)
        guard TrainingPermissions.mayRun(s, account) else { throw Abort(.forbidden) }
        let clock = req.application.jiliClock
        let queries = TrainingQueries(db: req.db)
        let rows = try await queries.seats(in: s)
            .sorted { ($0.status == .seated ? 0 : 1, $0.priority ? 0 : 1, $0.requestedAt) < ($1.status == .seated ? 0 : 1, $1.priority ? 0 : 1, $1.requestedAt) }
        let trainer = try await queries.trainer(of: s)
        return try await req.view.render("training/session", SessionPage(
            layout: Layout(req, title: s.course.title), id: s.id!, course: s.course.title,
            when: clock.format(s.startsAt) + "–" + clock.format(s.endsAt, "HH:mm"), place: s.place, seats: s.seats, trainer: trainer?.name ?? "—",
            rows: rows.map { SeatRow(id: $0.id!, member: $0.member.name, code: $0.member.code, status: req.t("enrollment_\($0.status)"), priority: $0.priority,
                                     attended: $0.attended == true, seated: $0.status == .seated) },
            canRecord: clock.now() >= s.startsAt)).encodeResponse(for: req)
    }

    @Sendable func session(req: Request) async throws -> Response { try await renderSession(req, try await sessionOf(req)) }

    @Sendable func attendance(req: Request) async throws -> Response {
        let account = try req.account(if: TrainingPermissions.mayTeach)
        let s = try await sessionOf(req)
        guard TrainingPermissions.mayRun(s, account) else { throw Abort(.forbidden) }
        struct Form: Content { var present: [Int]? }
        let form = try req.content.decode(Form.self)
        let n = try await service(req).attendance(s, present: Set(form.present ?? []), by: .account(account))
        return req.redirect(to: SiteURL.session(s.id!), notice: "attendance_saved", ["n": "\(n)"])
    }
}
