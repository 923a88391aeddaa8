import Fluent
import Foundation
import JiliCore
import Vapor

/// Imports of members, orders and refunds in the settlement contract's CSV formats, shared by
/// `jili import` and the upload page. All or nothing: every line is checked against the file and
/// the database first, every problem is reported with file and line, and only a clean file is
/// written, in one transaction. A row whose id exists with the same values is left as it is, so
/// importing a file again changes nothing.
struct ImportService {
    let db: any Database
    let clock: JiliClock
    /// The messages to say problems in (a catalogue's table: the visitor's language, or English for
    /// the command line).
    let text: [String: String]

    /// A problem said in `text`'s language; the key stays with it.
    func problem(_ file: String, _ line: Int, _ key: String, _ values: [String: String]) -> InputProblem {
        let message = values.reduce(text[key] ?? key) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
        return InputProblem(file: file, line: line, message: message, key: key, values: values)
    }

    enum Kind: String, CaseIterable, Sendable {
        case members, orders, refunds
    }

    struct Outcome: Sendable {
        var added = 0
        var unchanged = 0
        var problems: [InputProblem] = []
        var ok: Bool { problems.isEmpty }
    }

    func run(_ kind: Kind, bytes: [UInt8], file: String, by actor: Actor) async throws -> Outcome {
        let outcome: Outcome
        switch kind {
        case .members: outcome = try await members(bytes, file: file, by: actor)
        case .orders: outcome = try await orders(bytes, file: file, by: actor)
        case .refunds: outcome = try await refunds(bytes, file: file, by: actor)
        }
        // An import may bring in a year of history: the next round of the figures looks at every month.
        if outcome.added > 0 { try await TeamFigures.askForDeepLook(on: db) }
        return outcome
    }

    /// Reads rows with the named columns; problems with the file's shape are collected.
    func rows(_ bytes: [UInt8], file: String, required: [String], optional: [String] = [],
                      problems: inout [InputProblem]) -> [(line: Int, fields: [String: String])] {
        var out: [(Int, [String: String])] = []
        var reader = CSVReader(file: file)
        var columns: CSVColumns?
        var found: [InputProblem] = []
        // An Excel workbook is read as its first sheet. Then UTF-8, GB18030 (Excel's CSV on a Chinese
        // Windows) or UTF-16 ("Unicode text"); an image or another ZIP file is refused as not a CSV file.
        let sheet = Workbook.isZIP(bytes) ? (try? Workbook.firstSheetCSV(bytes)) ?? bytes : bytes
        let read = sheet.withUnsafeBufferPointer { raw in
            CSVText.withUTF8(raw, file: file) { b in
                reader.read(b, problem: { found.append($0) }, header: { names in
                    columns = CSVColumns(header: names, required: required, optional: optional, file: file, problem: { found.append($0) })
                    return columns != nil
                }, row: { r in
                    var fields: [String: String] = [:]
                    for name in required + optional where columns![name] >= 0 { fields[name] = r.string(columns![name]) }
                    out.append((r.line, fields))
                })
            }
        }
        if case .failure(let refused) = read { found.append(refused) }
        // The reader's own problems (the file's shape) in the same language as the others.
        // (A file that is not CSV names its kind by a code: the kind is said in the same language too.)
        problems += found.map { p in
            var values = p.values
            if let kind = values["kind"] { values["kind"] = text["import_file_kind_" + kind] ?? kind }
            return p.key.map { problem(p.file, p.line, "import_" + $0, values) } ?? p
        }
        return out
    }

    private func instant(_ text: String) -> Date? {
        guard let t = Timestamp(parsing: text) else { return nil }
        return Date(timeIntervalSince1970: Double(PlanClock(timeZone: clock.timeZone).place(t).instant))
    }

    /// An amount of at most two decimals, from 0 to ``OrderService/maximumFen``.
    private func money(_ text: String) -> Int64? {
        if case .success(let fen) = FixedPoint.parse(text, scale: 2), fen >= 0, fen <= OrderService.maximumFen { return fen }
        return nil
    }

    // MARK: - Members

    func members(_ bytes: [UInt8], file: String, by actor: Actor) async throws -> Outcome {
        var outcome = Outcome()
        let rows = self.rows(bytes, file: file, required: ["id", "name", "sponsor_id", "tier", "joined_at", "status"], problems: &outcome.problems)
        let existing = try await Member.query(on: db).all()
        let byCode = Dictionary(uniqueKeysWithValues: existing.map { ($0.code, $0) })
        let sponsorCodes = Dictionary(uniqueKeysWithValues: existing.map { ($0.id!, $0.code) })
        var seen: [String: Int] = [:]
        var fresh: [(line: Int, code: String, name: String, sponsor: String, tier: String, status: MemberStatus, joined: Date)] = []
        for (line, f) in rows {
            func bad(_ key: String, _ values: [String: String] = [:]) { outcome.problems.append(problem(file, line, key, values)) }
            let code = f["id"] ?? ""
            let name = f["name"] ?? ""
            let sponsor = f["sponsor_id"] ?? ""
            let tier = f["tier"] ?? ""
            let statusText = f["status"] ?? ""
            let status = MemberStatus(rawValue: statusText)
            if code.isEmpty { bad("import_id_empty"); continue }
            if let first = seen[code] { bad("import_duplicate_member", ["id": code, "first": "\(first)"]); continue }
            seen[code] = line
            if name.isEmpty { bad("import_name_empty") }
            if !Tiers.ids.contains(tier) { bad("import_unknown_tier", ["tier": tier, "tiers": Tiers.ids.joined(separator: ", ")]) }
            if status == nil { bad("import_bad_status", ["status": statusText]) }
            let joinedText = f["joined_at"] ?? ""
            let joined = joinedText.isEmpty ? clock.now() : instant(joinedText)
            if joined == nil { bad("import_bad_joined", ["value": joinedText]) }
            if let m = byCode[code] {
                let sameSponsor = (m.$sponsor.id.flatMap { sponsorCodes[$0] } ?? "") == sponsor
                if m.name == name && m.tier == tier && m.status == status && sameSponsor {
                    outcome.unchanged += 1
                } else {
                    bad("import_member_differs", ["id": code])
                }
                continue
            }
            if let joined, let status { fresh.append((line, code, name, sponsor, tier, status, joined)) }
        }
        // Sponsors: an existing member or one of this file; the new links must not loop.
        let newCodes = Set(fresh.map(\.code))
        for r in fresh where !r.sponsor.isEmpty && byCode[r.sponsor] == nil && !newCodes.contains(r.sponsor) {
            outcome.problems.append(problem(file, r.line, "import_unknown_sponsor", ["sponsor": r.sponsor, "member": r.code]))
        }
        let index = Dictionary(uniqueKeysWithValues: fresh.enumerated().map { ($1.code, Int32($0)) })
        let links = fresh.map { index[$0.sponsor] ?? -1 }
        for cycle in TeamForest.build(sponsor: links).cycles {
            let names = (cycle + [cycle[0]]).map { "\"\(fresh[$0].code)\"" }.joined(separator: " → ")
            outcome.problems.append(problem(file, cycle.map { fresh[$0].line }.min()!, "import_cycle", ["names": names]))
        }
        outcome.problems.sort { $0.line < $1.line }
        guard outcome.ok, !fresh.isEmpty else { return outcome }
        let now = clock.now()
        let (toCreate, unchanged) = (fresh, outcome.unchanged)
        try await db.transaction { db in
            var created: [String: Member] = [:]
            // Sponsors first: insert in an order where each sponsor already exists.
            var pending = toCreate
            while !pending.isEmpty {
                var rest: [(line: Int, code: String, name: String, sponsor: String, tier: String, status: MemberStatus, joined: Date)] = []
                for r in pending {
                    let sponsor: Member? = r.sponsor.isEmpty ? nil : (byCode[r.sponsor] ?? created[r.sponsor])
                    if !r.sponsor.isEmpty && sponsor == nil { rest.append(r); continue }
                    let m = Member(code: r.code, name: r.name, sponsorID: sponsor?.id, tier: r.tier, status: r.status, joinedAt: r.joined)
                    try await m.create(on: db)
                    m.path = Member.path(sponsorPath: sponsor?.path, id: m.id!)
                    try await m.save(on: db)
                    created[r.code] = m
                }
                pending = rest
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "import", entity: "members", id: file, before: nil,
                                   after: ["added": "\(toCreate.count)", "unchanged": "\(unchanged)"])
        }
        outcome.added = fresh.count
        return outcome
    }

    // MARK: - Orders

    func orders(_ bytes: [UInt8], file: String, by actor: Actor) async throws -> Outcome {
        var outcome = Outcome()
        let rows = self.rows(bytes, file: file, required: ["id", "member_id", "paid_at", "amount"],
                             optional: ["cost", "category", "product_id", "quantity"], problems: &outcome.problems)
        let members = Dictionary(uniqueKeysWithValues: try await Member.query(on: db).all().map { ($0.code, $0) })
        let products = Dictionary(uniqueKeysWithValues: try await Product.query(on: db).all().map { ($0.code, $0) })
        let codes = rows.compactMap { $0.fields["id"] }.filter { !$0.isEmpty }
        var existing: [String: Order] = [:]
        for chunk in stride(from: 0, to: codes.count, by: 500) {
            for o in try await Order.query(on: db).filter(\.$code ~~ Array(codes[chunk..<min(codes.count, chunk + 500)])).all() { existing[o.code] = o }
        }
        var seen: [String: Int] = [:]
        var fresh: [(order: Order, product: Product?, quantity: Int)] = []
        for (line, f) in rows {
            func bad(_ key: String, _ values: [String: String] = [:]) { outcome.problems.append(problem(file, line, key, values)) }
            let code = f["id"] ?? ""
            if code.isEmpty { bad("import_id_empty"); continue }
            if let first = seen[code] { bad("import_duplicate_order", ["id": code, "first": "\(first)"]); continue }
            seen[code] = line
            let seller = members[f["member_id"] ?? ""]
            if seller == nil { bad("import_unknown_member", ["member": f["member_id"] ?? ""]) }
            let paid = instant(f["paid_at"] ?? "")
            if paid == nil { bad("import_bad_paid", ["value": f["paid_at"] ?? ""]) }
            let amount = money(f["amount"] ?? "")
            if amount == nil { bad("import_bad_amount", ["value": f["amount"] ?? ""]) }
            let costText = f["cost"] ?? ""
            let cost = costText.isEmpty ? 0 : money(costText)
            if cost == nil { bad("import_bad_cost", ["value": costText]) }
            let productCode = f["product_id"] ?? ""
            // A product the catalogue does not have is not an error: the order keeps its amount and
            // category, without a line (files from other systems name their own products).
            let product = productCode.isEmpty ? nil : products[productCode]
            let quantityText = f["quantity"] ?? ""
            let quantity = quantityText.isEmpty ? 1 : Int(quantityText)
            if quantity == nil || quantity! < 1 { bad("import_bad_quantity", ["value": quantityText]) }
            if let paid, paid > clock.now().addingTimeInterval(300) { bad("import_future", ["value": f["paid_at"]!]) }
            guard let seller, let paid, let amount, let cost, let quantity else { continue }
            let category = (f["category"] ?? "").nonEmpty ?? product?.category
            if let o = existing[code] {
                if o.$member.id == seller.id && o.amountFen == amount && abs(o.paidAt.timeIntervalSince(paid)) < 1 {
                    outcome.unchanged += 1
                } else {
                    bad("import_order_differs", ["id": code])
                }
                continue
            }
            let order = Order(code: code, memberID: seller.id!, customerID: nil, paidAt: paid, period: clock.period(of: paid).description,
                              amountFen: amount, costFen: cost, category: category)
            fresh.append((order, product, quantity))
        }
        guard outcome.ok, !fresh.isEmpty else { return outcome }
        let now = clock.now()
        let (rowsToWrite, unchangedOrders) = (fresh, outcome.unchanged)
        try await db.transaction { db in
            for chunk in stride(from: 0, to: rowsToWrite.count, by: 500) {
                let part = Array(rowsToWrite[chunk..<min(rowsToWrite.count, chunk + 500)])
                // One INSERT for 500 orders.
                try await part.map(\.order).create(on: db)
                // A line when the file names the product and the amount divides evenly by the quantity
                // (a line's price is exact or absent, never rounded); the new orders' ids are read back by code.
                let withLines = part.filter { $0.product != nil && $0.order.amountFen % Int64($0.quantity) == 0 }
                guard !withLines.isEmpty else { continue }
                var ids: [String: Int] = [:]
                for o in try await Order.query(on: db).filter(\.$code ~~ withLines.map(\.order.code)).all() { ids[o.code] = o.id }
                let lines = withLines.map { r in
                    OrderLine(orderID: ids[r.order.code]!, productID: r.product!.id!, quantity: r.quantity,
                              priceFen: r.order.amountFen / Int64(r.quantity), costFen: r.order.costFen / Int64(r.quantity))
                }
                try await lines.create(on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "import", entity: "orders", id: file, before: nil,
                                   after: ["added": "\(rowsToWrite.count)", "unchanged": "\(unchangedOrders)"])
        }
        outcome.added = fresh.count
        return outcome
    }

    // MARK: - Refunds

    func refunds(_ bytes: [UInt8], file: String, by actor: Actor) async throws -> Outcome {
        var outcome = Outcome()
        let rows = self.rows(bytes, file: file, required: ["id", "order_id", "refunded_at", "amount"], problems: &outcome.problems)
        let orderCodes = Array(Set(rows.compactMap { $0.fields["order_id"] }))
        var orders: [String: Order] = [:]
        for chunk in stride(from: 0, to: orderCodes.count, by: 500) {
            for o in try await Order.query(on: db).filter(\.$code ~~ Array(orderCodes[chunk..<min(orderCodes.count, chunk + 500)])).all() { orders[o.code] = o }
        }
        let refundCodes = rows.compactMap { $0.fields["id"] }
        var existing: [String: Refund] = [:]
        for chunk in stride(from: 0, to: refundCodes.count, by: 500) {
            for r in try await Refund.query(on: db).filter(\.$code ~~ Array(refundCodes[chunk..<min(refundCodes.count, chunk + 500)])).all() { existing[r.code] = r }
        }
        var seen: [String: Int] = [:]
        var adding: [Int: Int64] = [:]
        var fresh: [Refund] = []
        for (line, f) in rows {
            func bad(_ key: String, _ values: [String: String] = [:]) { outcome.problems.append(problem(file, line, key, values)) }
            let code = f["id"] ?? ""
            if code.isEmpty { bad("import_id_empty"); continue }
            if let first = seen[code] { bad("import_duplicate_refund", ["id": code, "first": "\(first)"]); continue }
            seen[code] = line
            let order = orders[f["order_id"] ?? ""]
            if order == nil { bad("import_unknown_order", ["order": f["order_id"] ?? ""]) }
            let at = instant(f["refunded_at"] ?? "")
            if at == nil { bad("import_bad_refunded", ["value": f["refunded_at"] ?? ""]) }
            let amount = money(f["amount"] ?? "")
            if amount == nil || amount == 0 { bad("import_bad_refund_amount", ["value": f["amount"] ?? ""]) }
            guard let order, let at, let amount, amount > 0 else { continue }
            if let r = existing[code] {
                if r.$order.id == order.id && r.amountFen == amount { outcome.unchanged += 1 } else { bad("import_refund_differs", ["id": code]) }
                continue
            }
            if at < order.paidAt { bad("import_refund_before", ["value": f["refunded_at"]!, "order": order.code]); continue }
            let total = order.refundedFen + (adding[order.id!] ?? 0) + amount
            if total > order.amountFen {
                bad("import_refund_too_much", ["order": order.code, "total": Money(fen: total).description, "amount": Money(fen: order.amountFen).description])
                continue
            }
            adding[order.id!, default: 0] += amount
            fresh.append(Refund(code: code, orderID: order.id!, refundedAt: at, amountFen: amount))
        }
        guard outcome.ok, !fresh.isEmpty else { return outcome }
        let now = clock.now()
        let (refundRows, added, touched, unchangedRefunds) = (fresh, adding, orders.values.filter { adding[$0.id!] != nil }, outcome.unchanged)
        try await db.transaction { db in
            try await BatchInsert.insert(refundRows, on: db)
            for o in touched {
                o.refundedFen += added[o.id!]!
                try await o.save(on: db)
            }
            try await Audit.record(on: db, at: now, actor: actor, action: "import", entity: "refunds", id: file, before: nil,
                                   after: ["added": "\(refundRows.count)", "unchanged": "\(unchangedRefunds)"])
        }
        outcome.added = fresh.count
        return outcome
    }
}
