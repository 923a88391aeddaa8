import Crypto
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

    /// What the ledger owes each member (payable balances below zero), by member code.
    func owed(on database: (any Database)? = nil) async throws -> [String: Int64] {
        // The kept balances, one row per member (not every line of every month added up).
        try await Ledger(db: database ?? db).owed()
    }

    /// What the ledger owes one member (0 when nothing).
    func owed(of code: String) async throws -> Int64 {
        max(0, -(try await Ledger(db: db).balance("payable:" + code)))
    }

    /// What of each member's payable is study claims paid back and not yet paid out (not income,
    /// never taxed): every approved claim the ledger owes them, less what earlier transfers paid of them.
    func reimbursements(on db: any Database) async throws -> [String: Int64] {
        let sql = db.sql
        struct Row: Decodable { let account: String; let total: Int64 }
        var out: [String: Int64] = [:]
        for r in try await sql.raw("""
            SELECT l.account AS account, CAST(SUM(l.amount_fen) AS BIGINT) AS total FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
            WHERE e.kind = 'study' AND l.account LIKE 'payable:%' GROUP BY l.account
            """).all(decoding: Row.self) {
            out[String(r.account.dropFirst("payable:".count)), default: 0] -= r.total
        }
        guard !out.isEmpty else { return [:] }
        for t in try await PayoutTransfer.query(on: db).filter(\.$untaxedFen > 0).all() where out[t.memberCode] != nil {
            out[t.memberCode]! -= t.untaxedFen
        }
        return out.filter { $0.value > 0 }
    }

    /// Pays what the ledger owes every member with at least `minimumFen`. With `withholdTax`,
    /// individual income tax on 劳务报酬 is withheld at the statutory pre-withholding rates on the
    /// member's payments of the month taken together — less study claims paid back, which are not
    /// income; the ledger then reads: payables debited with what is settled, cash credited with what
    /// is transferred, `tax:iit_withheld` with the tax.
    /// What a batch would pay: one transfer per member owed at least the minimum, with the tax of
    /// each; members with a question about their pay still open are held back unless included.
    struct Plan {
        var transfers: [PayoutTransfer] = []
        var total: Int64 = 0
        var tax: Int64 = 0
        /// Members held back for an open question, with what they are owed.
        var heldBack: [String: Int64] = [:]

        /// What the preview showed, in a few characters: who is paid, how much and what tax, and who
        /// is held back. The confirmation carries it, so the batch made is the batch that was read.
        var fingerprint: String {
            let paid = transfers.map { "\($0.memberCode):\($0.amountFen):\($0.taxFen)" }.joined(separator: ",")
            let held = heldBack.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            let digest = SHA256.hash(data: Data("\(transfers.count)|\(total)|\(tax)|\(paid)|\(held)".utf8))
            return digest.prefix(12).map { String(format: "%02x", $0) }.joined()
        }
    }

    func plan(minimumFen: Int64, withholdTax: Bool, includeDisputed: Bool, on db: any Database) async throws -> Plan {
        let owed = try await owed(on: db).filter { $0.value >= max(1, minimumFen) }
        let disputed = Set(try await Dispute.query(on: db).filter(\.$status == .open).all(\.$memberCode))
        let month = clock.period(of: clock.now()).description
        // Earlier payments of this month, for taxing the month's income together.
        var paid: [String: (gross: Int64, tax: Int64)] = [:]
        for t in try await PayoutTransfer.query(on: db).filter(\.$month == month).all() {
            paid[t.memberCode, default: (0, 0)].gross += t.amountFen - t.untaxedFen
            paid[t.memberCode, default: (0, 0)].tax += t.taxFen
        }
        let reimbursed = try await reimbursements(on: db)
        var plan = Plan()
        for (code, amount) in owed.sorted(by: { $0.key < $1.key }) {
            if disputed.contains(code) && !includeDisputed {
                plan.heldBack[code] = amount
                continue
            }
            let t = PayoutTransfer()
            t.memberCode = code
            t.amountFen = amount
            t.month = month
            t.untaxedFen = min(amount, reimbursed[code] ?? 0)
            let before = paid[code] ?? (0, 0)
            t.taxFen = withholdTax ? LaborIncomeTax.withholding(paymentFen: amount - t.untaxedFen, monthPaidFen: before.gross, monthWithheldFen: before.tax) : 0
            t.reference = ""
            plan.transfers.append(t)
            plan.total += amount
            plan.tax += t.taxFen
        }
        return plan
    }

    /// What a batch made now would pay, without making it (the page's preview).
    func preview(minimumFen: Int64, withholdTax: Bool, includeDisputed: Bool) async throws -> Plan {
        try await plan(minimumFen: minimumFen, withholdTax: withholdTax, includeDisputed: includeDisputed, on: db)
    }

    /// Makes the batch. With `fingerprint` (``Plan/fingerprint`` of the preview read), a batch that
    /// would now pay other people or other amounts is refused, with what it would pay, and nothing is made.
    func createBatch(minimumFen: Int64, withholdTax: Bool, includeDisputed: Bool = false, fingerprint: String? = nil,
                     by actor: Actor) async throws -> PayoutBatch {
        let now = clock.now()
        return try await db.transaction { db in
            // One batch at a time: on PostgreSQL a second one made meanwhile waits here, then reads the
            // balances the first paid (on SQLite, a second writer from an older read is refused).
            let sql = db.sql
            if sql.dialect.name == "postgresql" {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(bind: InstanceLock.key("payout-batch")))").run()
            }
            let plan = try await plan(minimumFen: minimumFen, withholdTax: withholdTax, includeDisputed: includeDisputed, on: db)
            guard !plan.transfers.isEmpty else { throw Refusal(key: "payout_error_nothing") }
            if let fingerprint, fingerprint != plan.fingerprint {
                throw Refusal(key: "payout_error_changed", values: ["people": "\(plan.transfers.count)", "total": Money(fen: plan.total).display],
                              status: .conflict)
            }
            let batch = PayoutBatch()
            batch.createdAt = now
            batch.createdBy = actor.name
            batch.totalFen = plan.total
            batch.withholdsTax = withholdTax
            try await batch.create(on: db)
            for t in plan.transfers { t.$batch.id = batch.id! }
            try await BatchInsert.insert(plan.transfers, on: db)
            let lines: [(String, Int64)] = plan.transfers.map { ("payable:\($0.memberCode)", $0.amountFen) }
                + [("cash", -(plan.total - plan.tax)), ("tax:iit_withheld", -plan.tax)]
            try await Ledger.post(on: db, at: now, kind: "payout", source: "payout:\(batch.id!)", memo: "payout batch \(batch.id!)", lines: lines)
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "payout_batch", id: "\(batch.id!)", before: nil,
                                   after: ["total": Money(fen: plan.total).description, "tax_withheld": Money(fen: plan.tax).description,
                                           "transfers": "\(plan.transfers.count)", "held_back": "\(plan.heldBack.count)"])
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
            // The money has left: the member is told once, with what reaches them after tax.
            if before.isEmpty, let member = try await Member.query(on: db).filter(\.$code == t.memberCode).first() {
                try await Notices.tell(member.id!, message: "notice_payout_made",
                                       values: ["net": Money(fen: t.netFen).display, "tax": Money(fen: t.taxFen).display, "reference": text],
                                       link: SiteURL.balance(), event: "payout_made:\(transferID)", at: clock.now(), on: db)
            }
        }
    }
}
