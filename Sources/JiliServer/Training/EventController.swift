import Fluent
import JiliCore
import Vapor

/// Industry events (`/training/events`, 行业会议): the list with one's application; the form to list
/// an event (the leader, the operations director, trainers); applications to decide and, after an
/// event starts, attendance to record (the member's manager, the leader, the director).
struct EventController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.events, use: list)
        routes.post(SiteURL.events, use: create)
        routes.post(SiteURL.applyToEvent, use: apply)
        routes.post(SiteURL.decideApplication, use: decide)
        routes.post(SiteURL.withdrawApplication, use: withdraw)
        routes.post(SiteURL.applicationAttendance, use: attendance)
    }

    func service(_ req: Request) -> EventService { EventService(db: req.db, clock: req.application.jiliClock) }

    /// nil for an empty text: Leaf's `#if` is true for an empty string.
    static func some(_ text: String) -> String? { text.isEmpty ? nil : text }

    struct EventRow: Encodable {
        let id: Int
        let name: String
        let organizer: String?
        let place: String
        let days: String
        let applyBy: String
        let link: String?
        let summary: String?
        let mine: String?
        let mineID: Int?
        let canApply: Bool
        let canWithdraw: Bool
        let applicants: Int
    }

    struct ApplicationRow: Encodable {
        let id: Int
        let member: String
        let code: String
        let event: String
        let days: String
        let reason: String?
        let status: String
    }

    struct Page: Encodable {
        let layout: Layout
        let upcoming: [EventRow]
        let past: [EventRow]
        let toDecide: [ApplicationRow]
        let toRecord: [ApplicationRow]
        let isMember: Bool
        let canCreate: Bool
        let error: String?
    }

    func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        let s = service(req)
        let today = Dates.text(s.today)
        let recent = Dates.text(s.today - 90)
        let queries = TrainingQueries(db: req.db)
        let events = try await queries.events(endingOnOrAfter: recent)
        let applications = try await queries.applications(to: events)
        func days(_ e: IndustryEvent) -> String { e.startsOn == e.endsOn ? e.startsOn : e.startsOn + " – " + e.endsOn }
        func row(_ e: IndustryEvent) -> EventRow {
            let mine = applications.first { $0.$event.id == e.id && $0.$member.id == me?.id }
            let open = mine == nil || [.declined, .withdrawn].contains(mine!.status)
            return EventRow(id: e.id!, name: e.name, organizer: Self.some(e.organizer), place: e.place, days: days(e), applyBy: e.applyBy,
                            link: Self.some(e.link), summary: Self.some(e.summary),
                            mine: mine.map { req.t("application_\($0.status.rawValue)") + ($0.attended == true ? " · " + req.t("application_attended") : "") },
                            mineID: mine?.id, canApply: me != nil && open && today <= e.applyBy,
                            canWithdraw: mine.map { [.requested, .approved].contains($0.status) } ?? false && today < e.startsOn,
                            applicants: applications.filter { $0.$event.id == e.id && $0.status == .approved }.count)
        }
        let decider = PromotionPermissions.mayDecide(account.roleValue)
        func appRow(_ a: EventApplication) -> ApplicationRow {
            ApplicationRow(id: a.id!, member: a.member.name, code: a.member.code, event: a.event.name, days: days(a.event), reason: Self.some(a.reason),
                           status: req.t("application_\(a.status)"))
        }
        let mine = applications.filter { decider && Permissions.mayDecide(account, me: me, about: $0.member) }
        let page = Page(
            layout: Layout(req, title: req.t("events_title")),
            upcoming: events.filter { $0.endsOn >= today }.map(row), past: events.filter { $0.endsOn < today }.reversed().map(row),
            toDecide: mine.filter { $0.status == .requested && today <= $0.event.endsOn }.map(appRow),
            toRecord: mine.filter { $0.status == .approved && $0.attended == nil && today >= $0.event.startsOn }.map(appRow),
            isMember: me != nil, canCreate: TrainingPermissions.mayTeach(account.roleValue), error: error)
        return try await req.view.render("training/events", page).encodeResponse(status: status, for: req)
    }

    @Sendable func list(req: Request) async throws -> Response { try await render(req) }

    @Sendable func create(req: Request) async throws -> Response {
        let account = try req.account(if: TrainingPermissions.mayTeach)
        let f = try req.content.decode([String: String].self)
        do {
            func day(_ field: String) throws -> Int64 { try FormValue.day(f[field], field: field, refusal: "event_error_day", values: ["field": field]) }
            let applyBy = (f["apply_by"] ?? "").trimmingCharacters(in: .whitespaces).isEmpty ? nil : try day("apply_by")
            let e = try await service(req).create(name: f["name"] ?? "", organizer: f["organizer"] ?? "", place: f["place"] ?? "", startsOn: try day("starts_on"),
                                                  endsOn: try day("ends_on"), applyBy: applyBy, link: f["link"] ?? "", summary: f["summary"] ?? "",
                                                  by: .account(account))
            return req.redirect(to: SiteURL.events(), notice: "event_created", ["name": e.name])
        } catch var r as Refusal {
            // The field named in the person's language; the refusal goes back to the form.
            if let field = r.values["field"] { r.values["field"] = req.t("event_\(field)") }
            throw r
        }
    }

    @Sendable func apply(req: Request) async throws -> Response {
        let account = try req.account
        guard let me = try await req.member(of: account) else { throw Abort(.forbidden) }
        guard let e = try await TrainingQueries(db: req.db).event(req.parameters.get("id", as: Int.self)) else { throw Abort(.notFound) }
        _ = try await service(req).apply(e, member: me, reason: (try? req.content.get(String.self, at: "reason")) ?? "", by: .account(account))
        return req.redirect(to: SiteURL.events(), notice: "event_applied", ["name": e.name])
    }

    /// The application named in the path, when `account` may decide about its member (404 otherwise).
    func decidable(_ req: Request, _ account: Account) async throws -> EventApplication {
        let me = try await req.member(of: account)
        guard let a = try await TrainingQueries(db: req.db).application(req.parameters.get("id", as: Int.self)),
              Permissions.mayDecide(account, me: me, about: a.member) else { throw Abort(.notFound) }
        return a
    }

    @Sendable func decide(req: Request) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let a = try await decidable(req, account)
        let approve = ((try? req.content.get(String.self, at: "action")) ?? "") == "approve"
        try await service(req).decide(a, approve: approve, note: (try? req.content.get(String.self, at: "note")) ?? "", by: .account(account))
        return req.redirect(to: SiteURL.events(), notice: approve ? "event_application_approved" : "event_application_declined", ["member": a.member.name, "name": a.event.name])
    }

    @Sendable func withdraw(req: Request) async throws -> Response {
        let account = try req.account
        let me = try await req.member(of: account)
        guard let a = try await TrainingQueries(db: req.db).application(req.parameters.get("id", as: Int.self)), a.$member.id == me?.id else { throw Abort(.notFound) }
        try await service(req).withdraw(a, by: .account(account))
        return req.redirect(to: SiteURL.events(), notice: "event_withdrawn")
    }

    @Sendable func attendance(req: Request) async throws -> Response {
        let account = try req.account(if: PromotionPermissions.mayDecide)
        let a = try await decidable(req, account)
        let came = ((try? req.content.get(String.self, at: "attended")) ?? "") == "yes"
        try await service(req).attendance(a, attended: came, by: .account(account))
        return req.redirect(to: SiteURL.events(), notice: came ? "event_attended_saved" : "event_absent_saved", ["member": a.member.name])
    }
}
