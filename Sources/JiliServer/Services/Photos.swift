import Foundation
import NIOCore

/// Photos of the praise wall: JPEG, PNG or WebP (known by their first bytes, whatever the name or the
/// browser says), at most 5 MB, kept under the files folder's `wall/` with a random name. They are
/// never in Public/: the wall's route serves one only to those who may see its post.
struct Photos {
    static let maxBytes = 5 * 1024 * 1024
    let folder: String

    init(files: String) { folder = files + "/wall" }

    enum Kind: String {
        case jpg, png, webp
        var contentType: String {
            switch self {
            case .jpg: "image/jpeg"
            case .png: "image/png"
            case .webp: "image/webp"
            }
        }
    }

    struct Refusal: Error, Equatable {
        let key: String
    }

    /// The image kind of `bytes` by its signature, nil for anything else.
    static func kind(of bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        return nil
    }

    /// A stored photo's name: 32 hexadecimal digits and the kind's extension.
    static func isName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        return parts.count == 2 && parts[0].count == 32 && parts[0].allSatisfy { $0.isHexDigit && !$0.isUppercase }
            && Kind(rawValue: String(parts[1])) != nil
    }

    /// Checks and stores `bytes`; returns the new name. Written to a temporary name first and renamed,
    /// so a photo is either whole or absent.
    func store(_ bytes: [UInt8]) throws -> String {
        guard !bytes.isEmpty else { throw Refusal(key: "wall_error_photo_type") }
        guard bytes.count <= Self.maxBytes else { throw Refusal(key: "wall_error_photo_size") }
        guard let kind = Self.kind(of: bytes) else { throw Refusal(key: "wall_error_photo_type") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined() + "." + kind.rawValue
        let temporary = folder + "/." + name + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        try FileManager.default.moveItem(atPath: temporary, toPath: folder + "/" + name)
        return name
    }

    /// The bytes and kind of a stored photo, nil when the name is not one or the file is gone.
    func read(_ name: String) -> (bytes: Data, kind: Kind)? {
        guard Self.isName(name), let kind = Kind(rawValue: String(name.split(separator: ".")[1])),
              let data = FileManager.default.contents(atPath: folder + "/" + name) else { return nil }
        return (data, kind)
    }

    func remove(_ name: String) {
        guard Self.isName(name) else { return }
        try? FileManager.default.removeItem(atPath: folder + "/" + name)
    }
}
