import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation

/// An Excel workbook (.xlsx) read as the CSV its first sheet would be saved as, so that a team's file
/// is imported as it is, without "另存为 CSV" first. Line N of the CSV is row N of the sheet (the
/// problems name Excel's row numbers); text is the cell's text, a number as Excel shows it at its
/// precision (15 significant digits, never through a binary float), a date or time cell as
/// `2026-11-01` or `2026-11-01 09:30:00`, a formula as its last computed value.
enum Workbook {
    /// Not a workbook (another ZIP file), or a workbook without a readable first sheet.
    struct Unreadable: Error {}

    /// What a workbook may unpack to: a larger sheet is a "ZIP bomb" rather than a team.
    static let maxUnpacked = 512 << 20

    static func isZIP(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) }

    /// The first sheet as CSV text (UTF-8, CRLF line ends).
    static func firstSheetCSV(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let archive = try? Archive(data: Data(bytes), accessMode: .read) else { throw Unreadable() }
        var unpacked = 0
        func read(_ path: String) throws -> Data? {
            guard let entry = archive[path] else { return nil }
            var data = Data()
            _ = try archive.extract(entry, skipCRC32: false) { chunk in
                unpacked += chunk.count
                guard unpacked <= maxUnpacked else { throw Unreadable() }
                data.append(chunk)
            }
            return data
        }
        guard let workbookXML = try read("xl/workbook.xml"), let relsXML = try read("xl/_rels/workbook.xml.rels") else { throw Unreadable() }
        let book = try XML.parse(workbookXML, into: BookReader())
        let rels = try XML.parse(relsXML, into: RelationsReader())
        guard let sheetID = book.firstSheet, let target = rels.targets[sheetID] else { throw Unreadable() }
        let sheetPath = target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
        let strings = try read("xl/sharedStrings.xml").map { try XML.parse($0, into: StringsReader()).strings } ?? []
        let styles = try read("xl/styles.xml").map { try XML.parse($0, into: StylesReader()).dateStyles } ?? []
        guard let sheetXML = try read(sheetPath) else { throw Unreadable() }
        let sheet = SheetReader(strings: strings, dateStyles: styles, date1904: book.date1904)
        return try XML.parse(sheetXML, into: sheet).csv
    }

    // MARK: Values

    /// A number as Excel shows it: at most 15 significant digits, no exponent, no trailing zeros
    /// (`1234.5599999999999` is `1234.56`, `1E-3` is `0.001`); text that is not a number is kept.
    static func number(_ raw: String) -> String {
        var s = Substring(raw.trimmingCharacters(in: .whitespaces))
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "E" || $0 == "e" }) {
            guard let x = Int(s[s.index(after: e)...]), abs(x) < 400 else { return raw }
            exponent = x
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), !(parts.count == 2 && parts[0].isEmpty && parts[1].isEmpty) else {
            return raw
        }
        var digits = (parts[0] + (parts.count == 2 ? parts[1] : "")).map { Int($0.asciiValue! - 48) }
        var point = parts[0].count + exponent
        while digits.count > 1, digits[0] == 0 { digits.removeFirst(); point -= 1 }
        guard digits.contains(where: { $0 != 0 }) else { return "0" }
        if digits.count > 15 {
            let up = digits[15] >= 5
            digits = Array(digits[..<15])
            if up {
                var i = 14
                while i >= 0, digits[i] == 9 { digits[i] = 0; i -= 1 }
                if i >= 0 { digits[i] += 1 } else { digits.insert(1, at: 0); digits.removeLast(); point += 1 }
            }
        }
        while digits.count > max(point, 1), digits.last == 0 { digits.removeLast() }
        let text = digits.map(String.init).joined()
        let whole: String, fraction: String
        if point <= 0 {
            whole = "0"; fraction = String(repeating: "0", count: -point) + text
        } else if point >= digits.count {
            whole = text + String(repeating: "0", count: point - digits.count); fraction = ""
        } else {
            whole = String(text.prefix(point)); fraction = String(text.dropFirst(point))
        }
        return (negative ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
    }

    /// A date serial (days since 1899-12-30, or 1904-01-01) as `2026-11-01`, with its time when it has one.
    static func date(_ raw: String, date1904: Bool) -> String? {
        guard let serial = Double(raw), serial >= 0, serial < 2_958_466 else { return nil }
        let seconds = Int64((serial * 86_400).rounded())
        let epoch: Int64 = date1904 ? CivilDateDays.of(1904, 1, 1) : CivilDateDays.of(1899, 12, 30)
        let day = epoch + seconds / 86_400, rest = seconds % 86_400
        let text = Dates.text(day)
        guard rest != 0 else { return text }
        return text + String(format: " %02d:%02d:%02d", rest / 3_600, rest / 60 % 60, rest % 60)
    }

    /// Whether a number format shows a date or a time: a built-in date format, or a code with
    /// y, m, d, h or s outside quotes, brackets and escapes (not `0.00`, `0.00E+00`, `General` or `[Red]#,##0`).
    static func isDateFormat(id: Int, code: String?) -> Bool {
        if (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id) { return true }
        guard let code else { return false }
        var quoted = false, bracket = false, escaped = false
        for c in code {
            if escaped { escaped = false; continue }
            if c == "\"" { quoted.toggle(); continue }
            if quoted { continue }
            if c == "\\" { escaped = true; continue }
            if c == "[" { bracket = true } else if c == "]" { bracket = false } else if !bracket, "yYmMdDhHsS".contains(c) { return true }
        }
        return false
    }

    /// The column index (0-based) of a cell reference such as `AB12`.
    static func column(_ reference: String) -> Int? {
        var n = 0, letters = 0
        for c in reference.uppercased() {
            guard let a = c.asciiValue, (65...90).contains(a) else { break }
            n = n * 26 + Int(a - 64)
            letters += 1
        }
        return letters == 0 || letters > 3 ? nil : n - 1
    }

    /// A field of a CSV line, quoted when it must be.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Days since 1970-01-01 of a civil date (for the workbook's epochs).
private enum CivilDateDays {
    static func of(_ year: Int, _ month: Int, _ day: Int) -> Int64 { Dates.day(String(format: "%04d-%02d-%02d", year, month, day))! }
}

// MARK: - The parts of the workbook

/// Parses XML into a reader (a parser delegate) and gives it back; malformed XML is unreadable.
private enum XML {
    static func parse<R: XMLParserDelegate>(_ data: Data, into reader: R) throws -> R {
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = false
        parser.delegate = reader
        guard parser.parse() else { throw Workbook.Unreadable() }
        return reader
    }

    /// An element's name without its namespace prefix (`x:row` is `row`).
    static func local(_ name: String) -> Substring { name.split(separator: ":").last ?? Substring(name) }
}

/// `xl/workbook.xml`: the first sheet's relation id, and whether dates count from 1904.
private final class BookReader: NSObject, XMLParserDelegate {
    var firstSheet: String?
    var date1904 = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XML.local(name) {
        case "sheet" where firstSheet == nil:
            firstSheet = attributes.first { XML.local($0.key) == "id" && $0.key != "sheetId" }?.value
        case "workbookPr":
            date1904 = ["1", "true"].contains(attributes["date1904"] ?? "")
        default: break
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: where each relation's part is.
private final class RelationsReader: NSObject, XMLParserDelegate {
    var targets: [String: String] = [:]

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if XML.local(name) == "Relationship", let id = attributes["Id"], let target = attributes["Target"] { targets[id] = target }
    }
}

/// `xl/sharedStrings.xml`: the texts cells point to, rich text joined, phonetic runs left out.
private final class StringsReader: NSObject, XMLParserDelegate {
    var strings: [String] = []
    private var current = "", inText = false, inPhonetic = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XML.local(name) {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText { current += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch XML.local(name) {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// `xl/styles.xml`: which cell styles (by index) show a date or a time.
private final class StylesReader: NSObject, XMLParserDelegate {
    private var codes: [Int: String] = [:]
    private var formats: [Int] = []
    private var inCellStyles = false

    var dateStyles: Set<Int> {
        Set(formats.enumerated().filter { Workbook.isDateFormat(id: $0.element, code: codes[$0.element]) }.map(\.offset))
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XML.local(name) {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init) { codes[id] = attributes["formatCode"] ?? "" }
        case "cellXfs": inCellStyles = true
        case "xf" where inCellStyles: formats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if XML.local(name) == "cellXfs" { inCellStyles = false }
    }
}

/// A worksheet: each row as a CSV line at its row number (blank lines fill the gaps, so that a
/// problem's line is the row Excel shows).
private final class SheetReader: NSObject, XMLParserDelegate {
    let strings: [String]
    let dateStyles: Set<Int>
    let date1904: Bool
    private var out: [UInt8] = []
    private var lastRow = 0, currentRow = 0
    private var cells: [Int: String] = [:]
    private var cellColumn = 0, cellType = "n", cellStyle = 0
    private var value = "", inValue = false, inInline = false

    var csv: [UInt8] { out }

    init(strings: [String], dateStyles: Set<Int>, date1904: Bool) {
        self.strings = strings
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch XML.local(name) {
        case "row":
            currentRow = max(attributes["r"].flatMap(Int.init) ?? lastRow + 1, lastRow + 1)
            // Blank lines stand for the rows between (the CSV reader skips them).
            while lastRow < currentRow - 1 { out += [0x0D, 0x0A]; lastRow += 1 }
            cells = [:]
        case "c":
            cellColumn = attributes["r"].flatMap(Workbook.column) ?? (cells.keys.max().map { $0 + 1 } ?? 0)
            cellType = attributes["t"] ?? "n"
            cellStyle = attributes["s"].flatMap(Int.init) ?? 0
            value = ""
        case "v": inValue = true
        case "is": inInline = true
        case "t" where inInline: inValue = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inValue { value += string } }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch XML.local(name) {
        case "v", "t": inValue = false
        case "is": inInline = false
        case "c":
            let text: String
            switch cellType {
            case "s": text = Int(value).flatMap { $0 < strings.count ? strings[$0] : nil } ?? ""
            case "inlineStr", "str", "e": text = value
            case "b": text = value == "1" ? "TRUE" : "FALSE"
            case "d": text = value.hasSuffix("T00:00:00") ? String(value.dropLast(9)) : value.replacingOccurrences(of: "T", with: " ")
            default:
                text = value.isEmpty ? "" : dateStyles.contains(cellStyle) ? (Workbook.date(value, date1904: date1904) ?? value) : Workbook.number(value)
            }
            if !text.isEmpty { cells[cellColumn] = text }
        case "row":
            lastRow = currentRow
            if let last = cells.keys.max() {
                out += Array((0...last).map { Workbook.csvField(cells[$0] ?? "") }.joined(separator: ",").utf8)
            }
            out += [0x0D, 0x0A]
        default: break
        }
    }
}
