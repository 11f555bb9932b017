@testable import AcademyCrypto
import Foundation
import Testing

@Suite struct ScryptTests {
    // RFC 7914 §12, the vectors small enough for a unit test.
    @Test func matchesRFC7914() {
        let empty = Scrypt.derive(password: [], salt: [], parameters: .init(logN: 4, r: 1, p: 1), length: 64)
        #expect(empty == HMACSHA256Tests.bytes(hex: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"))
        let nacl = Scrypt.derive(password: Array("password".utf8), salt: Array("NaCl".utf8), parameters: .init(logN: 10, r: 8, p: 16), length: 64)
        #expect(nacl == HMACSHA256Tests.bytes(hex: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"))
    }

    /// The OWASP parameters need more than OpenSSL's default 32 MiB memory cap.
    @Test func owaspParametersRunWithTheirMemory() {
        let key = Scrypt.derive(password: Array("pleaseletmein".utf8), salt: Array("SodiumChloride".utf8), parameters: .owasp, length: 32)
        #expect(key.count == 32)
    }
}

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: .init(logN: 10, r: 8, p: 1))

    @Test func hashesAreSelfDescribingAndSalted() {
        let first = hasher.hash("correct horse battery")
        let second = hasher.hash("correct horse battery")
        #expect(first.hasPrefix("$scrypt$ln=10,r=8,p=1$"))
        #expect(first != second)
        #expect(!first.contains("correct"))
    }

    @Test func verifiesAndAsksForRehashWhenParametersChange() {
        let stored = hasher.hash("correct horse battery")
        #expect(hasher.verify("correct horse battery", against: stored) == .match(needsRehash: false))
        #expect(hasher.verify("correct horse batterY", against: stored) == .mismatch)
        let stronger = PasswordHasher(parameters: .init(logN: 11, r: 8, p: 1))
        #expect(stronger.verify("correct horse battery", against: stored) == .match(needsRehash: true))
    }

    @Test(arguments: ["", "plain", "$scrypt$ln=10,r=8$AAAA$AAAA", "$scrypt$ln=99,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA", "$bcrypt$10$abc$def"])
    func unreadableHashesNeverMatch(stored: String) {
        #expect(hasher.verify("anything at all", against: stored) == .mismatch)
    }
}

@Suite struct SessionTokenTests {
    let key = SigningKey(id: "k1", secret: Array(repeating: 7, count: 32))
    let sessionID = UUID()
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func verify(_ token: String, at time: Date? = nil) -> Result<SessionTokenClaims, SessionTokenRejection> {
        SessionToken.verify(token, now: time ?? now) { $0 == key.id ? key : nil }
    }

    @Test func roundTrips() throws {
        let token = SessionToken.issue(sessionID: sessionID, expiresAt: now.addingTimeInterval(60), key: key)
        #expect(token.hasPrefix("v1.k1.\(sessionID.uuidString.lowercased()).1800000060."))
        let claims = try verify(token).get()
        #expect(claims.sessionID == sessionID)
        #expect(claims.keyID == "k1")
    }

    @Test func everyTamperedCharacterIsRefused() {
        let token = SessionToken.issue(sessionID: sessionID, expiresAt: now.addingTimeInterval(60), key: key)
        let characters = Array(token)
        for index in characters.indices {
            for replacement in ["A", "z", "0", ".", "-"] where String(characters[index]) != replacement {
                var tampered = characters
                tampered[index] = Character(replacement)
                let result = verify(String(tampered))
                #expect(throws: SessionTokenRejection.self, "position \(index) → \(replacement)") { try result.get() }
            }
        }
    }

    @Test func expiredUnknownKeyAndGarbageAreRefused() {
        let token = SessionToken.issue(sessionID: sessionID, expiresAt: now.addingTimeInterval(60), key: key)
        #expect(verify(token, at: now.addingTimeInterval(61)) == .failure(.expired))
        let other = SessionToken.issue(sessionID: sessionID, expiresAt: now.addingTimeInterval(60), key: SigningKey(id: "k2", secret: key.secret))
        #expect(verify(other) == .failure(.unknownKey))
        let forged = SessionToken.issue(sessionID: sessionID, expiresAt: now.addingTimeInterval(60), key: SigningKey(id: "k1", secret: Array(repeating: 8, count: 32)))
        #expect(verify(forged) == .failure(.badSignature))
        let uppercaseSession = token.replacingOccurrences(of: sessionID.uuidString.lowercased(), with: sessionID.uuidString.uppercased())
        for garbage in ["", "v1", "Bearer x", String(repeating: "v1.", count: 200), "v2.k1.\(sessionID).1.AAAA", uppercaseSession, token + ".x", "v1.k1.\(sessionID.uuidString.lowercased()).+60.AAAA"] {
            #expect(verify(garbage) == .failure(.malformed))
        }
    }

    @Test func keyIdsNeverLookLikeCommandLineOptions() {
        // One base64url id in 64 would start with "-"; among 2,000, one almost surely would.
        #expect((0..<2000).map { _ in SigningKey.generate().id }.allSatisfy { !$0.hasPrefix("-") })
    }

    @Test func base64URLIsCanonical() {
        let bytes = SecureRandom.bytes(count: 32)
        let encoded = Base64URL.encode(bytes)
        #expect(Base64URL.decode(encoded) == bytes)
        // The last character of 32 bytes carries 4 data bits; another letter with the same bits
        // would decode to the same bytes if non-canonical spellings were accepted.
        var characters = Array(encoded)
        characters[characters.count - 1] = characters.last == "A" ? "B" : "A"
        #expect(Base64URL.decode(String(characters)) != bytes)
        #expect(Base64URL.decode("a+b/") == nil)
        #expect(Base64URL.decode("abc=") == nil)
        #expect(Base64URL.decode("abcde") == nil)
        #expect(Base64URL.decode("ab\u{0}c") == nil)
    }

    @Test func base64URLMatchesRFC4648() {
        // RFC 4648 §10, in the url alphabet without padding, plus both alphabet-specific letters.
        let vectors: [(String, String)] = [
            ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
        ]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        for count in 0..<40 {
            let bytes = SecureRandom.bytes(count: count)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }
}

@Suite struct Ed25519Tests {
    // RFC 8032 §7.1, test 1 and test 2.
    @Test func matchesRFC8032() {
        let key = Ed25519Key(privateKey: HMACSHA256Tests.bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(key.publicKey == HMACSHA256Tests.bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        #expect(key.sign([]) == HMACSHA256Tests.bytes(hex: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"))
        let second = Ed25519Key(privateKey: HMACSHA256Tests.bytes(hex: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        #expect(second.sign([0x72]) == HMACSHA256Tests.bytes(hex: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"))
    }

    @Test func verifiesAndRefusesTampering() {
        let key = Ed25519Key.generate()
        let message = Array(#"{"student":"أمينة"}"#.utf8)
        let signature = key.sign(message)
        #expect(Ed25519Key.isValid(signature, for: message, publicKey: key.publicKey))
        var tampered = message
        tampered[3] ^= 1
        #expect(!Ed25519Key.isValid(signature, for: tampered, publicKey: key.publicKey))
        #expect(!Ed25519Key.isValid(signature, for: message, publicKey: Ed25519Key.generate().publicKey))
        #expect(!Ed25519Key.isValid(Array(signature.dropLast()), for: message, publicKey: key.publicKey))
        let pem = Ed25519Key.publicKeyPEM(key.publicKey)
        #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(pem.hasSuffix("-----END PUBLIC KEY-----\n"))
    }
}
