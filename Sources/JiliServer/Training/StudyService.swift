import Fluent
import Foundation
import JiliCore
import SQLKit
import Vapor

/// Study support (报销学习费用): yearly limits, claims with a receipt that the member's manager and then
/// finance approve, paid through the ledger with the next payout. A claim counts against the limit of
/// the year of its expense from when it is made (refused and withdrawn claims give it back); the limit
/// is checked when the claim is made and again, in the transaction that pays it, when finance approves.
struct StudyService {
    let db: any Database
    let clock: JiliClock
    var files: String = ""
    static let kinds = ["course", "conference", "book", "other"]
    /// Statuses that hold part of the year's limit.
    static let holding: [StudyClaim.Status] = [.submitted, .managerApproved, .approved]
    static let maxFen: Int64 = 100_000_000

    // MARK: Limits

    /// Every yearly limit by scope: `member:m10`, a tier's name, "" for everyone else.
    func limits(on db: (any Database)? = nil) async throws -> [String: Int64] {
        Dictionary(try await StudyLimit.query(on: db ?? self.db).all().map { ($0.scope, $0.yearlyFen) }, uniquingKeysWith: { a, _ in a })
    }

    /// The limit that applies to `member`: their own, else their tier's, else everyone's; nil when none is set.
    func limit(for member: Member, on db: (any Database)? = nil) async throws -> Int64? {
        let all = try await limits(on: db)
        return all["member:" + member.code] ?? all[member.tier] ?? all[""]
    }

    /// Limits as a form gives them (amounts in yuan; blank removes one), by scope: "" for everyone, a
    /// tier's name, or `member:CODE` for one member; checked into fen (nil: remove).
    static func limits(from amounts: [String: String], tiers: [String]) throws -> [String: Int64?] {
        var parsed: [String: Int64?] = [:]
        for (scope, text) in amounts {
            if !scope.hasPrefix("member:") {
                guard scope.isEmpty || tiers.contains(scope) else { throw Refusal(key: "study_error_tier", values: ["tier": scope]) }
            }
            let typed = text.trimmingCharacters(in: .whitespaces)
            if typed.isEmpty { parsed[scope] = .some(nil); continue }
            guard let fen = try? FormValue.fen(typed, field: "", refusal: ""), (0...Self.maxFen).contains(fen) else {
                throw Refusal(key: "study_error_limit", values: ["tier": scope.isEmpty ? "*" : scope, "value": typed])
            }
            parsed[scope] = .some(fen)
        }
        return parsed
    }

    /// Sets limits in fen by scope (nil removes one). All are checked before any is written; the change
    /// is audited.
    func setLimits(_ parsed: [String: Int64?], by actor: Actor) async throws {
        for scope in parsed.keys where scope.hasPrefix("member:") {
            let code = String(scope.dropFirst("member:".count))
            guard try await TeamQueries(db: db).member(code: code) != nil else { throw Refusal(key: "study_error_member", values: ["code": code]) }
        }
        let before = try await limits()
        let now = clock.now()
        let changes = parsed
        try await db.transaction { db in
            for (scope, fen) in changes {
                let row = try await StudyLimit.query(on: db).filter(\.$scope == scope).first()
                if let fen {
                    let r = row ?? StudyLimit()
                    r.scope = scope
                    r.yearlyFen = fen
                    r.updatedAt = now
                    try await r.save(on: db)
                } else if let row {
                    try await row.delete(on: db)
                }
            }
            let after = try await StudyLimit.query(on: db).all()
            try await Audit.record(on: db, at: now, actor: actor, action: "update", entity: "study_limits", id: "-",
                                   before: Dictionary(uniqueKeysWithValues: before.map { ($0.key.isEmpty ? "*" : $0.key, Money(fen: $0.value).description) }),
                                   after: Dictionary(uniqueKeysWithValues: after.map { ($0.scope.isEmpty ? "*" : $0.scope, Money(fen: $0.yearlyFen).description) }))
        }
    }

    struct Allowance: Equatable {
        var year: Int
        var limitFen: Int64?
        /// Approved claims of the year.
        var paidFen: Int64
        /// Claims of the year still being decided.
        var pendingFen: Int64
        var leftFen: Int64 { max(0, (limitFen ?? 0) - paidFen - pendingFen) }
    }

    /// What `member` may still claim for `year`.
    func allowance(_ member: Member, year: Int, on db: (any Database)? = nil) async throws -> Allowance {
        let claims = try await StudyClaim.query(on: db ?? self.db).filter(\.$member.$id == member.id!).filter(\.$year == year)
            .filter(\.$status ~~ Self.holding).all()
        return Allowance(year: year, limitFen: try await limit(for: member, on: db),
                         paidFen: claims.filter { $0.status == .approved }.reduce(0) { $0 + $1.amountFen },
                         pendingFen: claims.filter { $0.status != .approved }.reduce(0) { $0 + $1.amountFen })
    }

    // MARK: Claims

    /// A member claims a study expense. Refused, with nothing stored: a missing or unknown kind, an empty
    /// title, a day that is not a date, in the future or more than a year ago, an amount that is not a
    /// positive amount in yuan, a receipt that is not a photo or a PDF of at most 5 MB, no limit set, or
    /// more than what is left of the year's limit.
    /// A claim as its form gives it, every field as typed.
    struct ClaimForm: Sendable {
        var kind: String
        var title: String
        var spentOn: String
        var amount: String

        /// The claim, checked against `today`; a refusal names the first field that is wrong.
        func parsed(today: Int64) throws -> Claim {
            guard StudyService.kinds.contains(kind) else { throw Refusal(key: "claim_error_kind", field: "kind") }
            let name = title.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 120 else { throw Refusal(key: "claim_error_title", field: "title") }
            guard let day = Dates.day(spentOn) else { throw Refusal(key: "claim_error_day", values: ["value": spentOn], field: "spent_on") }
            guard day <= today, day >= today - 365 else { throw Refusal(key: "claim_error_day_range", values: ["value": spentOn], field: "spent_on") }
            let fen = try FormValue.fen(amount, field: "amount", refusal: "claim_error_amount")
            guard fen > 0, fen <= StudyService.maxFen else { throw Refusal(key: "claim_error_amount", values: ["value": amount], field: "amount") }
            let spent = spentOn.trimmingCharacters(in: .whitespaces)
            return Claim(kind: kind, title: name, spentOn: spent, year: Int(spent.prefix(4))!, amountFen: fen)
        }
    }

    /// A study expense: its kind (one of `kinds`), what it was, the day (`2026-11-20`) and its year, the amount in fen.
    struct Claim: Sendable {
        var kind: String
        var title: String
        var spentOn: String
        var year: Int
        var amountFen: Int64
    }

    func claim(by member: Member, _ input: Claim, receipt: [UInt8]?, event: IndustryEvent? = nil, by actor: Actor) async throws -> StudyClaim {
        let (kind, name, fen, year) = (input.kind, input.title, input.amountFen, input.year)
        guard let bytes = receipt, !bytes.isEmpty else { throw Refusal(key: "claim_error_receipt", field: "receipt") }
        try await checkLimit(member, year: year, adding: fen, on: db)
        let store = Uploads.receipts(files: files)
        let stored: String
        stored = try store.store(bytes)
        let c = StudyClaim()
        c.$member.id = member.id!
        c.kind = kind
        c.title = name
        c.spentOn = input.spentOn
        c.year = year
        c.amountFen = fen
        c.receipt = stored
        c.$event.id = event?.id
        c.status = .submitted
        c.createdAt = clock.now()
        c.note = ""
        do {
            try await db.transaction { db in
                // Checked again inside the write: two claims made at once cannot both take the last of the limit.
                try await checkLimit(member, year: year, adding: fen, on: db)
                try await c.create(on: db)
                try await Audit.record(on: db, at: c.createdAt, actor: actor, action: "create", entity: "study_claim", id: "\(c.id!)", before: nil,
                                       after: ["member": member.code, "amount": Money(fen: fen).description, "title": name, "spent_on": c.spentOn])
            }
        } catch {
            store.remove(stored)
            throw error
        }
        return c
    }

    func checkLimit(_ member: Member, year: Int, adding fen: Int64, on db: any Database) async throws {
        let a = try await allowance(member, year: year, on: db)
        guard let limit = a.limitFen else { throw Refusal(key: "claim_error_no_limit") }
        guard a.paidFen + a.pendingFen + fen <= limit else {
            throw Refusal(key: "claim_error_limit", values: ["year": "\(year)", "limit": Money(fen: limit).display,
                                                            "used": Money(fen: a.paidFen + a.pendingFen).display, "left": Money(fen: a.leftFen).display])
        }
    }


    /// The manager's approval: `submitted` → `manager_approved`.
    func approveAsManager(_ c: StudyClaim, by account: Account) async throws {
        let actor = Actor.account(account)
        try await move(c, from: [.submitted], to: .managerApproved, by: actor, set: { db, sql, now in
            try await sql.raw("""
                UPDATE study_claims SET manager_by = \(bind: actor.name), manager_at = \(bind: now), manager_account = \(bind: account.id) WHERE id = \(bind: c.id!)
                """).run()
        })
        c.managerAccount = account.id
    }

    /// Finance's approval: `manager_approved` → `approved`; in the same transaction the year's limit is
    /// checked again and the ledger owes the member the amount (study expense debited, the member's
    /// payable credited), which the next payout pays.
    func approveAsFinance(_ c: StudyClaim, by account: Account) async throws {
        let actor = Actor.account(account)
        let member = try await c.$member.get(on: db)
        try await move(c, from: [.managerApproved], to: .approved, by: actor, set: { db, sql, now in
            try await sql.raw("UPDATE study_claims SET finance_by = \(bind: actor.name), finance_at = \(bind: now) WHERE id = \(bind: c.id!)").run()
            // This claim already holds its part of the limit: what the others hold and it must fit.
            try await checkLimit(member, year: c.year, adding: 0, on: db)
            try await Ledger.post(on: db, at: now, kind: "study", source: "study_claim:\(c.id!)", memo: "study claim \(c.id!) \(c.title)",
                                  lines: [("expense:study", c.amountFen), ("payable:\(member.code)", -c.amountFen)])
            try await Notices.tell(member.id!, message: "notice_claim_approved", values: ["title": c.title, "amount": Money(fen: c.amountFen).display],
                                   link: SiteURL.claims(), event: "claim:\(c.id!):approved", at: now, on: db)
        })
    }

    /// Refused by the manager or by finance, with the reason the member is told.
    func refuse(_ c: StudyClaim, reason: String, by actor: Actor) async throws {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty, why.count <= 500 else { throw Refusal(key: "claim_error_reason") }
        try await move(c, from: [.submitted, .managerApproved], to: .refused, by: actor, set: { db, sql, now in
            try await sql.raw("UPDATE study_claims SET refused_by = \(bind: actor.name), refused_at = \(bind: now), note = \(bind: why) WHERE id = \(bind: c.id!)").run()
            try await Notices.tell(c.$member.id, message: "notice_claim_refused", values: ["title": c.title, "reason": why],
                                   link: SiteURL.claims(), event: "claim:\(c.id!):refused", at: now, on: db)
        })
    }

    /// The member withdraws their claim before finance has decided.
    func withdraw(_ c: StudyClaim, by actor: Actor) async throws {
        try await move(c, from: [.submitted, .managerApproved], to: .withdrawn, by: actor, set: { _, _, _ in })
    }

    private func move(_ c: StudyClaim, from: [StudyClaim.Status], to: StudyClaim.Status, by actor: Actor,
                      set: @escaping @Sendable (any Database, any SQLDatabase, Date) async throws -> Void) async throws {
        try await StatusStep.take(on: db, table: StudyClaim.schema, id: c.id!, from: from, to: to, refusal: "claim_error_status", at: clock.now(),
                                  audit: (actor, "study_claim", c.status, ["amount": Money(fen: c.amountFen).description]), set: set)
        c.status = to
    }
}
