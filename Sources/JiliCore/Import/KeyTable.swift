/// A set of string keys (member ids, order ids) kept as UTF-8 bytes in one buffer, each with a
/// dense index in insertion order, found by an open-addressing hash table.
///
/// Reading millions of CSV rows, this avoids a `String` and a SipHash per lookup: keys are hashed
/// and compared straight from the file's bytes.
public struct KeyTable: Sendable {
    private var bytes: [UInt8] = []
    /// Start of key i in `bytes`; key i ends where key i + 1 starts.
    private var starts: [Int] = [0]
    /// Slot → key index + 1 (0 is empty). Capacity is a power of two, at most half full.
    private var slots: [Int32] = Array(repeating: 0, count: 16)
    private var hashes: [UInt32] = []

    public init() {}

    public init(_ keys: [String]) {
        for k in keys { _ = insert(k) }
    }

    public var count: Int { starts.count - 1 }

    /// The key at an index.
    public subscript(index: Int) -> String {
        String(decoding: bytes[starts[index]..<starts[index + 1]], as: UTF8.self)
    }

    /// The bytes of the key at an index.
    public func withKey<T>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[index]..<starts[index + 1]])) }
    }

    public mutating func reserveCapacity(_ n: Int) {
        bytes.reserveCapacity(n * 8)
        starts.reserveCapacity(n + 1)
        hashes.reserveCapacity(n)
        var capacity = slots.count
        while capacity < n * 2 { capacity *= 2 }
        if capacity > slots.count { rehash(capacity) }
    }

    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    @inline(__always)
    private func equals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[index]
        let length = starts[index + 1] - start
        guard length == key.count else { return false }
        return bytes.withUnsafeBufferPointer { all in
            var i = 0
            while i < length {
                if all[start + i] != key[i] { return false }
                i += 1
            }
            return true
        }
    }

    /// The index of a key, or nil.
    @inline(__always)
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = slots[slot]
            if v == 0 { return nil }
            let index = Int(v - 1)
            if hashes[index] == UInt32(truncatingIfNeeded: h), equals(index, key) { return Int32(index) }
            slot = (slot + 1) & mask
        }
    }

    public func find(_ key: String) -> Int32? {
        var copy = key
        return copy.withUTF8 { find($0) }
    }

    /// Adds a key; returns its index and whether it was new.
    @inline(__always)
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int32, inserted: Bool) {
        let h = Self.hash(key)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let v = slots[slot]
            if v == 0 { break }
            let index = Int(v - 1)
            if hashes[index] == UInt32(truncatingIfNeeded: h), equals(index, key) { return (Int32(index), false) }
            slot = (slot + 1) & mask
        }
        let index = count
        bytes.append(contentsOf: key)
        starts.append(bytes.count)
        hashes.append(UInt32(truncatingIfNeeded: h))
        slots[slot] = Int32(index + 1)
        if count * 2 > slots.count { rehash(slots.count * 2) }
        return (Int32(index), true)
    }

    @discardableResult
    public mutating func insert(_ key: String) -> (index: Int32, inserted: Bool) {
        var copy = key
        return copy.withUTF8 { insert($0) }
    }

    private mutating func rehash(_ capacity: Int) {
        var fresh = [Int32](repeating: 0, count: capacity)
        let mask = capacity - 1
        for index in 0..<count {
            // The low 32 bits of the hash were kept; they place the key as well as the full hash would.
            var slot = Int(hashes[index]) & mask
            while fresh[slot] != 0 { slot = (slot + 1) & mask }
            fresh[slot] = Int32(index + 1)
        }
        slots = fresh
    }
}
