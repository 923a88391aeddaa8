import Fluent
import Foundation

/// Compliance cases kept on a member: opened with a summary, closed once with a resolution; each with
/// its audit entry in the same transaction.
struct ComplianceService {
    let db: any Database
    let clock: JiliClock

    func open(on member: Member, summary text: String, by account: Account) async throws {
        let summary = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        guard !summary.isEmpty else { throw Refusal(key: "case_error_summary", field: "summary") }
        let now = clock.now()
        try await db.transaction { db in
            let c = ComplianceCase()
            c.$member.id = member.id!
            c.summary = summary
            c.openedBy = account.username
            c.openedAt = now
            c.resolution = ""
            try await c.create(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "create", entity: "compliance_case", id: "\(c.id!)",
                                   before: nil, after: ["member": member.code, "summary": summary])
        }
    }

    /// Closes an open case (a closed one stays as it was closed).
    func close(_ c: ComplianceCase, of member: Member, resolution text: String, by account: Account) async throws {
        guard c.closedAt == nil else { return }
        let resolution = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300))
        let now = clock.now()
        try await db.transaction { db in
            c.closedAt = now
            c.closedBy = account.username
            c.resolution = resolution
            try await c.save(on: db)
            try await Audit.record(on: db, at: now, actor: .account(account), action: "close", entity: "compliance_case", id: "\(c.id!)",
                                   before: ["member": member.code, "summary": c.summary], after: ["member": member.code, "resolution": resolution])
        }
    }
}
