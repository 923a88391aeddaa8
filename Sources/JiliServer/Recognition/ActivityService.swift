import Fluent
import Foundation
import SQLKit

/// Counted activities (培训完成, 客户回访, 直播…): the leader names the kinds; managers, the operations
/// director and the leader record how many times a member did one on a day (trainers record
/// training); goals may be set on any kind. A record is one count per member, kind and day: recording
/// it again changes the count (audited).
struct ActivityService {
    let db: any Database
    let clock: JiliClock

    static let maxCount = 10_000

    static func isCode(_ code: String) -> Bool {
        (2...30).contains(code.count) && code.first!.isLetter && code.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }
    }

    func kinds(on db: (any Database)? = nil) async throws -> [ActivityKind] {
        try await ActivityKind.query(on: db ?? self.db).sort(\.$id).all()
    }

    func defineKind(code text: String, name nameText: String, by actor: Actor) async throws -> ActivityKind {
        let code = text.trimmingCharacters(in: .whitespaces), name = nameText.trimmingCharacters(in: .whitespaces)
        guard Self.isCode(code) else { throw Refusal(key: "activity_error_code", values: ["value": code]) }
        guard !name.isEmpty, name.count <= 30 else { throw Refusal(key: "activity_error_name") }
        guard try await ActivityKind.query(on: db).filter(\.$code == code).first() == nil else {
            throw Refusal(key: "activity_error_code_taken", values: ["value": code])
        }
        let now = clock.now()
        let kind = ActivityKind()
        kind.code = code
        kind.name = name
        kind.createdAt = now
        try await db.transaction { db in
            try await kind.create(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "activity_kind", id: code, before: nil, after: ["name": name])
        }
        return kind
    }

    /// Checks a record's values: the kind exists, the day is not after today, the count is 0…10,000.
    func check(kind: String, day: Int64, count: Int, known: Set<String>) -> Refusal? {
        guard known.contains(kind) else { return Refusal(key: "activity_error_kind", values: ["value": kind], field: "kind") }
        guard day <= clock.today else { return Refusal(key: "activity_error_future", values: ["value": Dates.text(day)], field: "day") }
        guard (0...Self.maxCount).contains(count) else { return Refusal(key: "activity_error_count", values: ["value": "\(count)", "max": "\(Self.maxCount)"]) }
        return nil
    }

    /// Adds one to the count of `kind` for `member` on `day`, in the caller's transaction: a course
    /// passed, an industry event attended.
    func addOne(_ member: Member, kind: String, day: Int64, note: String, by actor: Actor, on db: any Database) async throws {
        let now = try await Activity.query(on: db).filter(\.$member.$id == member.id!).filter(\.$kind == kind).filter(\.$day == Dates.text(day)).first()?.count ?? 0
        try await record(member, kind: kind, day: day, count: now + 1, note: note, by: actor, on: db)
    }

    /// Records (or changes) the count of `kind` for `member` on `day` (days since 1970-01-01), with its
    /// audit entry: in the caller's transaction `db`, or in one of its own.
    @discardableResult
    func record(_ member: Member, kind: String, day dayNumber: Int64, count: Int, note: String, by actor: Actor, on db: (any Database)? = nil) async throws -> Activity {
        guard let db else {
            return try await self.db.transaction { try await record(member, kind: kind, day: dayNumber, count: count, note: note, by: actor, on: $0) }
        }
        let day = Dates.text(dayNumber)
        if let refusal = check(kind: kind, day: dayNumber, count: count, known: Set(try await kinds(on: db).map(\.code))) { throw refusal }
        let words = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard words.count <= 200 else { throw Refusal(key: "activity_error_note") }
        let now = clock.now()
        let existing = try await Activity.query(on: db).filter(\.$member.$id == member.id!).filter(\.$kind == kind).filter(\.$day == day).first()
        let a = existing ?? Activity()
        let before = existing.map { ["count": "\($0.count)"] }
        a.$member.id = member.id!
        a.kind = kind
        a.day = day
        a.period = String(day.prefix(7))
        a.count = count
        a.note = words
        a.recordedBy = actor.name
        a.recordedAt = now
        try await a.save(on: db)
        try await Audit.record(on: db, at: now, actor: actor, action: existing == nil ? "create" : "update", entity: "activity",
                               id: "\(member.code):\(kind):\(day)", before: before, after: ["count": "\(count)"])
        return a
    }

    /// The count of `kind` over months, for the members a query on `m` (members) selects.
    static func total(_ sql: any SQLDatabase, kind: String, months: [String]) -> SQLSelectBuilder {
        sql.select().from(SQLAlias(SQLIdentifier(Activity.schema), as: SQLIdentifier("a")))
            .join(SQLAlias(SQLIdentifier("members"), as: SQLIdentifier("m")), on: SQLColumn("id", table: "m"), .equal, SQLColumn("member_id", table: "a"))
            .column(SQLRaw("CAST(COALESCE(SUM(a.count), 0) AS BIGINT)"), as: "n")
            .where(SQLColumn("kind", table: "a"), .equal, SQLBind(kind))
            .where(SQLColumn("period", table: "a"), .in, SQLBind.group(months))
    }
}

/// Activities from a CSV: `member_id,day,kind,count` and an optional `note`. All or nothing, every
/// problem with file and line. A row that is recorded already with the same count is left as it is;
/// with another count it is a problem (change it on the page).
extension ImportService {
    func activities(_ bytes: [UInt8], file: String, service: ActivityService, by actor: Actor, allowed: (Member, String) -> Bool) async throws -> Outcome {
        var outcome = Outcome()
        let rows = self.rows(bytes, file: file, required: ["member_id", "day", "kind", "count"], optional: ["note"], problems: &outcome.problems)
        let codes = Array(Set(rows.compactMap { $0.fields["member_id"]?.trimmingCharacters(in: .whitespaces) }))
        var members: [String: Member] = [:]
        for chunk in stride(from: 0, to: codes.count, by: 500) {
            for m in try await Member.query(on: db).filter(\.$code ~~ Array(codes[chunk..<min(codes.count, chunk + 500)])).all() { members[m.code] = m }
        }
        let known = Set(try await service.kinds().map(\.code))
        var seen: [String: Int] = [:]
        var chosen: [(Member, String, Int64, Int, String)] = []
        for (line, f) in rows {
            func bad(_ key: String, _ values: [String: String] = [:]) { outcome.problems.append(problem(file, line, key, values)) }
            let code = (f["member_id"] ?? "").trimmingCharacters(in: .whitespaces)
            let kind = (f["kind"] ?? "").trimmingCharacters(in: .whitespaces), day = (f["day"] ?? "").trimmingCharacters(in: .whitespaces)
            guard let member = members[code] else { bad("import_unknown_member", ["member": code]); continue }
            guard let count = Int((f["count"] ?? "").trimmingCharacters(in: .whitespaces)) else {
                bad("activity_error_count", ["value": f["count"] ?? "", "max": "\(ActivityService.maxCount)"]); continue
            }
            guard let dayNumber = Dates.day(day) else { bad("activity_error_day", ["value": day]); continue }
            if let refusal = service.check(kind: kind, day: dayNumber, count: count, known: known) { bad(refusal.key, refusal.values); continue }
            if !allowed(member, kind) { bad("activity_error_not_yours", ["member": code]); continue }
            let key = "\(code)\u{1}\(kind)\u{1}\(day)"
            if let first = seen[key] { bad("activity_error_duplicate", ["member": code, "kind": kind, "day": day, "first": "\(first)"]); continue }
            seen[key] = line
            if let existing = try await Activity.query(on: db).filter(\.$member.$id == member.id!).filter(\.$kind == kind).filter(\.$day == day).first() {
                if existing.count != count { bad("activity_error_exists", ["member": code, "kind": kind, "day": day, "count": "\(existing.count)"]) }
                continue
            }
            chosen.append((member, kind, dayNumber, count, f["note"] ?? ""))
        }
        guard outcome.ok, !chosen.isEmpty else { return outcome }
        let rowsToWrite = chosen
        try await db.transaction { db in
            for (member, kind, day, count, note) in rowsToWrite {
                try await service.record(member, kind: kind, day: day, count: count, note: note, by: actor, on: db)
            }
        }
        outcome.added = chosen.count
        return outcome
    }
}
