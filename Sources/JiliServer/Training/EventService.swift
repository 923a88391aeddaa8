import Fluent
import Foundation
import JiliCore
import SQLKit
import Vapor

/// Industry events (行业会议): the leader, the operations director and trainers list external events;
/// members apply until the event's last day to apply; the member's manager (or the leader, the
/// director) approves or declines; after it starts, the one who approves records who attended, once:
/// attending counts as training: a `training` activity on the event's first day, which goals and the
/// points rules on training count (the ladder's `courses` criterion counts courses passed, not this).
struct EventService {
    let db: any Database
    let clock: JiliClock

    var today: Int64 { clock.today }

    /// An event from its first to its last day (days since 1970-01-01); members apply until `applyBy`
    /// (the day before it starts when nil).
    func create(name: String, organizer: String, place: String, startsOn start: Int64, endsOn end: Int64, applyBy: Int64?, link: String, summary: String,
                by actor: Actor) async throws -> IndustryEvent {
        let title = name.trimmingCharacters(in: .whitespaces)
        guard !title.isEmpty, title.count <= 80 else { throw Refusal(key: "event_error_name") }
        let host = organizer.trimmingCharacters(in: .whitespaces)
        guard host.count <= 80 else { throw Refusal(key: "event_error_organizer") }
        let where_ = place.trimmingCharacters(in: .whitespaces)
        guard !where_.isEmpty, where_.count <= 120 else { throw Refusal(key: "event_error_place") }
        let last = applyBy ?? start - 1
        guard end >= start else { throw Refusal(key: "event_error_days") }
        guard start > today else { throw Refusal(key: "event_error_past") }
        guard last >= today, last <= start else { throw Refusal(key: "event_error_apply_by") }
        let url = link.trimmingCharacters(in: .whitespaces)
        if !url.isEmpty {
            guard let u = URL(string: url), u.scheme == "https", u.host != nil, url.count <= 300 else { throw Refusal(key: "event_error_link", values: ["value": url]) }
        }
        let e = IndustryEvent()
        e.name = title
        e.organizer = host
        e.place = where_
        e.startsOn = Dates.text(start)
        e.endsOn = Dates.text(end)
        e.applyBy = Dates.text(last)
        e.link = url
        e.summary = String(summary.trimmingCharacters(in: .whitespacesAndNewlines).prefix(2_000))
        e.createdAt = clock.now()
        try await db.transaction { db in
            try await e.create(on: db)
            try await Audit.record(on: db, at: e.createdAt, actor: actor, action: "create", entity: "industry_event", id: "\(e.id!)", before: nil,
                                   after: ["name": title, "starts_on": e.startsOn, "place": where_])
        }
        return e
    }


    /// A member applies (again, after withdrawing or being declined) until the day to apply by.
    func apply(_ event: IndustryEvent, member: Member, reason: String, by actor: Actor) async throws -> EventApplication {
        guard today <= Dates.day(event.applyBy)! else { throw Refusal(key: "event_error_closed", values: ["day": event.applyBy]) }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard why.count <= 500 else { throw Refusal(key: "event_error_reason") }
        return try await db.transaction { db in
            let existing = try await EventApplication.query(on: db).filter(\.$event.$id == event.id!).filter(\.$member.$id == member.id!).first()
            if let a = existing, [.requested, .approved].contains(a.status) { throw Refusal(key: "event_error_applied") }
            let a = existing ?? EventApplication()
            a.$event.id = event.id!
            a.$member.id = member.id!
            a.reason = why
            a.status = .requested
            a.requestedAt = clock.now()
            a.decidedBy = nil
            a.decidedAt = nil
            a.note = ""
            a.attended = nil
            try await a.save(on: db)
            try await Audit.record(on: db, at: a.requestedAt, actor: actor, action: "apply", entity: "industry_event", id: "\(event.id!)", before: nil,
                                   after: ["member": member.code])
            return a
        }
    }

    /// Approves or declines a requested application, once.
    func decide(_ a: EventApplication, approve: Bool, note: String, by actor: Actor) async throws {
        let words = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard words.count <= 500 else { throw Refusal(key: "event_error_reason") }
        let event = try await a.$event.get(on: db)
        let to: EventApplication.Status = approve ? .approved : .declined
        try await move(a, from: [.requested], to: to, by: actor) { db, sql, now in
            try await sql.raw("UPDATE event_applications SET decided_by = \(bind: actor.name), decided_at = \(bind: now), note = \(bind: words) WHERE id = \(bind: a.id!)").run()
            try await Notices.tell(a.$member.id, message: approve ? "notice_event_approved" : "notice_event_declined", values: ["event": event.name, "note": words],
                                   link: SiteURL.events(), event: "event:\(a.id!):\(to):\(a.requestedAt.timeIntervalSince1970)", at: now, on: db)
        }
    }

    /// The member withdraws before the event starts.
    func withdraw(_ a: EventApplication, by actor: Actor) async throws {
        let event = try await a.$event.get(on: db)
        guard today < Dates.day(event.startsOn)! else { throw Refusal(key: "event_error_started") }
        try await move(a, from: [.requested, .approved], to: .withdrawn, by: actor) { _, _, _ in }
    }

    /// Records, once, whether an approved applicant attended (from the event's first day): attending
    /// adds one `training` activity on that day, in the same transaction.
    func attendance(_ a: EventApplication, attended: Bool, by actor: Actor) async throws {
        let event = try await a.$event.get(on: db)
        guard today >= Dates.day(event.startsOn)! else { throw Refusal(key: "event_error_not_started") }
        let member = try await a.$member.get(on: db)
        let now = clock.now()
        try await db.transaction { db in
            let sql = db.sql
            let won = try await sql.raw("""
                UPDATE event_applications SET attended = \(bind: attended) WHERE id = \(bind: a.id!) AND status = \(bind: EventApplication.Status.approved.rawValue) AND attended IS NULL RETURNING id
                """).all()
            guard won.count == 1 else { throw Refusal(key: "event_error_attendance") }
            if attended {
                try await ActivityService(db: db, clock: clock).addOne(member, kind: "training", day: Dates.day(event.startsOn) ?? clock.today, note: event.name, by: actor, on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "attendance", entity: "industry_event", id: "\(event.id!)", before: nil,
                                   after: ["member": member.code, "attended": attended ? "yes" : "no"])
        }
        a.attended = attended
    }

    private func move(_ a: EventApplication, from: [EventApplication.Status], to: EventApplication.Status, by actor: Actor,
                      set: @escaping @Sendable (any Database, any SQLDatabase, Date) async throws -> Void) async throws {
        try await StatusStep.take(on: db, table: EventApplication.schema, id: a.id!, from: from, to: to, refusal: "event_error_status", at: clock.now(),
                                  audit: (actor, "event_application", a.status, [:]), set: set)
        a.status = to
    }
}
