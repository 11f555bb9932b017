import COpenSSL

/// Ed25519 signatures (RFC 8032) through OpenSSL, for certificates anyone can verify offline
/// with the published public key.
public struct Ed25519Key: Sendable {
    public let privateKey: [UInt8]
    public let publicKey: [UInt8]

    public static func generate() -> Ed25519Key {
        // Any 32 random bytes are a valid Ed25519 private key.
        Ed25519Key(privateKey: SecureRandom.bytes(count: 32))
    }

    public init(privateKey: [UInt8]) {
        precondition(privateKey.count == 32, "an Ed25519 private key has 32 bytes")
        self.privateKey = privateKey
        let key = Self.privateEVPKey(privateKey)
        defer { EVP_PKEY_free(key) }
        var publicKey = [UInt8](repeating: 0, count: 32)
        var length = 32
        precondition(EVP_PKEY_get_raw_public_key(key, &publicKey, &length) == 1 && length == 32, "OpenSSL could not derive an Ed25519 public key")
        self.publicKey = publicKey
    }

    public func sign(_ message: [UInt8]) -> [UInt8] {
        let key = Self.privateEVPKey(privateKey)
        defer { EVP_PKEY_free(key) }
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        precondition(EVP_DigestSignInit(context, nil, nil, nil, key) == 1, "OpenSSL could not start an Ed25519 signature")
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let status = message.withUnsafeBufferPointer { bytes in
            EVP_DigestSign(context, &signature, &length, bytes.baseAddress, bytes.count)
        }
        precondition(status == 1 && length == 64, "OpenSSL Ed25519 signing failed")
        return signature
    }

    public static func isValid(_ signature: [UInt8], for message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == 64, publicKey.count == 32,
              let key = publicKey.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) })
        else { return false }
        defer { EVP_PKEY_free(key) }
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key) == 1 else { return false }
        return message.withUnsafeBufferPointer { bytes in
            EVP_DigestVerify(context, signature, 64, bytes.baseAddress, bytes.count) == 1
        }
    }

    /// The public key as a PEM `PUBLIC KEY` (SubjectPublicKeyInfo), what `openssl pkeyutl
    /// -verify` reads.
    public static func publicKeyPEM(_ publicKey: [UInt8]) -> String {
        guard let key = publicKey.withUnsafeBufferPointer({ EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }),
              let bio = BIO_new(BIO_s_mem())
        else { preconditionFailure("OpenSSL could not encode an Ed25519 public key") }
        defer {
            EVP_PKEY_free(key)
            BIO_free(bio)
        }
        precondition(PEM_write_bio_PUBKEY(bio, key) == 1, "OpenSSL could not write PEM")
        var pointer: UnsafeMutablePointer<CChar>?
        let length = BIO_get_mem_data_shim(bio, &pointer)
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func privateEVPKey(_ privateKey: [UInt8]) -> OpaquePointer {
        guard let key = privateKey.withUnsafeBufferPointer({ EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32) }) else {
            preconditionFailure("OpenSSL could not load an Ed25519 private key")
        }
        return key
    }
}
