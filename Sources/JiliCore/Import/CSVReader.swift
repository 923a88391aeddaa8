/// A problem with an input file, located by file name and line (`orders.csv:17: unknown member "m99"`).
public struct InputProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// In English, as the command line prints it.
    public var message: String
    /// A stable name of the kind of problem and its values, for interfaces that say it in another
    /// language (`csv_missing_column` with `name` and `required`); nil where there is none yet.
    public var key: String?
    public var values: [String: String]

    public init(file: String, line: Int, message: String, key: String? = nil, values: [String: String] = [:]) {
        self.file = file
        self.line = line
        self.message = message
        self.key = key
        self.values = values
    }
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Every problem found in a set of inputs.
public struct InputErrors: Error, Sendable, CustomStringConvertible {
    public var problems: [InputProblem]
    public init(problems: [InputProblem]) { self.problems = problems }
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// A streaming CSV reader over bytes (RFC 4180): an optional UTF-8 BOM, quoted fields with `""`
/// escapes and line breaks inside, LF or CRLF line ends, columns found by header name in any order.
/// Wholly blank lines are skipped. Rows are handed to a closure without copying unquoted fields.
public struct CSVReader {
    public let file: String
    /// Column names as written in the header, trimmed and lowercased.
    public private(set) var header: [String] = []

    public init(file: String) { self.file = file }

    /// One record: its fields as byte buffers that are valid only during the call that receives it.
    public struct Record {
        public let line: Int
        @usableFromInline let base: UnsafePointer<UInt8>
        @usableFromInline let scratch: UnsafePointer<UInt8>?
        @usableFromInline let fields: UnsafeBufferPointer<Field>

        /// The raw bytes of a field; an index past the record's end reads as empty.
        @inlinable
        public subscript(column: Int) -> UnsafeBufferPointer<UInt8> {
            guard column >= 0, column < fields.count else { return UnsafeBufferPointer(start: base, count: 0) }
            let f = fields[column]
            let start = f.inScratch ? scratch! + f.start : base + f.start
            return UnsafeBufferPointer(start: start, count: f.end - f.start)
        }

        /// A field's bytes without surrounding spaces and tabs.
        @inlinable
        public func trimmed(_ column: Int) -> UnsafeBufferPointer<UInt8> {
            let b = self[column]
            var start = 0
            var end = b.count
            while start < end, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
            while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
            return UnsafeBufferPointer(rebasing: b[start..<end])
        }

        /// A field as a string with surrounding spaces removed.
        public func string(_ column: Int) -> String {
            String(decoding: trimmed(column), as: UTF8.self)
        }

        /// Whether a field is empty or blank.
        public func isBlank(_ column: Int) -> Bool { self[column].allSatisfy { $0 == 0x20 || $0 == 0x09 } }

        public var fieldCount: Int { fields.count }
    }

    public struct Field {
        @usableFromInline var start: Int
        @usableFromInline var end: Int
        @usableFromInline var inScratch: Bool
    }

    /// Reads the header and then every record. Problems with the shape of the file (an unclosed
    /// quote, a row with more fields than the header) are reported through `problem`; such rows are
    /// not handed to `row`. Returns false when the header could not be read.
    @discardableResult
    public mutating func read(
        _ bytes: UnsafeBufferPointer<UInt8>,
        problem: (InputProblem) -> Void,
        header onHeader: ([String]) -> Bool,
        row: (Record) -> Void
    ) -> Bool {
        guard bytes.count > 0 else {
            problem(InputProblem(file: file, line: 1, message: "the file is empty: a header row is needed", key: "csv_empty"))
            return false
        }
        let start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var headerSeen = false
        var headerOK = false
        var reported = false
        var lines = 0
        _ = scan(bytes, from: start, firstLine: 1, columns: nil, problem: { reported = true; problem($0) },
                 header: { headerSeen = true; headerOK = onHeader($0); return headerOK }, row: row, linesRead: &lines)
        if !headerSeen && !reported {
            problem(InputProblem(file: file, line: 1, message: "the file is empty: a header row is needed", key: "csv_empty"))
        }
        return headerOK
    }

    /// Reads records without a header, as a part of a file cut at a line break: `firstLine` is the
    /// line the part starts on, `columns` the header's column count. Returns the lines it spans.
    @discardableResult
    public mutating func readPart(
        _ bytes: UnsafeBufferPointer<UInt8>,
        firstLine: Int,
        columns: Int,
        problem: (InputProblem) -> Void,
        row: (Record) -> Void
    ) -> Int {
        var lines = 0
        _ = scan(bytes, from: 0, firstLine: firstLine, columns: columns, problem: problem,
                 header: { _ in true }, row: row, linesRead: &lines)
        return lines
    }

    /// The record loop. With `columns` nil the first record is the header.
    private mutating func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        firstLine: Int,
        columns: Int?,
        problem: (InputProblem) -> Void,
        header onHeader: ([String]) -> Bool,
        row: (Record) -> Void
    ) -> Bool {
        var lines = 0
        return scan(bytes, from: start, firstLine: firstLine, columns: columns, problem: problem,
                    header: onHeader, row: row, linesRead: &lines)
    }

    private mutating func scan(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int,
        firstLine: Int,
        columns: Int?,
        problem: (InputProblem) -> Void,
        header onHeader: ([String]) -> Bool,
        row: (Record) -> Void,
        linesRead: inout Int
    ) -> Bool {
        guard let base = bytes.baseAddress else { return columns != nil }
        var i = start
        let n = bytes.count
        var line = firstLine
        defer { linesRead = line - firstLine }
        var fields: [Field] = []
        fields.reserveCapacity(16)
        var scratch: [UInt8] = []
        var sawHeader = columns != nil
        var expected = columns ?? 0
        while i < n {
            let recordLine = line
            fields.removeAll(keepingCapacity: true)
            scratch.removeAll(keepingCapacity: true)
            var broken: String?
            // One record.
            while true {
                if i < n, base[i] == UInt8(ascii: "\"") {
                    i += 1
                    let start = i
                    var escaped = false
                    var closed = false
                    while i < n {
                        let c = base[i]
                        if c == UInt8(ascii: "\"") {
                            if i + 1 < n, base[i + 1] == UInt8(ascii: "\"") { escaped = true; i += 2; continue }
                            closed = true
                            break
                        }
                        if c == 0x0A { line += 1 }
                        i += 1
                    }
                    if !closed {
                        broken = "a quoted field is not closed"
                        i = n
                        break
                    }
                    if escaped {
                        let s = scratch.count
                        var j = start
                        while j < i {
                            scratch.append(base[j])
                            j += base[j] == UInt8(ascii: "\"") ? 2 : 1
                        }
                        fields.append(Field(start: s, end: scratch.count, inScratch: true))
                    } else {
                        fields.append(Field(start: start, end: i, inScratch: false))
                    }
                    i += 1 // closing quote
                    // Only spaces may follow a closing quote before the separator.
                    while i < n, base[i] == 0x20 { i += 1 }
                    if i < n, base[i] != UInt8(ascii: ","), base[i] != 0x0A, base[i] != 0x0D {
                        broken = "unexpected text after a closing quote"
                        while i < n, base[i] != 0x0A { i += 1 }
                    }
                } else {
                    let start = i
                    while i < n {
                        let c = base[i]
                        if c == UInt8(ascii: ",") || c == 0x0A || c == 0x0D { break }
                        i += 1
                    }
                    fields.append(Field(start: start, end: i, inScratch: false))
                }
                if i < n, base[i] == UInt8(ascii: ",") { i += 1; continue }
                // End of record: CRLF, LF, lone CR or end of file.
                if i < n, base[i] == 0x0D { i += 1 }
                if i < n, base[i] == 0x0A { i += 1 }
                line += 1
                break
            }
            if let broken {
                problem(InputProblem(file: file, line: recordLine, message: broken,
                                     key: broken.hasPrefix("a quoted") ? "csv_unclosed_quote" : "csv_text_after_quote"))
                if !sawHeader { return false }
                continue
            }
            if fields.count == 1, fields[0].end == fields[0].start { continue } // blank line
            if !sawHeader {
                sawHeader = true
                header = fields.map { f in
                    let text = f.inScratch
                        ? String(decoding: scratch[f.start..<f.end], as: UTF8.self)
                        : String(decoding: UnsafeBufferPointer(start: base + f.start, count: f.end - f.start), as: UTF8.self)
                    return text.trimmingASCIISpaces().lowercased()
                }
                expected = header.count
                if !onHeader(header) { return false }
                continue
            }
            if fields.count > expected {
                problem(InputProblem(file: file, line: recordLine,
                                     message: "\(fields.count) fields, but the header has \(expected) columns",
                                     key: "csv_too_many_fields", values: ["found": "\(fields.count)", "expected": "\(expected)"]))
                continue
            }
            scratch.withUnsafeBufferPointer { s in
                fields.withUnsafeBufferPointer { f in
                    row(Record(line: recordLine, base: base, scratch: s.baseAddress, fields: f))
                }
            }
        }
        return sawHeader
    }
}

/// Finds the columns a reader needs in a header, reporting missing and duplicated ones.
public struct CSVColumns {
    private var indexes: [String: Int] = [:]

    /// Nil when a required column is missing or a needed one appears twice; the problems say which.
    public init?(header: [String], required: [String], optional: [String], file: String,
                 problem: (InputProblem) -> Void) {
        var ok = true
        for (i, name) in header.enumerated() where required.contains(name) || optional.contains(name) {
            if indexes[name] != nil {
                problem(InputProblem(file: file, line: 1, message: "column \"\(name)\" appears twice",
                                     key: "csv_column_twice", values: ["name": name]))
                ok = false
            }
            indexes[name] = i
        }
        for name in required where indexes[name] == nil {
            problem(InputProblem(file: file, line: 1,
                                 message: "missing column \"\(name)\" (the header must name: \(required.joined(separator: ", ")))",
                                 key: "csv_missing_column", values: ["name": name, "required": required.joined(separator: ", ")]))
            ok = false
        }
        if !ok { return nil }
    }

    /// The index of a column, or -1 for an optional column that is absent (reads as empty).
    public subscript(name: String) -> Int { indexes[name] ?? -1 }
}
