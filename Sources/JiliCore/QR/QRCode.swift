/// A QR code (ISO/IEC 18004) of text in byte mode (UTF-8) at error correction level M, the smallest
/// version (1…40) that holds it, with the mask of the lowest penalty — for invitation links shown on
/// a phone or printed. Drawn as SVG by ``svg(border:)``.
public struct QRCode: Sendable, Equatable {
    /// 21 (version 1) … 177 (version 40) modules a side.
    public let size: Int
    public let version: Int
    public let mask: Int
    /// Row-major; true is a dark module.
    public let modules: [Bool]

    public struct TooLong: Error {}

    public func isDark(_ x: Int, _ y: Int) -> Bool { modules[y * size + x] }

    /// The SVG of a code of `text` (an invitation link); empty for text too long for any version.
    /// The code of `text` as SVG; `label` is what a screen reader says of the picture.
    public static func svg(_ text: String, label: String = "QR") -> String { (try? QRCode(text))?.svg(label: label) ?? "" }

    /// Encodes `text`; `mask` forces one of the eight masks (the lowest penalty's otherwise).
    public init(_ text: String, mask forced: Int? = nil) throws {
        let data = Array(text.utf8)
        guard let version = (1...40).first(where: { Self.dataCapacityBits($0) >= 4 + Self.countBits($0) + data.count * 8 }) else { throw TooLong() }
        // Mode indicator (byte), character count, data, terminator and padding to the capacity.
        var bits = BitBuffer()
        bits.append(0b0100, 4)
        bits.append(data.count, Self.countBits(version))
        for b in data { bits.append(Int(b), 8) }
        let capacity = Self.dataCapacityBits(version)
        bits.append(0, min(4, capacity - bits.count))
        bits.append(0, (8 - bits.count % 8) % 8)
        var pad = 0xEC
        while bits.count < capacity { bits.append(pad, 8); pad ^= 0xEC ^ 0x11 }
        var grid = Grid(version: version)
        grid.drawFunctionPatterns()
        grid.drawCodewords(Self.interleaved(bits.bytes, version: version))
        let chosen = forced ?? (0..<8).min { a, b in grid.masked(a).penalty() < grid.masked(b).penalty() }!
        let done = grid.masked(chosen)
        size = done.size
        self.version = version
        mask = chosen
        modules = done.dark
    }

    /// The code as an SVG image: one path of unit squares, `border` light modules around (4 by the standard).
    public func svg(border: Int = 4, label: String = "QR") -> String {
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x, y) else { x += 1; continue }
                var run = 1
                while x + run < size, isDark(x + run, y) { run += 1 }
                path += "M\(x + border),\(y + border)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let side = size + 2 * border
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"\(Self.escaped(label))\">"
            + "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    // MARK: Capacity and error correction (level M)

    static let eccPerBlock = [-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28, 28, 28, 28, 28,
                              28, 28, 28, 28, 28, 28, 28, 28, 28, 28]
    static let blocks = [-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38,
                         40, 43, 45, 47, 49]

    /// Bits of the character count in byte mode.
    static func countBits(_ version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// Modules left for data and error correction once the function patterns are drawn.
    static func rawModules(_ v: Int) -> Int {
        var n = (16 * v + 128) * v + 64
        if v >= 2 {
            let align = v / 7 + 2
            n -= (25 * align - 10) * align - 55
            if v >= 7 { n -= 36 }
        }
        return n
    }

    static func dataCapacityBits(_ v: Int) -> Int { (rawModules(v) / 8 - eccPerBlock[v] * blocks[v]) * 8 }

    /// The data split into blocks, each with its Reed–Solomon codewords, interleaved.
    static func interleaved(_ data: [UInt8], version v: Int) -> [UInt8] {
        let count = blocks[v], ecc = eccPerBlock[v], raw = rawModules(v) / 8
        let shortLength = raw / count, shorts = count - raw % count
        let divisor = ReedSolomon.divisor(degree: ecc)
        var split: [[UInt8]] = []
        var k = 0
        for i in 0..<count {
            let length = shortLength - ecc + (i < shorts ? 0 : 1)
            var block = Array(data[k..<k + length])
            k += length
            let remainder = ReedSolomon.remainder(block, divisor)
            if i < shorts { block.append(0) }
            split.append(block + remainder)
        }
        var out: [UInt8] = []
        for i in 0..<split[0].count {
            for (j, block) in split.enumerated() where i != shortLength - ecc || j >= shorts { out.append(block[i]) }
        }
        return out
    }
}

/// Reed–Solomon over GF(256) with the QR polynomial 0x11D.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in stride(from: 7, through: 0, by: -1) {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z & 0xFF)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree)
        result[degree - 1] = 1
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], _ divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for b in data {
            let factor = b ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}

struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, _ length: Int) {
        guard length > 0 else { return }
        for i in stride(from: length - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[start + $1] ? 1 : 0) }
        }
    }
}

/// The modules as they are drawn: function patterns (kept from masking), then data.
struct Grid {
    let version: Int
    let size: Int
    var dark: [Bool]
    var function: [Bool]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        dark = Array(repeating: false, count: size * size)
        function = Array(repeating: false, count: size * size)
    }

    mutating func set(_ x: Int, _ y: Int, _ on: Bool) {
        dark[y * size + x] = on
        function[y * size + x] = true
    }

    mutating func drawFunctionPatterns() {
        for i in 0..<size {
            set(6, i, i % 2 == 0)
            set(i, 6, i % 2 == 0)
        }
        for (x, y) in [(3, 3), (size - 4, 3), (3, size - 4)] { drawFinder(x, y) }
        let positions = alignmentPositions()
        for (i, px) in positions.enumerated() {
            for (j, py) in positions.enumerated() {
                let corner = (i == 0 && j == 0) || (i == 0 && j == positions.count - 1) || (i == positions.count - 1 && j == 0)
                if !corner { drawAlignment(px, py) }
            }
        }
        drawFormat(mask: 0)
        drawVersion()
    }

    mutating func drawFinder(_ cx: Int, _ cy: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let d = max(abs(dx), abs(dy)), x = cx + dx, y = cy + dy
                if (0..<size).contains(x), (0..<size).contains(y) { set(x, y, d != 2 && d != 4) }
            }
        }
    }

    mutating func drawAlignment(_ cx: Int, _ cy: Int) {
        for dy in -2...2 { for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) } }
    }

    func alignmentPositions() -> [Int] {
        guard version > 1 else { return [] }
        let count = version / 7 + 2
        let step = version == 32 ? 26 : (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        var result = [6]
        var pos = size - 7
        var rest: [Int] = []
        for _ in 0..<(count - 1) { rest.insert(pos, at: 0); pos -= step }
        result += rest
        return result
    }

    /// The format bits: level M (00) and the mask, BCH-coded and XORed with 0x5412.
    mutating func drawFormat(mask: Int) {
        let data = (0b00 << 3) | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = (data << 10 | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(8, i, bit(i)) }
        set(8, 7, bit(6))
        set(8, 8, bit(7))
        set(7, 8, bit(8))
        for i in 9..<15 { set(14 - i, 8, bit(i)) }
        for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
        for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
        set(8, size - 8, true)
    }

    mutating func drawVersion() {
        guard version >= 7 else { return }
        var rem = version
        for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
        let bits = version << 12 | rem
        for i in 0..<18 {
            let on = (bits >> i) & 1 == 1, a = size - 11 + i % 3, b = i / 3
            set(a, b, on)
            set(b, a, on)
        }
    }

    /// Data and error-correction bits in the zigzag order, skipping function modules.
    mutating func drawCodewords(_ codewords: [UInt8]) {
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            for vert in 0..<size {
                for j in 0..<2 {
                    let x = right - j
                    let upward = (right + 1) & 2 == 0
                    let y = upward ? size - 1 - vert : vert
                    if !function[y * size + x], i < codewords.count * 8 {
                        dark[y * size + x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
                    }
                }
            }
            right -= 2
        }
    }

    /// A copy with `mask` applied to the data modules and its format bits drawn.
    func masked(_ mask: Int) -> Grid {
        var g = self
        for y in 0..<size {
            for x in 0..<size where !function[y * size + x] {
                let invert: Bool
                switch mask {
                case 0: invert = (x + y) % 2 == 0
                case 1: invert = y % 2 == 0
                case 2: invert = x % 3 == 0
                case 3: invert = (x + y) % 3 == 0
                case 4: invert = (x / 3 + y / 2) % 2 == 0
                case 5: invert = x * y % 2 + x * y % 3 == 0
                case 6: invert = (x * y % 2 + x * y % 3) % 2 == 0
                default: invert = ((x + y) % 2 + x * y % 3) % 2 == 0
                }
                if invert { g.dark[y * size + x].toggle() }
            }
        }
        g.drawFormat(mask: mask)
        return g
    }

    /// The standard's penalty: runs of five or more, 2×2 blocks, finder-like patterns, dark balance.
    func penalty() -> Int {
        var result = 0
        func at(_ x: Int, _ y: Int) -> Bool { dark[y * size + x] }
        for horizontal in [true, false] {
            for a in 0..<size {
                var line: [Bool] = []
                line.reserveCapacity(size)
                for b in 0..<size { line.append(horizontal ? at(b, a) : at(a, b)) }
                var run = 1
                for b in 1...size {
                    if b < size, line[b] == line[b - 1] { run += 1; continue }
                    if run >= 5 { result += run - 2 }
                    run = 1
                }
                // 1:1:3:1:1 with four light modules on either side (the edge counts as light).
                let padded = [Bool](repeating: false, count: 4) + line + [Bool](repeating: false, count: 4)
                let pattern: [Bool] = [true, false, true, true, true, false, true]
                for s in 0...(padded.count - 7) where Array(padded[s..<s + 7]) == pattern {
                    let before = s >= 4 && !padded[(s - 4)..<s].contains(true)
                    let after = s + 11 <= padded.count && !padded[(s + 7)..<(s + 11)].contains(true)
                    // Once per pattern, the edge counting as light (as ZXing reads the rule; encoders
                    // differ here, which only changes the mask chosen, never what a scanner reads).
                    if before || after { result += 40 }
                }
            }
        }
        for y in 0..<(size - 1) {
            for x in 0..<(size - 1) {
                let c = at(x, y)
                if c == at(x + 1, y), c == at(x, y + 1), c == at(x + 1, y + 1) { result += 3 }
            }
        }
        let darkCount = dark.filter { $0 }.count, total = size * size
        let k = (abs(darkCount * 20 - total * 10) + total - 1) / total - 1
        result += k * 10
        return result
    }
}
