import Fluent
import Foundation
import JiliCore
import SQLKit

/// The rewards catalogue and redemptions. A redemption spends the points and reserves a unit in one
/// transaction — the unit by a conditional update (never more reserved than in stock), the points
/// through ``PointsLedger`` (never more than the balance) — so two members racing for the last item,
/// or two redemptions for the last points, cannot both succeed. Handing over deducts the unit (cash
/// is entered in the ledger); cancelling or declining gives back the points and the unit.
struct RewardService {
    let db: any Database
    let clock: JiliClock

    static let kinds = ["product", "prize", "cash", "privilege", "leave"]

    /// A catalogue item as its form gives it, every field as typed.
    struct ItemForm: Sendable {
        var name: String
        var kind: String
        var text: String
        var price: String
        var stock: String
        var needsApproval: Bool
        var productCode: String
        var cash: String
        var days: String
        var trainingPriority = false

        /// The item, checked; a refusal names the first field that is wrong.
        func parsed() throws -> Item {
            let name = name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 60 else { throw Refusal(key: "reward_error_name", field: "name") }
            guard RewardService.kinds.contains(kind) else { throw Refusal(key: "reward_error_kind", field: "kind") }
            guard let price = Int64(price.trimmingCharacters(in: .whitespaces)), price > 0, price <= 100_000_000 else {
                throw Refusal(key: "reward_error_price", values: ["value": self.price], field: "price")
            }
            var item = Item(name: name, kind: kind, text: text.trimmingCharacters(in: .whitespacesAndNewlines), price: price, needsApproval: needsApproval)
            if ["product", "prize"].contains(kind) {
                guard let s = Int(stock.trimmingCharacters(in: .whitespaces)), s >= 0, s <= 1_000_000 else {
                    throw Refusal(key: "reward_error_stock", values: ["value": stock], field: "stock")
                }
                item.stock = s
            }
            if kind == "product" { item.productCode = productCode.trimmingCharacters(in: .whitespaces) }
            if kind == "cash" {
                let fen = try FormValue.fen(cash, field: "cash", refusal: "reward_error_cash")
                guard fen > 0, fen <= OrderService.maximumFen else { throw Refusal(key: "reward_error_cash", values: ["value": cash], field: "cash") }
                item.cashFen = fen
            }
            if ["privilege", "leave"].contains(kind) {
                guard let d = Int(days.trimmingCharacters(in: .whitespaces)), (1...365).contains(d) else {
                    throw Refusal(key: "reward_error_days", values: ["value": days], field: "days")
                }
                item.days = d
            }
            item.trainingPriority = kind == "privilege" && trainingPriority
            return item
        }
    }

    /// A catalogue item: a kind of `kinds`, its price in points, the stock of a product or a prize, the
    /// product it is, the cash it pays (fen), the days a privilege or leave lasts.
    struct Item: Sendable {
        var name: String
        var kind: String
        var text = ""
        var price: Int64
        var stock: Int?
        var needsApproval = false
        var productCode: String?
        var cashFen: Int64 = 0
        var days = 0
        var trainingPriority = false
    }

    /// A new catalogue item; audited.
    func create(_ input: Item, by actor: Actor) async throws -> RewardItem {
        var product: Product?
        if let code = input.productCode {
            guard let p = try await CommerceQueries(db: db).product(code: code) else { throw Refusal(key: "reward_error_product", values: ["value": code], field: "product") }
            product = p
        }
        let (name, price, stock, cash, days) = (input.name, input.price, input.stock, input.cashFen, input.days)
        let now = clock.now()
        let chosenStock = stock
        let item = RewardItem()
        item.name = name
        item.kind = input.kind
        item.text = input.text
        item.price = price
        item.stock = stock
        item.reserved = 0
        item.needsApproval = input.needsApproval
        item.$product.id = product?.id
        item.cashFen = cash
        item.days = days
        item.trainingPriority = input.trainingPriority
        item.active = true
        item.createdAt = now
        try await db.transaction { db in
            try await item.create(on: db)
            try await Audit.record(on: db, at: now, actor: actor, action: "create", entity: "reward_item", id: "\(item.id!)", before: nil,
                                   after: ["name": name, "kind": input.kind, "price": "\(price)", "stock": chosenStock.map { "\($0)" } ?? ""])
        }
        return item
    }

    // MARK: Redemptions

    static func parts(_ spending: PointsAccount.Spending) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: spending.parts.map { [$0.lotID, $0.points] }), as: UTF8.self)
    }

    static func spending(_ r: Redemption) -> PointsAccount.Spending {
        let pairs = (try? JSONSerialization.jsonObject(with: Data(r.parts.utf8))) as? [[Int64]] ?? []
        return PointsAccount.Spending(reference: "redemption:\(r.id!)", parts: pairs.filter { $0.count == 2 }.map { ($0[0], $0[1]) })
    }

    /// Redeems one unit of `item` for `member`: the points spent and the unit reserved together.
    func redeem(_ item: RewardItem, for member: Member, by actor: Actor) async throws -> Redemption {
        guard item.active else { throw Refusal(key: "reward_error_inactive") }
        let now = clock.now()
        let ledger = PointsLedger(db: db, clock: clock)
        do {
            return try await PointsLedger.retrying {
                try await db.transaction { db in
                    let sql = db.sql
                    if item.stock != nil {
                        let reserved = try await sql.raw("""
                            UPDATE reward_items SET reserved = reserved + 1
                            WHERE id = \(bind: item.id!) AND stock IS NOT NULL AND stock - reserved >= 1 RETURNING id
                            """).all()
                        guard reserved.count == 1 else { throw Refusal(key: "reward_error_sold_out", values: ["name": item.name]) }
                    }
                    let r = Redemption()
                    r.$member.id = member.id!
                    r.$item.id = item.id!
                    r.points = item.price
                    r.parts = "[]"
                    r.status = item.needsApproval ? .requested : .approved
                    r.createdAt = now
                    try await r.create(on: db)
                    let reference = "redemption:\(r.id!)"
                    let price = item.price, name = item.name
                    let spent = try await ledger.changeWithin([member.id!], on: db) { _, account, _ in
                        let (spending, moves) = try account.spend(price, at: PointsLedger.instant(now), reference: reference)
                        return (spending, moves.map { ($0, $0.kind == .spend ? PointsLedger.Reason(key: "points_reason_redeem", values: ["item": name])
                                                                           : PointsLedger.expiredReason) })
                    }
                    r.parts = Self.parts(spent[member.id!]!)
                    try await r.save(on: db)
                    try await Audit.record(on: db, at: now, actor: actor, action: "redeem", entity: "redemption", id: "\(r.id!)", before: nil,
                                           after: ["member": member.code, "item": name, "points": "\(price)", "status": r.status.rawValue])
                    return r
                }
            }
        } catch PointsAccount.Refusal.notEnough(let asked, let available) {
            throw Refusal(key: "reward_error_points", values: ["price": "\(asked)", "balance": "\(available)"])
        }
    }

    /// A catalogue item given as a prize (a contest's), on `db` — the caller's transaction: a
    /// redemption of 0 points, approved, for the warehouse to hand over. The unit is reserved even when
    /// the stock is short (the prize is owed; members then find the item sold out until it is restocked).
    func award(_ item: RewardItem, to member: Member, reference: String, by actor: Actor) async throws {
        let now = clock.now()
        if item.stock != nil {
            let sql = db.sql
            try await sql.raw("UPDATE reward_items SET reserved = reserved + 1 WHERE id = \(bind: item.id!)").run()
        }
        let r = Redemption()
        r.$member.id = member.id!
        r.$item.id = item.id!
        r.points = 0
        r.parts = "[]"
        r.status = .approved
        r.createdAt = now
        try await r.create(on: db)
        try await Audit.record(on: db, at: now, actor: actor, action: "award", entity: "redemption", id: "\(r.id!)", before: nil,
                               after: ["member": member.code, "item": item.name, "for": reference])
    }

    /// Approves a requested redemption (the leader, the director, a manager of the member).
    func approve(_ r: Redemption, by actor: Actor) async throws {
        try await move(r, from: [.requested], to: .approved, by: actor)
    }

    /// Hands over an approved redemption: the unit leaves the stock; cash is entered in the ledger.
    func handOver(_ r: Redemption, by actor: Actor) async throws {
        let item = try await r.$item.get(on: db)
        let member = try await r.$member.get(on: db)
        try await move(r, from: [.approved], to: .handedOver, by: actor) { db, now in
            if item.stock != nil {
                let sql = db.sql
                try await sql.raw("UPDATE reward_items SET stock = stock - 1, reserved = reserved - 1 WHERE id = \(bind: item.id!)").run()
            }
            if item.kind == "cash" {
                try await Ledger.post(on: db, at: now, kind: "reward", source: "redemption:\(r.id!)", memo: "reward \(item.name)",
                                      lines: [("expense:reward", item.cashFen), ("payable:\(member.code)", -item.cashFen)])
            }
        }
    }

    /// Cancels (the member, before it is handed over) or declines (who approves) a redemption: the
    /// points go back to their lots and the unit back to the stock.
    func undo(_ r: Redemption, to status: Redemption.Status, by actor: Actor) async throws {
        let item = try await r.$item.get(on: db)
        let spending = Self.spending(r)
        let ledger = PointsLedger(db: db, clock: clock)
        let memberID = r.$member.id
        try await move(r, from: [.requested, .approved], to: status, by: actor) { db, now in
            if item.stock != nil {
                let sql = db.sql
                try await sql.raw("UPDATE reward_items SET reserved = reserved - 1 WHERE id = \(bind: item.id!)").run()
            }
            let key = status == .declined ? "points_reason_declined" : "points_reason_cancelled"
            _ = try await ledger.changeWithin([memberID], on: db) { _, account, _ in
                ((), account.cancel(spending, at: PointsLedger.instant(now)).map { ($0, $0.kind == .cancel ? PointsLedger.Reason(key: key, values: ["item": item.name])
                                                                                                           : PointsLedger.expiredReason) })
            }
        }
    }

    /// Moves a redemption from one of `from` to `to`, once (a conditional update), with `also` in the
    /// same transaction; audited. A redemption no longer in `from` is refused.
    private func move(_ r: Redemption, from: [Redemption.Status], to: Redemption.Status, by actor: Actor,
                      also: @escaping @Sendable (any Database, Date) async throws -> Void = { _, _ in }) async throws {
        let id = r.id!
        try await StatusStep.take(on: db, table: Redemption.schema, id: id, from: from, to: to, refusal: "reward_error_status", at: clock.now(),
                                  audit: (actor, "redemption", r.status, [:])) { db, sql, now in
            let field = to == .handedOver ? ("handed_by", "handed_at") : ("decided_by", "decided_at")
            try await sql.raw("UPDATE redemptions SET \(ident: field.0) = \(bind: actor.name), \(ident: field.1) = \(bind: now) WHERE id = \(bind: id)").run()
            try await also(db, now)
        }
        r.status = to
    }
}
