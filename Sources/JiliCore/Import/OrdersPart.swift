import Foundation

/// The orders read from one part of an orders file. Large files are cut at line breaks into as many
/// parts as there are processors, read in parallel, then merged in file order (``InputReader``).
struct OrdersPart {
    var ids = KeyTable()
    var seller: [Int32] = []
    var period: [Int32] = []
    var instant: [Int64] = []
    var amount: [Int64] = []
    var cost: [Int64] = []
    /// Index into this part's `categories`, or -1.
    var category: [Int32] = []
    var categories = KeyTable()
    /// The line of each order, relative to the part's first line (0).
    var lines: [Int32] = []
    /// Problems, with lines relative to the part's first line.
    var problems: [InputProblem] = []
    /// How many lines the part spans.
    var lineCount = 0

    typealias Columns = (id: Int, member: Int, paid: Int, amount: Int, cost: Int, category: Int, quantity: Int)

    /// Reads the rows of `bytes` (a whole file's rows after its header, or a part of them).
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, file: String, columns c: Columns, columnCount: Int,
                     members: KeyTable, timeZone: TimeZone) -> OrdersPart {
        var part = OrdersPart()
        let clock = PlanClock(timeZone: timeZone)
        let estimate = bytes.count / 64
        part.ids.reserveCapacity(estimate)
        for k in [\OrdersPart.seller, \.period, \.category, \.lines] { part[keyPath: k].reserveCapacity(estimate) }
        for k in [\OrdersPart.instant, \.amount, \.cost] { part[keyPath: k].reserveCapacity(estimate) }
        var reader = CSVReader(file: file)
        var problems: [InputProblem] = []
        part.lineCount = reader.readPart(bytes, firstLine: 0, columns: columnCount, problem: { problems.append($0) }) { r in
            var report = InputReader.RowReport(file: file, line: r.line)
            part.add(r, c, members: members, clock: clock, report: &report)
            if !report.ok { problems.append(contentsOf: report.problems) }
        }
        part.problems = problems
        return part
    }

    private mutating func add(_ r: CSVReader.Record, _ c: Columns, members: KeyTable, clock: PlanClock,
                              report: inout InputReader.RowReport) {
        let id = r.trimmed(c.id)
        var added = false
        if id.isEmpty {
            report("id is empty")
        } else {
            if !ids.insert(id).inserted { report("duplicate order id \"\(r.string(c.id))\""); return }
            added = true
        }
        let member = members.find(r.trimmed(c.member))
        if member == nil { report("unknown member \"\(r.string(c.member))\"") }
        let paid = Timestamp.parse(r[c.paid])
        if paid == nil { report("paid_at \"\(r.string(c.paid))\" is not a timestamp (e.g. 2026-11-03T10:15:00+08:00)") }
        let orderAmount = InputReader.money(r, c.amount, "amount", required: true, &report)
        let orderCost = InputReader.money(r, c.cost, "cost", required: false, &report)
        if c.quantity >= 0, !r.trimmed(c.quantity).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            report("quantity \"\(r.string(c.quantity))\" is not a whole number")
        }
        var categoryIndex: Int32 = -1
        if c.category >= 0 {
            let name = r.trimmed(c.category)
            if !name.isEmpty { categoryIndex = categories.insert(name).index }
        }
        guard added else { return }
        // A refused row keeps its place (seller −1) so that indexes stay aligned with the ids.
        let placed = report.ok ? clock.place(paid!) : (instant: Int64(0), period: Period(index: 0))
        seller.append(report.ok ? member! : -1)
        period.append(placed.period.index)
        instant.append(placed.instant)
        amount.append(orderAmount ?? 0)
        cost.append(orderCost ?? 0)
        category.append(categoryIndex)
        lines.append(Int32(r.line))
    }

    /// Leaves out the rows not kept (the ids stay as they are: the caller has its own).
    mutating func keep(_ kept: [Bool]) {
        func filter<T>(_ column: [T]) -> [T] { zip(column, kept).compactMap { $1 ? $0 : nil } }
        seller = filter(seller); period = filter(period); instant = filter(instant)
        amount = filter(amount); cost = filter(cost); category = filter(category); lines = filter(lines)
    }

    /// Cuts the rows after a header into about `count` parts at line breaks. Nil when the rows hold
    /// a quote, which could hide a line break inside a field: such files are read as one part.
    static func cut(_ bytes: UnsafeBufferPointer<UInt8>, into count: Int) -> [UnsafeBufferPointer<UInt8>]? {
        guard count > 1, let base = bytes.baseAddress else { return [bytes] }
        if memchr(UnsafeRawPointer(base), Int32(UInt8(ascii: "\"")), bytes.count) != nil { return nil }
        var parts: [UnsafeBufferPointer<UInt8>] = []
        var start = 0
        for k in 1..<count {
            var end = max(start, bytes.count * k / count)
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if end < bytes.count { end += 1 }
            parts.append(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            start = end
        }
        parts.append(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        return parts
    }
}

/// Runs `body` for 0..<count on as many threads as there are processors; results in index order.
func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
    }
    nonisolated(unsafe) let shared = results
    withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let work = body
        DispatchQueue.concurrentPerform(iterations: count) { i in shared[i] = work(i) }
    }
    return results.map { $0! }
}
