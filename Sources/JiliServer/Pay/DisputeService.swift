import Fluent
import Foundation
import JiliCore

/// Disputes: a member questions a statement line; finance or the leader answers with an
/// explanation, or with an adjustment posted to the ledger (expense debited, the member's payable
/// credited) — audited either way.
struct DisputeService {
    let db: any Database
    let clock: JiliClock

    func raise(member: String, period month: Period, rule: String, line: String? = nil, message: String, by actor: Actor) async throws -> Dispute {
        let period = month.description
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 1000 else { throw Refusal(key: "dispute_error_message", field: "message") }
        let quoted = line?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)
        guard try await PayRun.query(on: db).filter(\.$period == period).filter(\.$status == .approved).first() != nil else {
            throw Refusal(key: "dispute_error_month")
        }
        let d = Dispute()
        d.memberCode = member
        d.period = period
        d.rule = rule
        d.message = text
        d.line = quoted.flatMap { $0.isEmpty ? nil : String($0) }
        d.status = .open
        d.adjustmentFen = 0
        d.createdAt = clock.now()
        try await db.transaction { db in
            try await d.create(on: db)
            try await Audit.record(on: db, at: d.createdAt, actor: actor, action: "raise", entity: "dispute", id: "\(d.id!)", before: nil,
                                   after: ["member": member, "period": period, "rule": rule])
        }
        return d
    }

    /// Answers an open dispute; a non-zero adjustment is posted to the ledger in the same transaction.
    func answer(_ d: Dispute, text: String, adjustmentFen: Int64, by actor: Actor) async throws {
        let answer = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard d.status == .open else { throw Refusal(key: "dispute_error_closed") }
        guard !answer.isEmpty else { throw Refusal(key: "dispute_error_message", field: "answer") }
        guard abs(adjustmentFen) <= OrderService.maximumFen else { throw Refusal(key: "dispute_error_message") }
        let now = clock.now()
        try await db.transaction { db in
            d.answer = answer
            d.answeredBy = actor.name
            d.adjustmentFen = adjustmentFen
            d.status = adjustmentFen == 0 ? .explained : .adjusted
            try await d.save(on: db)
            if adjustmentFen != 0 {
                try await Ledger.post(on: db, at: now, kind: "adjustment", source: "dispute:\(d.id!)", memo: "dispute \(d.id!) on \(d.period) \(d.rule)",
                                      lines: [("expense:adjustment", adjustmentFen), ("payable:\(d.memberCode)", -adjustmentFen)])
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "answer", entity: "dispute", id: "\(d.id!)", before: ["status": Dispute.Status.open.rawValue],
                                   after: ["status": d.status.rawValue, "adjustment": Money(fen: adjustmentFen).description])
            // The member is told, on Jili and on WeChat, with the way to the answer.
            if let member = try await Member.query(on: db).filter(\.$code == d.memberCode).first() {
                try await Notices.tell(member.id!, message: adjustmentFen == 0 ? "notice_dispute_answered" : "notice_dispute_adjusted",
                                       values: ["period": d.period, "adjustment": Money(fen: adjustmentFen).display],
                                       link: SiteURL.statement(d.period), event: "dispute_answered:\(d.id!)", at: now, on: db)
            }
        }
    }
}
