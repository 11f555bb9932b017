public import Foundation

/// The files a lesson may carry, what their bytes must look like, and how they are served.
public enum AttachmentRules {
    /// What names a stored file: its SHA-256 as 64 lowercase ASCII hex digits (a path, a key and
    /// a database check are made of it, so nothing else may pass for one).
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// Media types accepted for upload, each with the test its first bytes must pass.
    public static let acceptedTypes: [String] = [
        "application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp",
        "audio/mpeg", "audio/ogg", "video/mp4", "text/plain", "text/markdown", "text/csv",
    ]

    /// Media types by file name extension, for files that arrive without a declared type (folders,
    /// zips, multipart parts).
    public static let typesByExtension: [String: String] = [
        "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
        "webp": "image/webp", "mp3": "audio/mpeg", "ogg": "audio/ogg", "mp4": "video/mp4", "txt": "text/plain",
        "md": "text/markdown", "csv": "text/csv",
    ]

    /// Where an attachment is served; lesson HTML links to it there.
    public static func url(of id: UUID) -> String {
        "/api/v1/attachments/\(id.apiString)"
    }

    public static func mediaType(forFileNamed name: String) -> String? {
        guard name.contains(".") else { return nil }
        return name.split(separator: ".").last.flatMap { typesByExtension[$0.lowercased()] }
    }

    /// How many leading bytes `matches` needs to see.
    public static let sniffLength = 512

    /// The declared type without parameters, lowercased, if it is one we accept.
    public static func mediaType(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        let base = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return acceptedTypes.contains(base) ? base : nil
    }

    /// Whether the first bytes of a file are what its declared type says: a "PDF" that is an
    /// executable, or "text" with NUL bytes, is refused.
    public static func matches(_ mediaType: String, prefix: [UInt8]) -> Bool {
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            prefix.count >= offset + signature.count && Array(prefix[offset..<offset + signature.count]) == signature
        }
        switch mediaType {
        case "application/pdf": return starts(Array("%PDF-".utf8))
        case "image/png": return starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        case "image/jpeg": return starts([0xFF, 0xD8, 0xFF])
        case "image/gif": return starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8))
        case "image/webp": return starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8)
        case "audio/mpeg": return starts(Array("ID3".utf8)) || (prefix.count >= 2 && prefix[0] == 0xFF && prefix[1] & 0xE0 == 0xE0)
        case "audio/ogg": return starts(Array("OggS".utf8))
        case "video/mp4": return starts(Array("ftyp".utf8), at: 4)
        case "text/plain", "text/markdown", "text/csv": return isText(prefix)
        default: return false
        }
    }

    /// No NUL bytes and valid UTF-8, allowing a multi-byte character cut off at the end of the prefix.
    static func isText(_ prefix: [UInt8]) -> Bool {
        guard !prefix.contains(0) else { return false }
        for cut in 0...min(3, prefix.count) where String(validating: prefix.dropLast(cut), as: UTF8.self) != nil {
            return true
        }
        return false
    }

    /// A file name as people give it: NFC, 1–255 bytes, no path separators or control characters.
    public static func filename(_ raw: String, field: String = "filename") -> Result<String, FieldError> {
        let name = raw.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
        // Something besides dots and spaces: no ".", "..", or a name that only looks empty.
        guard (1...255).contains(name.utf8.count), name.contains(where: { $0 != "." && !$0.isWhitespace }),
              !name.contains("/"), !name.contains("\\"),
              !name.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) })
        else {
            return .failure(FieldError(field: field, message: "must be a file name of 1–255 bytes without / \\ or control characters, and more than dots"))
        }
        return .success(name)
    }

    /// `Content-Disposition` that keeps a Unicode file name (RFC 6266 with RFC 8187's
    /// `filename*`), with an ASCII fallback for old clients. Media a browser can show open inline.
    public static func contentDisposition(filename: String, mediaType: String) -> String {
        let inline = mediaType.hasPrefix("image/") || mediaType.hasPrefix("audio/") || mediaType.hasPrefix("video/") || mediaType == "application/pdf"
        let fallback = String(filename.unicodeScalars.map { scalar in
            scalar.isASCII && scalar.value >= 0x20 && scalar != "\"" && scalar != "\\" && scalar != "%" ? Character(scalar) : "_"
        })
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: unreserved) ?? fallback
        return "\(inline ? "inline" : "attachment"); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

/// One byte range of a `Range: bytes=…` request (RFC 9110 §14), resolved against a size.
public struct ByteRange: Sendable, Equatable {
    public let first: Int
    public let last: Int

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    public var length: Int { last - first + 1 }

    public enum Outcome: Sendable, Equatable {
        /// No usable Range header: send the whole file (200).
        case whole
        /// Send this part (206).
        case partial(ByteRange)
        /// Nothing of the file is in the range (416).
        case unsatisfiable
    }

    /// Reads a single range; several ranges, other units and malformed headers get the whole file,
    /// as RFC 9110 allows a server to ignore them.
    public static func resolve(_ header: String?, size: Int) -> Outcome {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .whole }
        let start = Int(parts[0]), end = Int(parts[1])
        switch (parts[0].isEmpty, parts[1].isEmpty) {
        case (true, false):
            guard let suffix = end, suffix >= 0 else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(ByteRange(first: max(0, size - suffix), last: size - 1))
        case (false, _):
            guard let start, start >= 0 else { return .whole }
            if !parts[1].isEmpty, end == nil || end! < start { return .whole }
            guard start < size else { return .unsatisfiable }
            return .partial(ByteRange(first: start, last: min(end ?? size - 1, size - 1)))
        default:
            return .whole
        }
    }
}
