import Foundation
import Vapor

/// Files people upload: the praise wall's photos, study-claim receipts, lesson images and files. A
/// file's kind is known by its first bytes (whatever its name or the browser says), checked against
/// what the folder takes and its size limit, and kept under the files folder with a random name. They
/// are never in Public/: each route that serves one first checks who may see what it belongs to.
struct Uploads {
    let folder: String
    let kinds: Set<Kind>
    let maxBytes: Int
    /// Message keys of the two refusals; both take `{max}`.
    let typeKey: String
    let sizeKey: String

    static let photoBytes = 5 * 1024 * 1024
    static let fileBytes = 20 * 1024 * 1024

    /// Photos of the praise wall: JPEG, PNG or WebP, at most 5 MB.
    static func wall(files: String) -> Uploads {
        Uploads(folder: files + "/wall", kinds: [.jpg, .png, .webp], maxBytes: photoBytes, typeKey: "wall_error_photo_type", sizeKey: "wall_error_photo_size")
    }

    /// Receipts of study claims: a photo or a PDF, at most 5 MB.
    static func receipts(files: String) -> Uploads {
        Uploads(folder: files + "/receipts", kinds: [.jpg, .png, .webp, .pdf], maxBytes: photoBytes, typeKey: "claim_error_receipt_type", sizeKey: "claim_error_receipt_size")
    }

    /// Lesson images (JPEG, PNG, WebP) and files (those or PDF), at most 20 MB.
    static func lessons(files: String, images only: Bool) -> Uploads {
        Uploads(folder: files + "/lessons", kinds: only ? [.jpg, .png, .webp] : [.jpg, .png, .webp, .pdf], maxBytes: fileBytes,
                typeKey: only ? "lesson_error_image_type" : "lesson_error_file_type", sizeKey: "lesson_error_file_size")
    }

    enum Kind: String, CaseIterable {
        case jpg, png, webp, pdf
        var contentType: HTTPMediaType {
            switch self {
            case .jpg: .jpeg
            case .png: .png
            case .webp: HTTPMediaType(type: "image", subType: "webp")
            case .pdf: .pdf
            }
        }
    }

    /// The kind of `bytes` by its signature, nil for anything else.
    static func kind(of bytes: [UInt8]) -> Kind? {
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpg }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) { return .webp }
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        return nil
    }

    /// A stored file's name: 32 hexadecimal digits and the kind's extension.
    static func isName(_ name: String) -> Bool {
        let parts = name.split(separator: ".")
        return parts.count == 2 && parts[0].count == 32 && parts[0].allSatisfy { $0.isHexDigit && !$0.isUppercase }
            && Kind(rawValue: String(parts[1])) != nil
    }

    /// What a file name keeps unencoded in `filename*` (RFC 5987): ASCII letters, digits and `.-_`.
    static let plain = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")

    var maxLabel: String { "\(maxBytes / 1024 / 1024) MB" }

    /// Checks and stores `bytes`; returns the new name. Written to a temporary name first and renamed,
    /// so a file is either whole or absent.
    func store(_ bytes: [UInt8]) throws -> String {
        guard !bytes.isEmpty else { throw Refusal(key: typeKey, values: ["max": maxLabel]) }
        guard bytes.count <= maxBytes else { throw Refusal(key: sizeKey, values: ["max": maxLabel]) }
        guard let kind = Self.kind(of: bytes), kinds.contains(kind) else { throw Refusal(key: typeKey, values: ["max": maxLabel]) }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let name = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined() + "." + kind.rawValue
        let temporary = folder + "/." + name + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        try FileManager.default.moveItem(atPath: temporary, toPath: folder + "/" + name)
        return name
    }

    /// The bytes and kind of a stored file, nil when the name is not one or the file is gone.
    func read(_ name: String) -> (bytes: Data, kind: Kind)? {
        guard Self.isName(name), let kind = Kind(rawValue: String(name.split(separator: ".")[1])), kinds.contains(kind),
              let data = FileManager.default.contents(atPath: folder + "/" + name) else { return nil }
        return (data, kind)
    }

    /// A response that shows a stored file (a PDF or an image in the browser, never anything that
    /// runs), kept in the private cache only; nil when it is not there. `filename` names the download.
    func response(_ name: String, filename: String? = nil) -> Response? {
        guard let (bytes, kind) = read(name) else { return nil }
        var headers = HTTPHeaders()
        headers.contentType = kind.contentType
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        let label = (filename ?? "").filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }
        headers.replaceOrAdd(name: .contentDisposition, value: label.isEmpty ? "inline"
                             : "inline; filename*=UTF-8''" + (label.addingPercentEncoding(withAllowedCharacters: Self.plain) ?? "file"))
        return Response(status: .ok, headers: headers, body: .init(data: bytes))
    }

    func remove(_ name: String) {
        guard Self.isName(name) else { return }
        try? FileManager.default.removeItem(atPath: folder + "/" + name)
    }
}
