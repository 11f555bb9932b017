import AcademyCrypto
import Testing

@Suite struct HMACSHA256Tests {
    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    // RFC 4231, test cases 1, 2, 4 and 6.
    @Test(arguments: [
        ("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("4a656665", Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("0102030405060708090a0b0c0d0e0f10111213141516171819", [UInt8](repeating: 0xcd, count: 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (String(repeating: "aa", count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func matchesRFC4231(key: String, message: [UInt8], expected: String) {
        let prepared = HMACSHA256.Key(Self.bytes(hex: key))
        let code = prepared.authenticationCode(for: message)
        #expect(code == Self.bytes(hex: expected))
        #expect(prepared.isValid(code, for: message))
    }

    @Test func anyChangedByteFailsVerification() {
        let key = HMACSHA256.Key(Array("key".utf8))
        let code = key.authenticationCode(for: Array("message".utf8))
        for index in code.indices {
            var tampered = code
            tampered[index] ^= 0x01
            #expect(!key.isValid(tampered, for: Array("message".utf8)))
        }
        #expect(!key.isValid(Array(code.dropLast()), for: Array("message".utf8)))
        #expect(!HMACSHA256.Key(Array("kez".utf8)).isValid(code, for: Array("message".utf8)))
    }

    @Test func oneKeyServesManyTasksAtOnce() async {
        let key = HMACSHA256.Key(Array(repeating: 0x0b, count: 20))
        let expected = Self.bytes(hex: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        let codes = await withTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask { (0..<500).map { _ in key.authenticationCode(for: Array("Hi There".utf8)) }.last! }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(codes == Array(repeating: expected, count: 8))
    }
}

@Suite struct SecureRandomTests {
    @Test func givesTheRequestedCountAndDoesNotRepeat() {
        let first = SecureRandom.bytes(count: 32)
        let second = SecureRandom.bytes(count: 32)
        #expect(first.count == 32)
        #expect(first != second)
        #expect(SecureRandom.bytes(count: 0).isEmpty)
    }

    @Test func constantTimeComparisonComparesContentsAndLength() {
        #expect(ConstantTime.isEqual([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.isEqual([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.isEqual([1, 2, 3], [1, 2]))
        #expect(ConstantTime.isEqual([], []))
    }
}

@Suite struct SHA256DigestTests {
    @Test func matchesFIPS180Vectors() {
        #expect(SHA256Digest.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func piecesGiveTheSameDigestAsTheWhole() {
        let bytes = SecureRandom.bytes(count: 10_000)
        var digest = SHA256Digest()
        for chunk in stride(from: 0, to: bytes.count, by: 777) {
            bytes[chunk..<min(chunk + 777, bytes.count)].withUnsafeBytes { digest.update($0) }
        }
        #expect(digest.finalize() == SHA256Digest.hex(of: bytes))
    }
}

@Suite struct CSRFTokenTests {
    @Test func aTokenIsValidOnlyForItsOwnSecret() {
        let token = CSRFToken.issue(for: "session-a")
        #expect(CSRFToken.isValid(token, for: "session-a"))
        #expect(!CSRFToken.isValid(token, for: "session-b"))
        #expect(!CSRFToken.isValid(token, for: ""))
    }

    @Test func everyPageGetsDifferentBytesForTheSameSecret() {
        let first = CSRFToken.issue(for: "session-a")
        let second = CSRFToken.issue(for: "session-a")
        #expect(first != second)
        #expect(CSRFToken.isValid(second, for: "session-a"))
    }

    @Test func tamperedTruncatedAndGarbageTokensAreRefused() {
        let token = CSRFToken.issue(for: "session-a")
        var bytes = Array(token)
        bytes[bytes.count / 2] = bytes[bytes.count / 2] == "A" ? "B" : "A"
        for candidate in [String(bytes), String(token.dropLast(4)), "", "not base64 !", token + token] {
            #expect(!CSRFToken.isValid(candidate, for: "session-a"), "\(candidate)")
        }
    }
}
