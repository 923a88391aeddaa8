import Fluent
import Foundation
import JiliCore
import SQLKit

/// Payouts: a batch pays every member what the ledger owes them (at least a minimum), one transfer
/// each; the ledger entry (payables debited, cash credited) is posted with the batch in one
/// transaction. References are recorded per transfer as the bank or WeChat Pay confirms them.
struct PayoutService {
    let db: any Database
    let clock: JiliClock

    typealias Refusal = OrderService.Refusal

    /// What the ledger owes each member (payable balances below zero), by member code.
    func owed() async throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        for line in try await JournalLine.query(on: db).filter(\.$account =~ "payable:").all() {
            out[String(line.account.dropFirst("payable:".count)), default: 0] -= line.amountFen
        }
        return out.filter { $0.value > 0 }
    }

    func createBatch(minimumFen: Int64, by actor: Actor) async throws -> PayoutBatch {
        let owed = try await owed().filter { $0.value >= max(1, minimumFen) }
        guard !owed.isEmpty else { throw Refusal(key: "payout_error_nothing") }
        let now = clock.now()
        let total = owed.values.reduce(0, +)
        return try await db.transaction { db in
            let batch = PayoutBatch()
            batch.createdAt = now
            batch.createdBy = actor.name
            batch.totalFen = total
            try await batch.create(on: db)
            var lines: [(String, Int64)] = [("cash", -total)]
            for (code, amount) in owed.sorted(by: { $0.key < $1.key }) {
                let t = PayoutTransfer()
                t.$batch.id = batch.id!
                t.memberCode = code
                t.amountFen = amount
                t.reference = ""
                try await t.create(on: db)
                lines.append(("payable:\(code)", amount))
            }
            try await Ledger.post(on: db, at: now, kind: "payout", source: "payout:\(batch.id!)", memo: "payout batch \(batch.id!)", lines: lines)
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "payout_batch", id: "\(batch.id!)", before: nil,
                                   after: ["total": Money(fen: total).description, "transfers": "\(owed.count)"])
            return batch
        }
    }

    func recordReference(transferID: Int, reference: String, by actor: Actor) async throws {
        let text = reference.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.count <= 64 else { throw Refusal(key: "payout_error_reference") }
        guard let t = try await PayoutTransfer.find(transferID, on: db) else { throw Refusal(key: "payout_error_reference") }
        let before = t.reference
        try await db.transaction { db in
            t.reference = text
            try await t.save(on: db)
            try await Audit.record(on: db, at: clock.now(), actor: actor, action: "update", entity: "payout_transfer", id: "\(transferID)",
                                   before: ["reference": before], after: ["reference": text])
        }
    }
}
