import Foundation

/// What a file given as CSV holds, and its text as UTF-8 CSV.
///
/// Excel saves "CSV UTF-8" with a BOM, "CSV (逗号分隔)" on a Chinese Windows in GBK (read as GB18030,
/// which contains it), and "Unicode text" as UTF-16 with a BOM and tabs between fields. Each of these
/// is read; a file that is no text at all (an image, a PDF, an Excel workbook) or text in an encoding
/// none of these is, is refused with a message that says so, instead of rows of garbled names.
public enum CSVText {
    public enum Found: Equatable, Sendable {
        case utf8
        case utf16(bigEndian: Bool)
        case gb18030
        /// Not a text file: what it is, as a code of ``kinds`` (`png`, `xlsx`, …).
        case notText(String)
        /// Text in no encoding Jili reads.
        case unknownEncoding
    }

    /// Looks at the first bytes (a file's signature) and the encoding of the rest.
    public static func inspect(_ bytes: UnsafeBufferPointer<UInt8>) -> Found {
        func starts(_ prefix: [UInt8]) -> Bool { bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 } }
        if starts([0xEF, 0xBB, 0xBF]) { return isUTF8(bytes) ? .utf8 : .unknownEncoding }
        if starts([0xFF, 0xFE]) { return .utf16(bigEndian: false) }
        if starts([0xFE, 0xFF]) { return .utf16(bigEndian: true) }
        for (signature, kind) in signatures where starts(signature) { return .notText(kind) }
        if isUTF8(bytes) { return bytes.contains(0) ? .notText("binary") : .utf8 }
        if bytes.contains(0) { return .notText("binary") }
        return gb18030(bytes) != nil ? .gb18030 : .unknownEncoding
    }

    /// Calls `body` with the file's text as UTF-8 CSV (the bytes themselves when they are UTF-8
    /// already, so that a large file is not copied), or returns the problem that refuses the file.
    public static func withUTF8<T>(_ bytes: UnsafeBufferPointer<UInt8>, file: String,
                                   _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> Result<T, InputProblem> {
        let text: String
        switch inspect(bytes) {
        case .utf8:
            return .success(try body(bytes))
        case .gb18030:
            guard let t = gb18030(bytes) else { return .failure(unknownEncoding(file)) }
            text = t
        case .utf16(let bigEndian):
            guard let t = String(data: Data(buffer: UnsafeBufferPointer(rebasing: bytes[2...])),
                                 encoding: bigEndian ? .utf16BigEndian : .utf16LittleEndian) else { return .failure(unknownEncoding(file)) }
            text = tabsToCommas(t)
        case .notText(let kind):
            return .failure(InputProblem(file: file, line: 0, message: "not a CSV file: it is \(kinds[kind] ?? kind); save the table as \"CSV UTF-8\" and try again",
                                         key: "csv_not_text", values: ["kind": kind]))
        case .unknownEncoding:
            return .failure(unknownEncoding(file))
        }
        var utf8 = Array(text.utf8)
        return .success(try utf8.withUnsafeMutableBufferPointer { try body(UnsafeBufferPointer($0)) })
    }

    static func unknownEncoding(_ file: String) -> InputProblem {
        InputProblem(file: file, line: 0, message: "the text is in an encoding Jili does not read; save the table as \"CSV UTF-8\" and try again",
                     key: "csv_unknown_encoding")
    }

    /// Signatures of files people pick by mistake, with the code of their kind.
    static let signatures: [([UInt8], String)] = [
        ([0x89, 0x50, 0x4E, 0x47], "png"), ([0xFF, 0xD8, 0xFF], "jpeg"), ([0x47, 0x49, 0x46, 0x38], "gif"),
        ([0x25, 0x50, 0x44, 0x46], "pdf"), ([0x50, 0x4B, 0x03, 0x04], "zip"), ([0xD0, 0xCF, 0x11, 0xE0], "xls"), ([0x52, 0x49, 0x46, 0x46], "riff"),
    ]

    /// The kinds of files that are not CSV, in English (interfaces in other languages name them by code).
    public static let kinds: [String: String] = [
        "png": "a PNG image", "jpeg": "a JPEG image", "gif": "a GIF image", "pdf": "a PDF document",
        "zip": "an Excel workbook (.xlsx) or another ZIP archive", "xls": "an Excel 97–2003 workbook (.xls)",
        "riff": "a RIFF file (an image or a sound)", "binary": "a binary file",
    ]

    /// GB18030 (which contains GBK and GB2312), as Foundation decodes it on Linux and macOS alike.
    static func gb18030(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        String(data: Data(buffer: bytes), encoding: String.Encoding(rawValue: 0x8000_0632))
    }

    /// Whether the bytes are well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
    public static func isUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard i + length <= n, (low...high).contains(b[i + 1]) else { return false }
            for k in 2..<max(2, length) where !(0x80...0xBF).contains(b[i + k]) { return false }
            i += length
        }
        return true
    }

    /// Tab-separated text ("Unicode text") as CSV: a tab outside quotes separates fields; a field
    /// that holds a comma, a quote or a line break is quoted. Text whose first line has commas and
    /// no tab is CSV already and stays as it is.
    static func tabsToCommas(_ text: String) -> String {
        let firstLine = text.prefix { !$0.isNewline }
        guard firstLine.contains("\t") && !firstLine.contains(",") else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        var field = ""
        var quoted = false
        var inQuotes = false
        func endField() {
            if quoted || field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
                out += "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            } else {
                out += field
            }
            field = ""
            quoted = false
        }
        var chars = Array(text)
        if chars.last?.isNewline != true { chars.append("\n") }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
                quoted = true
            } else if c == "\t" {
                endField()
                out.append(",")
            } else if c.isNewline {
                endField()
                out.append("\n")
            } else {
                field.append(c)
            }
            i += 1
        }
        return out
    }
}
