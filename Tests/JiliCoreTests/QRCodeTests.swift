import Foundation
import Testing
@testable import JiliCore

/// QR codes match, module for module, those of a reference encoder (python-qrcode, written to
/// Tests/Fixtures/qr.json by make_qr.py): versions 1 to 15, short and long counts, UTF-8 text.
@Suite struct QRCodeTests {
    struct Reference: Decodable {
        let text: String
        let version: Int
        let mask: Int
        let rows: [String]
    }

    func references() throws -> [Reference] {
        let data = try Data(contentsOf: URL(fileURLWithPath: packageRoot + "/Tests/Fixtures/qr.json"))
        return try JSONDecoder().decode([Reference].self, from: data)
    }

    @Test func codesMatchTheReferenceEncoderModuleForModule() throws {
        let refs = try references()
        #expect(refs.count == 6 && Set(refs.map(\.version)).isSuperset(of: [1, 10, 15]))
        for ref in refs {
            let code = try QRCode(ref.text, mask: ref.mask)
            #expect(code.version == ref.version && code.size == ref.rows.count, "\(ref.text.prefix(20))")
            let rows = (0..<code.size).map { y in String((0..<code.size).map { code.isDark($0, y) ? "1" : "0" }) }
            #expect(rows == ref.rows, "\(ref.text.prefix(20)): version \(ref.version), mask \(ref.mask)")
        }
    }

    /// The penalty's rules on grids worked by hand, and the mask chosen is the one of the lowest.
    @Test func thePenaltyFollowsTheStandardsRulesAndTheLowestIsChosen() throws {
        var light = Grid(version: 1)
        // All light: runs of 21 (19 each, 21 rows and 21 columns), 400 2×2 blocks (3 each), 0% dark (9 steps of 5%).
        #expect(light.penalty() == 19 * 42 + 400 * 3 + 9 * 10)
        // Row 0 begins 1011101, light after it. Runs: 14 in row 0 (12), rows 1…20 (380), five columns of
        // 20 (90) and sixteen of 21 (304); 2×2: 380 below row 0 and 13 along it; one finder-like
        // pattern, the edge counting as light (40); 5 dark of 441 (90).
        for (x, on) in [true, false, true, true, true, false, true].enumerated() { light.dark[x] = on }
        #expect(light.penalty() == 786 + 393 * 3 + 40 + 90)
        for text in ["HELLO", "https://jili.example.com/invite/AbCdEfGhIjK0123456789_-abcdefghij"] {
            let chosen = try QRCode(text)
            let penalties = try (0..<8).map { mask -> Int in
                let c = try QRCode(text, mask: mask)
                var g = Grid(version: c.version)
                g.dark = c.modules
                return g.penalty()
            }
            #expect(penalties[chosen.mask] == penalties.min(), "\(text.prefix(10)): \(penalties)")
        }
    }

    @Test func theSVGDrawsEveryDarkModuleAndTooLongTextIsRefused() throws {
        let code = try QRCode("HELLO", mask: 2)
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 29 29\""))
        // Each run of dark modules is one `h` segment; their lengths add up to the dark modules.
        let runs = svg.split(separator: "h").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(runs.reduce(0, +) == code.modules.filter { $0 }.count)
        #expect(throws: QRCode.TooLong.self) { try QRCode(String(repeating: "x", count: 2_400)) }
        #expect(QRCode.svg(String(repeating: "x", count: 2_400)) == "")
    }
}
