import Foundation
import Testing
@testable import JiliCore

/// Files given as CSV: their encoding found, their text read as UTF-8, other files named.
@Suite struct CSVTextTests {
    let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    func found(_ bytes: [UInt8]) -> CSVText.Found { bytes.withUnsafeBufferPointer { CSVText.inspect($0) } }

    func text(_ bytes: [UInt8]) -> Result<String, InputProblem> {
        bytes.withUnsafeBufferPointer { raw in CSVText.withUTF8(raw, file: "t.csv") { String(decoding: $0, as: UTF8.self) } }
    }

    @Test func theEncodingIsFoundFromTheBytes() throws {
        #expect(found(Array("id,name\nA,张三\n".utf8)) == .utf8)
        #expect(found([0xEF, 0xBB, 0xBF] + Array("id\n".utf8)) == .utf8)
        #expect(found(Array(try #require("id,name\nA,张三\n".data(using: gb18030)))) == .gb18030)
        #expect(found([0xFF, 0xFE, 0x69, 0x00]) == .utf16(bigEndian: false))
        #expect(found([0xFE, 0xFF, 0x00, 0x69]) == .utf16(bigEndian: true))
        #expect(found([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A]) == .notText("png"))
        #expect(found([0x50, 0x4B, 0x03, 0x04]) == .notText("zip"))
        #expect(found(Array("%PDF-1.7".utf8)) == .notText("pdf"))
        #expect(found([0x61, 0x00, 0x62]) == .notText("binary"))
        #expect(found([0x61, 0xFF, 0x62]) == .unknownEncoding)
    }

    @Test func gbkAndUnicodeTextAreReadAsUTF8CSV() throws {
        let gbk = Array(try #require("id,name\r\nA,欧阳娜娜\r\n".data(using: gb18030)))
        #expect(try text(gbk).get() == "id,name\r\nA,欧阳娜娜\r\n")
        // "Unicode text": tabs between fields; a field with a comma or a quote is quoted in the CSV.
        let tsv = "id\tname\tnote\r\nA\t\"李, 雷\"\t说 \"好\"\r\nB\t韩梅梅\t\r\n"
        let utf16 = [0xFF, 0xFE] + Array(try #require(tsv.data(using: .utf16LittleEndian)))
        #expect(try text(utf16).get() == "id,name,note\nA,\"李, 雷\",\"说 \"\"好\"\"\"\nB,韩梅梅,\n")
        // UTF-8 is handed on as it is, not copied.
        let utf8 = Array("id\nA\n".utf8)
        let same = utf8.withUnsafeBufferPointer { raw in CSVText.withUTF8(raw, file: "t.csv") { $0.baseAddress == raw.baseAddress } }
        #expect(try same.get())
    }

    @Test func otherFilesAreRefusedSayingWhatTheyAre() {
        #expect(throws: InputProblem(file: "t.csv", line: 0,
                                     message: "not a CSV file: it is a PNG image; save the table as \"CSV UTF-8\" and try again",
                                     key: "csv_not_text", values: ["kind": "png"])) { try text([0x89, 0x50, 0x4E, 0x47]).get() }
        #expect(throws: InputProblem(file: "t.csv", line: 0,
                                     message: "the text is in an encoding Jili does not read; save the table as \"CSV UTF-8\" and try again",
                                     key: "csv_unknown_encoding")) { try text([0x61, 0xFF, 0x62]).get() }
    }

    @Test func utf8IsCheckedStrictly() {
        func ok(_ b: [UInt8]) -> Bool { b.withUnsafeBufferPointer { CSVText.isUTF8($0) } }
        #expect(ok(Array("ascii, 中文, 😀".utf8)))
        #expect(!ok([0xC0, 0xAF]))              // overlong "/"
        #expect(!ok([0xED, 0xA0, 0x80]))        // a surrogate
        #expect(!ok([0xF4, 0x90, 0x80, 0x80]))  // past U+10FFFF
        #expect(!ok([0xE4, 0xB8]))              // cut short
        #expect(!ok([0xE4, 0x41, 0x41]))        // not a continuation
    }
}
