public import Foundation

/// A key that signs session tokens; its id travels in every token so that verification picks the
/// right key after a rotation.
public struct SigningKey: Sendable, Equatable {
    public let id: String
    public let secret: [UInt8]
    /// The secret made ready for HMAC once, not on every token.
    let mac: HMACSHA256.Key

    public init(id: String, secret: [UInt8]) {
        self.id = id
        self.secret = secret
        self.mac = HMACSHA256.Key(secret)
    }

    public static func == (left: SigningKey, right: SigningKey) -> Bool {
        left.id == right.id && left.secret == right.secret
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
    static func isValidID(_ id: some Collection<UInt8>) -> Bool {
        (1...32).contains(id.count) && id.allSatisfy(Base64URL.isAlphabet)
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
        let mac = key.mac.authenticationCode(for: Array(unsigned.utf8))
        return "\(unsigned).\(Base64URL.encode(mac))"
    }

    /// Runs on every authenticated request and on every forgery, so it reads the token's bytes
    /// where they lie: no `Character` splitting, no copies of the parts, no Foundation UUID parsing.
    public static func verify(
        _ token: String,
        now: Date,
        key keyForID: (String) -> SigningKey?
    ) -> Result<SessionTokenClaims, SessionTokenRejection> {
        guard token.utf8.count <= maximumLength else { return .failure(.malformed) }
        var token = token
        return token.withUTF8 { verify($0, now: now, key: keyForID) }
    }

    private static func verify(
        _ token: UnsafeBufferPointer<UInt8>,
        now: Date,
        key keyForID: (String) -> SigningKey?
    ) -> Result<SessionTokenClaims, SessionTokenRejection> {
        let dot = UInt8(ascii: ".")
        guard let versionEnd = token.firstIndex(of: dot),
              let keyEnd = token[(versionEnd + 1)...].firstIndex(of: dot),
              let sessionEnd = token[(keyEnd + 1)...].firstIndex(of: dot),
              let expiresEnd = token[(sessionEnd + 1)...].firstIndex(of: dot),
              !token[(expiresEnd + 1)...].contains(dot),
              token[..<versionEnd].elementsEqual(version.utf8)
        else {
            return .failure(.malformed)
        }
        let keyID = token[(versionEnd + 1)..<keyEnd]
        guard SigningKey.isValidID(keyID),
              let sessionID = canonicalUUID(token[(keyEnd + 1)..<sessionEnd]),
              let expires = decimalSeconds(token[(sessionEnd + 1)..<expiresEnd]),
              let mac = Base64URL.decode(bytes: token[(expiresEnd + 1)...]), mac.count == HMACSHA256.byteCount
        else {
            return .failure(.malformed)
        }
        guard let key = keyForID(String(decoding: keyID, as: UTF8.self)) else { return .failure(.unknownKey) }
        guard key.mac.isValid(mac, forBytes: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: token[..<expiresEnd]))) else {
            return .failure(.badSignature)
        }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expires))
        guard expiresAt > now else { return .failure(.expired) }
        return .success(SessionTokenClaims(keyID: key.id, sessionID: sessionID, expiresAt: expiresAt))
    }

    /// A session id exactly as `issue` writes it: lowercase hex, 8-4-4-4-12, so that each session
    /// has one token spelling.
    static func canonicalUUID(_ text: some Collection<UInt8>) -> UUID? {
        guard text.count == 36 else { return nil }
        var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &uuid) { bytes in
            var written = 0
            var highNibble: UInt8?
            for (offset, character) in text.enumerated() {
                if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                let nibble: UInt8
                switch character {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
                default: return false
                }
                if let high = highNibble {
                    bytes[written] = high << 4 | nibble
                    written += 1
                    highNibble = nil
                } else {
                    highNibble = nibble
                }
            }
            return true
        }
        return parsed ? UUID(uuid: uuid) : nil
    }

    /// Seconds since 1970 in at most 12 decimal digits (no sign, no spaces).
    static func decimalSeconds(_ text: some Collection<UInt8>) -> Int64? {
        guard (1...12).contains(text.count) else { return nil }
        var value: Int64 = 0
        for character in text {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character) else { return nil }
            value = value * 10 + Int64(character - UInt8(ascii: "0"))
        }
        return value
    }
}
