public import AcademyCrypto
public import AcademyStore

/// The session-signing secrets and the certificate private key as the database holds them:
/// sealed (`SecretSealer`, AES-256-GCM) when the deployment names a key in
/// ACADEMY_SECRETS_KEY_FILE, plain otherwise. A database dump or a replica then holds nothing that
/// can sign a session or a certificate without that key, which lives outside the database.
public struct SecretsAtRest: Sendable {
    let sealer: SecretSealer?

    public init(sealer: SecretSealer?) {
        self.sealer = sealer
    }

    /// A secret in the form to store.
    func stored(_ secret: [UInt8], context: String) -> [UInt8] {
        sealer?.seal(secret, context: context) ?? secret
    }

    /// The secret a stored value holds.
    func secret(_ stored: [UInt8], context: String) throws(SecretsAtRestError) -> [UInt8] {
        guard SecretSealer.isSealed(stored) else { return stored }
        guard let sealer else { throw .sealedWithoutKey(context) }
        guard let secret = sealer.open(stored, context: context) else { throw .wrongKey(context) }
        return secret
    }

    static func signingKey(_ id: String) -> String { "signing_keys/\(id)" }
    static func certificateKey(_ id: String) -> String { "certificate_keys/\(id)" }

    /// Seals every secret still stored plain (a deployment that just set its key) and proves that
    /// every sealed one opens: run at start-up, after the migrations, so that a missing or wrong
    /// key stops the server with a clear message instead of failing sign-ins one by one.
    public func sealStoredSecrets(signingKeys: SigningKeyRepository, certificates: CertificateRepository) async throws {
        for key in try await signingKeys.all() {
            try await seal(key.secret, context: Self.signingKey(key.id)) { try await signingKeys.replaceSecret(of: key.id, was: key.secret, with: $0) }
        }
        for key in try await certificates.keys() {
            try await seal(key.privateKey, context: Self.certificateKey(key.id)) { try await certificates.replacePrivateKey(of: key.id, was: key.privateKey, with: $0) }
        }
    }

    /// Proves one stored secret opens, and hands `replace` its sealed form when it is still plain.
    private func seal(_ stored: [UInt8], context: String, replace: ([UInt8]) async throws -> Void) async throws {
        let secret = try secret(stored, context: context)
        if let sealer, !SecretSealer.isSealed(stored) {
            try await replace(sealer.seal(secret, context: context))
        }
    }
}

public enum SecretsAtRestError: Error, Sendable, CustomStringConvertible {
    case sealedWithoutKey(String)
    case wrongKey(String)

    public var description: String {
        switch self {
        case .sealedWithoutKey(let context):
            "\(context) is sealed but ACADEMY_SECRETS_KEY_FILE names no key: set it to the file holding the key it was sealed with"
        case .wrongKey(let context):
            "\(context) does not open with the key in ACADEMY_SECRETS_KEY_FILE: it was sealed with another key, or altered"
        }
    }
}
