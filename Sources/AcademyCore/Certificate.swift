public import Foundation

/// What a certificate attests, signed as canonical JSON: keys sorted, no spaces, UTF-8, so that
/// the same facts always give the same bytes and anyone can check the signature.
public struct CertificatePayload: Sendable, Equatable, Codable {
    public var certificateId: String
    public var serial: String
    public var studentName: String
    public var courseId: String
    public var courseSlug: String
    public var courseTitle: String
    public var language: String
    public var completedAt: String

    public init(certificateId: String, serial: String, studentName: String, courseId: String, courseSlug: String, courseTitle: String, language: String, completedAt: String) {
        self.certificateId = certificateId
        self.serial = serial
        self.studentName = studentName
        self.courseId = courseId
        self.courseSlug = courseSlug
        self.courseTitle = courseTitle
        self.language = language
        self.completedAt = completedAt
    }

    public func canonicalJSON() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a struct of strings cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }

    public static func decode(canonicalJSON bytes: [UInt8]) -> CertificatePayload? {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(CertificatePayload.self, from: Data(bytes))
    }
}

public struct Certificate: Sendable, Equatable {
    public let id: UUID
    public let enrollmentID: UUID
    public let payload: String
    public let signature: String
    public let keyID: String
    public let issuedAt: Date
    public let revokedAt: Date?
    public let revokedReason: String?

    public init(id: UUID, enrollmentID: UUID, payload: String, signature: String, keyID: String, issuedAt: Date, revokedAt: Date?, revokedReason: String?) {
        self.id = id
        self.enrollmentID = enrollmentID
        self.payload = payload
        self.signature = signature
        self.keyID = keyID
        self.issuedAt = issuedAt
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
    }

    /// What a signing key's id looks like (the database's check): anything else names no key,
    /// and is answered without a query.
    public static func isKeyID(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
