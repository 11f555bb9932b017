import AcademyCrypto
import Testing

@Suite struct SecretSealerTests {
    let sealer = SecretSealer(key: SecureRandom.bytes(count: 32))!

    @Test func sealedSecretsOpenOnlyWithTheirKeyAndRow() {
        let secret = SecureRandom.bytes(count: 32)
        let sealed = sealer.seal(secret, context: "signing_keys/k1")
        #expect(SecretSealer.isSealed(sealed))
        #expect(sealed.count == 4 + 12 + 32 + 16)
        #expect(!sealed.contains(subsequence: secret))
        #expect(sealer.open(sealed, context: "signing_keys/k1") == secret)
        // Another row, another key, a flipped bit: nothing opens.
        #expect(sealer.open(sealed, context: "signing_keys/k2") == nil)
        #expect(SecretSealer(key: SecureRandom.bytes(count: 32))!.open(sealed, context: "signing_keys/k1") == nil)
        var altered = sealed
        altered[20] ^= 1
        #expect(sealer.open(altered, context: "signing_keys/k1") == nil)
        // Every seal has its own nonce.
        #expect(sealer.seal(secret, context: "signing_keys/k1") != sealed)
    }

    @Test func plainSecretsAreNotMistakenForSealedOnes() {
        #expect(!SecretSealer.isSealed(SecureRandom.bytes(count: 32).map { $0 | 0x80 }))
        #expect(SecretSealer(key: [1, 2, 3]) == nil)
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
