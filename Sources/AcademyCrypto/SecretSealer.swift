import COpenSSL

/// Encryption at rest for the few secrets the database holds (session-signing secrets, the
/// certificate private key): AES-256-GCM under a key the deployment keeps outside the database.
/// A sealed value is `ACS1` + a 12-byte random nonce + the ciphertext + a 16-byte tag; `context`
/// (which table and row it belongs to) is authenticated with it, so a sealed value copied into
/// another row does not open there.
public struct SecretSealer: Sendable, CustomStringConvertible {
    public static let keyByteCount = 32
    static let magic: [UInt8] = Array("ACS1".utf8)
    static let nonceByteCount = 12
    static let tagByteCount = 16

    private let key: [UInt8]

    /// Never the key, wherever the sealer is printed or logged.
    public var description: String { "SecretSealer(AES-256-GCM)" }

    /// Nil unless `key` has exactly 32 bytes.
    public init?(key: [UInt8]) {
        guard key.count == Self.keyByteCount else { return nil }
        self.key = key
    }

    /// The key written as 64 hex digits (`openssl rand -hex 32`).
    public init?(hexKey: String) {
        let digits = Array(hexKey.utf8)
        guard digits.count == 2 * Self.keyByteCount else { return nil }
        var key: [UInt8] = []
        for offset in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[offset..<offset + 2], as: UTF8.self), radix: 16) else { return nil }
            key.append(byte)
        }
        self.init(key: key)
    }

    /// Whether a stored value is sealed (rather than a secret stored before sealing was set up).
    public static func isSealed(_ stored: [UInt8]) -> Bool {
        stored.count > magic.count + nonceByteCount + tagByteCount && stored.starts(with: magic)
    }

    public func seal(_ secret: [UInt8], context: String) -> [UInt8] {
        let nonce = SecureRandom.bytes(count: Self.nonceByteCount)
        var tag = [UInt8](repeating: 0, count: Self.tagByteCount)
        guard let ciphertext = crypt(secret, nonce: nonce, context: context, encrypting: true, tag: &tag) else {
            preconditionFailure("OpenSSL AES-256-GCM sealing failed")
        }
        return Self.magic + nonce + ciphertext + tag
    }

    /// The secret, or nil when the value was sealed under another key, for another row, or altered.
    public func open(_ stored: [UInt8], context: String) -> [UInt8]? {
        guard Self.isSealed(stored) else { return nil }
        let body = stored.dropFirst(Self.magic.count)
        var tag = Array(body.suffix(Self.tagByteCount))
        return crypt(
            Array(body.dropFirst(Self.nonceByteCount).dropLast(Self.tagByteCount)), nonce: Array(body.prefix(Self.nonceByteCount)),
            context: context, encrypting: false, tag: &tag
        )
    }

    /// AES-256-GCM one way or the other: sealing fills `tag`, opening checks it (nil on mismatch).
    private func crypt(_ input: [UInt8], nonce: [UInt8], context: String, encrypting: Bool, tag: inout [UInt8]) -> [UInt8]? {
        let cipher = EVP_CIPHER_CTX_new()
        defer { EVP_CIPHER_CTX_free(cipher) }
        let direction: Int32 = encrypting ? 1 : 0
        let aad = Array(context.utf8)
        var output = [UInt8](repeating: 0, count: input.count)
        var finalBlock = [UInt8](repeating: 0, count: Self.tagByteCount)
        var length: Int32 = 0
        guard EVP_CipherInit_ex(cipher, EVP_aes_256_gcm(), nil, nil, nil, direction) == 1,
              EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceByteCount), nil) == 1,
              EVP_CipherInit_ex(cipher, nil, nil, key, nonce, direction) == 1,
              EVP_CipherUpdate(cipher, nil, &length, aad, Int32(aad.count)) == 1,
              EVP_CipherUpdate(cipher, &output, &length, input, Int32(input.count)) == 1, length == Int32(input.count),
              encrypting || EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagByteCount), &tag) == 1,
              EVP_CipherFinal_ex(cipher, &finalBlock, &length) == 1,
              !encrypting || EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagByteCount), &tag) == 1
        else { return nil }
        return output
    }
}
