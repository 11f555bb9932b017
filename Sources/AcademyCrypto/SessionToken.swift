public import Foundation

/// A key that signs session tokens; its id travels in every token so that verification picks the
/// right key after a rotation.
public struct SigningKey: Sendable, Equatable {
    public let id: String
    public let secret: [UInt8]

    public init(id: String, secret: [UInt8]) {
        self.id = id
        self.secret = secret
    }

    /// A fresh key: 256 random bits, and an id that is short and safe inside a token. An id never
    /// starts with `-`: `academy keys retire <kid>` would read it as an option.
    public static func generate() -> SigningKey {
        var id: String
        repeat {
            id = Base64URL.encode(SecureRandom.bytes(count: 6))
        } while id.hasPrefix("-")
        return SigningKey(id: id, secret: SecureRandom.bytes(count: 32))
    }

    /// Ids are short runs of the base64url alphabet, as the database's CHECK constraint says.
    static func isValidID(_ id: Substring) -> Bool {
        (1...32).contains(id.utf8.count) && id.utf8.allSatisfy(Base64URL.isAlphabet)
    }
}

/// What a verified token says: which session, signed by which key, valid until when.
public struct SessionTokenClaims: Sendable, Equatable {
    public let keyID: String
    public let sessionID: UUID
    public let expiresAt: Date
}

/// Why a token was refused. Clients are told only "401"; the reason is for logs and tests.
public enum SessionTokenRejection: Error, Sendable, Equatable {
    case malformed
    case unknownKey
    case badSignature
    case expired
}

/// Session tokens `v1.<kid>.<session-id>.<expires>.<mac>`: the MAC is HMAC-SHA256 over everything
/// before it. Verification needs no database: a forged, tampered or expired token is refused by
/// arithmetic alone, so forgeries cost the server almost nothing.
public enum SessionToken {
    static let version = "v1"
    static let maximumLength = 256

    public static func issue(sessionID: UUID, expiresAt: Date, key: SigningKey) -> String {
        let unsigned = "\(version).\(key.id).\(sessionID.uuidString.lowercased()).\(Int64(expiresAt.timeIntervalSince1970))"
        let mac = HMACSHA256.authenticationCode(for: Array(unsigned.utf8), key: key.secret)
        return "\(unsigned).\(Base64URL.encode(mac))"
    }

    public static func verify(
        _ token: String,
        now: Date,
        key keyForID: (String) -> SigningKey?
    ) -> Result<SessionTokenClaims, SessionTokenRejection> {
        guard token.utf8.count <= maximumLength else { return .failure(.malformed) }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0] == version,
              SigningKey.isValidID(parts[1]),
              let sessionID = UUID(uuidString: String(parts[2])), parts[2] == sessionID.uuidString.lowercased(),
              parts[3].utf8.count <= 12, parts[3].utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let expires = Int64(parts[3]),
              let mac = Base64URL.decode(parts[4]), mac.count == HMACSHA256.byteCount
        else {
            return .failure(.malformed)
        }
        guard let key = keyForID(String(parts[1])) else { return .failure(.unknownKey) }
        let signedLength = token.utf8.count - parts[4].utf8.count - 1
        let signed = Array(token.utf8.prefix(signedLength))
        guard HMACSHA256.isValid(mac, for: signed, key: key.secret) else { return .failure(.badSignature) }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expires))
        guard expiresAt > now else { return .failure(.expired) }
        return .success(SessionTokenClaims(keyID: key.id, sessionID: sessionID, expiresAt: expiresAt))
    }
}
