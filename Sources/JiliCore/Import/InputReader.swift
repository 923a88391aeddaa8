import Foundation

/// Reads the settlement CSV files (spec: Inputs) into a ``SettlementInput``, collecting every
/// problem with its file and line. Read members first, then orders, refunds and goals.
public struct InputReader {
    public let plan: Plan
    public let clock: PlanClock
    public private(set) var input = SettlementInput()
    public private(set) var problems: [InputProblem] = []

    public init(plan: Plan) {
        self.plan = plan
        self.clock = PlanClock(timeZone: plan.timeZone)
    }

    /// The input, or every problem found.
    public func result() -> Result<SettlementInput, InputErrors> {
        problems.isEmpty ? .success(input) : .failure(InputErrors(problems: problems))
    }

    /// The problems of one row: `report(...)` records one on the row's line.
    struct RowReport {
        let file: String
        let line: Int
        var problems: [InputProblem] = []
        var ok: Bool { problems.isEmpty }
        mutating func callAsFunction(_ message: String) {
            problems.append(InputProblem(file: file, line: line, message: message))
        }
    }

    /// Reads a CSV file: checks its header for the columns (their positions go to `header`), then
    /// hands each row to `row` with a report for its problems, which are collected in file order.
    static func table(_ bytes: UnsafeBufferPointer<UInt8>, file: String, required: [String], optional: [String] = [],
                      problems: inout [InputProblem], header: (CSVColumns) -> Void,
                      row: (CSVReader.Record, inout RowReport) -> Void) {
        var reader = CSVReader(file: file)
        var found: [InputProblem] = []
        reader.read(bytes, problem: { found.append($0) }, header: { names in
            guard let columns = CSVColumns(header: names, required: required, optional: optional, file: file,
                                           problem: { found.append($0) }) else { return false }
            header(columns)
            return true
        }, row: { r in
            var report = RowReport(file: file, line: r.line)
            row(r, &report)
            if !report.ok { found.append(contentsOf: report.problems) }
        })
        problems.append(contentsOf: found)
    }

    // MARK: - Members

    public mutating func readMembers(_ bytes: UnsafeBufferPointer<UInt8>, file: String) {
        // Column positions, resolved once from the header (a lookup per field would cost a hash per row).
        var c = (id: -1, name: -1, sponsor: -1, tier: -1, joined: -1, status: -1)
        var sponsorKeys = KeyTable()
        var sponsorOf: [Int32] = []
        var lines: [Int] = []
        var members = input.members
        let plan = self.plan
        Self.table(bytes, file: file, required: ["id", "name", "sponsor_id", "tier", "joined_at", "status"],
                   problems: &problems, header: { k in
            c = (k["id"], k["name"], k["sponsor_id"], k["tier"], k["joined_at"], k["status"])
        }, row: { r, report in
            let id = r.trimmed(c.id)
            if id.isEmpty { report("id is empty"); return }
            if members.ids.find(id) != nil { report("duplicate member id \"\(r.string(c.id))\""); return }
            let tierID = r.string(c.tier)
            let tier = plan.tierIndex(tierID)
            if tier == nil {
                report("unknown tier \"\(tierID)\" (the plan's tiers: \(plan.tiers.map(\.id).joined(separator: ", ")))")
            }
            let status = r.string(c.status)
            if !["active", "inactive", "left"].contains(status) {
                report("status \"\(status)\" is not one of active, inactive, left")
            }
            if !r.isBlank(c.joined), Timestamp.parse(r[c.joined]) == nil {
                report("joined_at \"\(r.string(c.joined))\" is not a date (e.g. 2026-11-03 or 2026-11-03T10:15:00+08:00)")
            }
            members.ids.insert(id)
            members.names.append(r.string(c.name))
            members.tier.append(Int32(tier ?? 0))
            members.active.append(status == "active")
            let sponsor = r.trimmed(c.sponsor)
            sponsorOf.append(sponsor.isEmpty ? -1 : sponsorKeys.insert(sponsor).index)
            lines.append(r.line)
        })
        // Sponsors may be listed after the members they sponsor: resolve them once all are read.
        let resolved = (0..<sponsorKeys.count).map { members.ids.find(sponsorKeys[$0]) ?? -1 }
        var sponsor = [Int32](repeating: -1, count: sponsorOf.count)
        for m in 0..<sponsorOf.count where sponsorOf[m] >= 0 {
            sponsor[m] = resolved[Int(sponsorOf[m])]
            if sponsor[m] < 0 {
                problems.append(InputProblem(file: file, line: lines[m],
                    message: "unknown sponsor \"\(sponsorKeys[Int(sponsorOf[m])])\" of member \"\(members.ids[m])\""))
            }
        }
        let built = TeamForest.build(sponsor: sponsor)
        for cycle in built.cycles {
            let names = (cycle + [cycle[0]]).map { "\"\(members.ids[$0])\"" }.joined(separator: " → ")
            problems.append(InputProblem(file: file, line: lines[cycle.min { lines[$0] < lines[$1] }!],
                                         message: "sponsor links form a cycle: \(names)"))
        }
        members.forest = built.forest ?? TeamForest(sponsor: sponsor)
        input.members = members
    }

    // MARK: - Orders

    /// Reads orders. A large file is cut into parts read in parallel (one per processor) and merged
    /// in file order, so ids, problems and their lines are the same as read in one go.
    public mutating func readOrders(_ bytes: UnsafeBufferPointer<UInt8>, file: String,
                                    parts: Int = ProcessInfo.processInfo.activeProcessorCount,
                                    minimumBytesToCut: Int = 8 << 20) {
        var c: OrdersPart.Columns = (-1, -1, -1, -1, -1, -1, -1)
        var columnCount = 0
        var headerEnd = 0
        var reader = CSVReader(file: file)
        // The header ends at the first line break outside quotes.
        var firstBreak = 0
        var quotes = 0
        repeat {
            while firstBreak < bytes.count, bytes[firstBreak] != 0x0A {
                if bytes[firstBreak] == UInt8(ascii: "\"") { quotes += 1 }
                firstBreak += 1
            }
            if firstBreak < bytes.count { firstBreak += 1 }
        } while quotes % 2 == 1 && firstBreak < bytes.count
        var headerProblems: [InputProblem] = []
        let headerOK = reader.read(UnsafeBufferPointer(rebasing: bytes[0..<firstBreak]), problem: { headerProblems.append($0) },
                                   header: { names in
            guard let k = CSVColumns(header: names, required: ["id", "member_id", "paid_at", "amount"],
                                     optional: ["cost", "category", "product_id", "quantity"], file: file,
                                     problem: { headerProblems.append($0) }) else { return false }
            c = (k["id"], k["member_id"], k["paid_at"], k["amount"], k["cost"], k["category"], k["quantity"])
            columnCount = names.count
            return true
        }, row: { _ in })
        problems.append(contentsOf: headerProblems)
        guard headerOK else { return }
        headerEnd = firstBreak
        let rows = UnsafeBufferPointer(rebasing: bytes[headerEnd..<bytes.count])
        let wanted = rows.count >= minimumBytesToCut ? max(1, min(parts, 8)) : 1
        let pieces = OrdersPart.cut(rows, into: wanted) ?? [rows]
        let members = input.members.ids
        let zone = plan.timeZone
        let columns = c
        let count = columnCount
        var read = concurrentMap(pieces.count) { k in
            OrdersPart.read(pieces[k], file: file, columns: columns, columnCount: count, members: members, timeZone: zone)
        }
        merge(&read, file: file, firstLine: 2)
    }

    /// Appends parts to the orders in file order: their lines shifted to the file's, their categories
    /// renumbered, and an id repeated across parts reported as a duplicate.
    private mutating func merge(_ parts: inout [OrdersPart], file: String, firstLine: Int) {
        var orders = input.orders
        var found: [InputProblem] = []
        var line = firstLine
        parts.reverse()
        // Parts are taken one by one so that each is freed once appended.
        while var part = parts.popLast() {
            for p in part.problems { found.append(InputProblem(file: file, line: p.line + line, message: p.message)) }
            let renumber = (0..<part.categories.count).map { input.categories.insert(part.categories[$0]).index }
            for i in 0..<part.category.count where part.category[i] >= 0 { part.category[i] = renumber[Int(part.category[i])] }
            if orders.count == 0 {
                // The first part becomes the orders as it is, without copying.
                orders.ids = part.ids
                orders.seller = part.seller
                orders.period = part.period
                orders.instant = part.instant
                orders.amount = part.amount
                orders.cost = part.cost
                orders.category = part.category
            } else {
                // A row whose id an earlier part holds is left out, as one pass over the file leaves it out.
                var keep = [Bool](repeating: true, count: part.ids.count)
                for i in 0..<part.ids.count where !part.ids.withKey(i, { orders.ids.insert($0).inserted }) {
                    found.append(InputProblem(file: file, line: Int(part.lines[i]) + line, message: "duplicate order id \"\(part.ids[i])\""))
                    keep[i] = false
                }
                if keep.contains(false) { part.keep(keep) }
                orders.seller += part.seller
                orders.period += part.period
                orders.instant += part.instant
                orders.amount += part.amount
                orders.cost += part.cost
                orders.category += part.category
            }
            line += part.lineCount
        }
        // Problems in line order, as one pass over the file would give them.
        found.sort { $0.line < $1.line }
        problems.append(contentsOf: found)
        input.orders = orders
    }

    // MARK: - Refunds

    public mutating func readRefunds(_ bytes: UnsafeBufferPointer<UInt8>, file: String) {
        var c = (id: -1, order: -1, at: -1, amount: -1)
        var refunds = input.refunds
        var seen = KeyTable()
        var refundedSoFar: [Int32: Int64] = [:]
        let orders = input.orders
        let clock = self.clock
        Self.table(bytes, file: file, required: ["id", "order_id", "refunded_at", "amount"], problems: &problems, header: { k in
            c = (k["id"], k["order_id"], k["refunded_at"], k["amount"])
        }, row: { r, report in
            let id = r.string(c.id)
            if id.isEmpty { report("id is empty") } else if !seen.insert(id).inserted { report("duplicate refund id \"\(id)\"") }
            let orderID = r.string(c.order)
            let order = orders.ids.find(r.trimmed(c.order))
            if order == nil { report("unknown order \"\(orderID)\"") }
            let at = Timestamp.parse(r[c.at])
            if at == nil { report("refunded_at \"\(r.string(c.at))\" is not a timestamp (e.g. 2026-11-03T10:15:00+08:00)") }
            let amount = Self.money(r, c.amount, "amount", required: true, &report)
            if let amount, amount == 0 { report("amount must be above 0") }
            guard report.ok, let order, let at, let amount else { return }
            let o = Int(order)
            if orders.seller[o] < 0 { return } // the order's own line is already reported
            let placed = clock.place(at)
            if placed.instant < orders.instant[o] {
                report("refunded_at \(r.string(c.at)) is before order \"\(orderID)\" was paid")
                return
            }
            let total = (refundedSoFar[order] ?? 0) + amount
            if total > orders.amount[o] {
                report("refunds of order \"\(orderID)\" reach \(Money(fen: total)), more than its amount \(Money(fen: orders.amount[o]))")
                return
            }
            refundedSoFar[order] = total
            refunds.ids.append(id)
            refunds.order.append(order)
            refunds.period.append(placed.period.index)
            refunds.amount.append(amount)
        })
        input.refunds = refunds
    }

    // MARK: - Goals

    public mutating func readGoals(_ bytes: UnsafeBufferPointer<UInt8>, file: String) {
        var c = (member: -1, period: -1, target: -1)
        var goals = input.goals
        var seen = Set<String>()
        let members = input.members.ids
        Self.table(bytes, file: file, required: ["member_id", "period", "target"], problems: &problems, header: { k in
            c = (k["member_id"], k["period"], k["target"])
        }, row: { r, report in
            let memberID = r.string(c.member)
            let member = members.find(r.trimmed(c.member))
            if member == nil { report("unknown member \"\(memberID)\"") }
            let window = GoalWindow(parsing: r.string(c.period))
            if window == nil { report("period \"\(r.string(c.period))\" is not a month, quarter or year (2026-11, 2026-Q4, 2026)") }
            let target = Self.money(r, c.target, "target", required: true, &report)
            if let target, target == 0 { report("target must be above 0") }
            guard report.ok, let member, let window, let target else { return }
            if !seen.insert("\(memberID)\u{1}\(window)").inserted {
                report("member \"\(memberID)\" has a second goal for \(window)")
                return
            }
            goals.append(.init(member: member, window: window, target: target))
        })
        input.goals = goals
    }

    /// Parses a money field (≥ 0, at most two decimals); reports and returns nil when it is wrong.
    static func money(_ r: CSVReader.Record, _ column: Int, _ name: String, required: Bool,
                      _ report: inout RowReport) -> Int64? {
        if column < 0 || r.isBlank(column) {
            if required { report("\(name) is empty") }
            return nil
        }
        switch FixedPoint.parse(r[column], scale: 2) {
        case .success(let fen) where fen >= 0: return fen
        case .success: report("\(name) \"\(r.string(column))\" is negative")
        case .failure(.tooManyDecimals): report("\(name) \"\(r.string(column))\" has more than 2 decimals")
        case .failure(.overflow): report("\(name) \"\(r.string(column))\" is too large")
        case .failure: report("\(name) \"\(r.string(column))\" is not an amount")
        }
        return nil
    }
}

extension InputReader {
    /// Reads a whole file, mapped into memory, and hands its bytes to `body`.
    public static func withFile<T>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        return try data.withUnsafeBytes { raw in
            try body(raw.bindMemory(to: UInt8.self))
        }
    }
}
