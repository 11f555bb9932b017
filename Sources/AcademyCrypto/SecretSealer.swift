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
        let cipher = EVP_CIPHER_CTX_new()
        defer { EVP_CIPHER_CTX_free(cipher) }
        var ciphertext = [UInt8](repeating: 0, count: secret.count)
        var tag = [UInt8](repeating: 0, count: Self.tagByteCount)
        var length: Int32 = 0
        let aad = Array(context.utf8)
        let sealed = EVP_EncryptInit_ex(cipher, EVP_aes_256_gcm(), nil, nil, nil) == 1
            && EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceByteCount), nil) == 1
            && EVP_EncryptInit_ex(cipher, nil, nil, key, nonce) == 1
            && EVP_EncryptUpdate(cipher, nil, &length, aad, Int32(aad.count)) == 1
            && EVP_EncryptUpdate(cipher, &ciphertext, &length, secret, Int32(secret.count)) == 1 && length == Int32(secret.count)
            && EVP_EncryptFinal_ex(cipher, &tag, &length) == 1
            && EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagByteCount), &tag) == 1
        precondition(sealed, "OpenSSL AES-256-GCM sealing failed")
        return Self.magic + nonce + ciphertext + tag
    }

    /// The secret, or nil when the value was sealed under another key, for another row, or altered.
    public func open(_ stored: [UInt8], context: String) -> [UInt8]? {
        guard Self.isSealed(stored) else { return nil }
        let body = stored.dropFirst(Self.magic.count)
        let nonce = Array(body.prefix(Self.nonceByteCount))
        let ciphertext = Array(body.dropFirst(Self.nonceByteCount).dropLast(Self.tagByteCount))
        var tag = Array(body.suffix(Self.tagByteCount))
        let cipher = EVP_CIPHER_CTX_new()
        defer { EVP_CIPHER_CTX_free(cipher) }
        var secret = [UInt8](repeating: 0, count: ciphertext.count)
        var finalBlock = [UInt8](repeating: 0, count: Self.tagByteCount)
        var length: Int32 = 0
        let aad = Array(context.utf8)
        let opened = EVP_DecryptInit_ex(cipher, EVP_aes_256_gcm(), nil, nil, nil) == 1
            && EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceByteCount), nil) == 1
            && EVP_DecryptInit_ex(cipher, nil, nil, key, nonce) == 1
            && EVP_DecryptUpdate(cipher, nil, &length, aad, Int32(aad.count)) == 1
            && EVP_DecryptUpdate(cipher, &secret, &length, ciphertext, Int32(ciphertext.count)) == 1
            && EVP_CIPHER_CTX_ctrl(cipher, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagByteCount), &tag) == 1
            && EVP_DecryptFinal_ex(cipher, &finalBlock, &length) == 1
        return opened ? secret : nil
    }
}
