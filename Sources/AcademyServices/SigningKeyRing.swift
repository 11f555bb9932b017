import AcademyCore
public import AcademyCrypto
public import AcademyStore
public import Foundation
import Synchronization

/// The signing keys, held in memory so that a token's signature is checked without touching the
/// database. The database stays the authority: a session signed by a retired key is refused by
/// the session lookup even before this copy hears of the retirement. The copy is refreshed when
/// another instance changes the keys (`ChangeFeed`), whenever listening starts again, and, at
/// most once a quarter of a second, when a token names a key this copy does not know.
public final class SigningKeyRing: Sendable {
    let repository: SigningKeyRepository
    let secrets: SecretsAtRest
    private let state = Mutex<State>(State())

    private struct State {
        var keys: [String: SigningKey] = [:]
        var signingKey: SigningKey?
        var lastRefresh: ContinuousClock.Instant?
    }

    static let unknownKeyRefreshInterval: Duration = .milliseconds(250)

    public init(repository: SigningKeyRepository, secrets: SecretsAtRest) {
        self.repository = repository
        self.secrets = secrets
    }

    /// The key that signs new sessions; on a new database the first sign-in creates it.
    public func signingKey() async throws -> SigningKey {
        if let key = state.withLock({ $0.signingKey }) { return key }
        try await repository.ensureUsableKey(creating: newKey)
        try await refresh()
        guard let key = state.withLock({ $0.signingKey }) else {
            throw AcademyError.unavailable(reason: "No signing key is available yet.", retryAfterSeconds: 1)
        }
        return key
    }

    /// Checks a token's form, signature and expiry; nothing here touches the database unless the
    /// token names a key this instance has not loaded (and then at most four times a second).
    public func verify(_ token: String, now: Date = Date()) async throws -> Result<SessionTokenClaims, SessionTokenRejection> {
        if let result = verifyWithLoadedKeys(token, now: now) { return result }
        try await refresh()
        let refreshed = state.withLock { $0.keys }
        return SessionToken.verify(token, now: now) { refreshed[$0] }
    }

    /// The same check against the keys loaded now, without suspending; nil when the token names a
    /// key this instance has not loaded and may look up now (`verify` does).
    public func verifyWithLoadedKeys(_ token: String, now: Date = Date()) -> Result<SessionTokenClaims, SessionTokenRejection>? {
        let keys = state.withLock { $0.keys }
        let result = SessionToken.verify(token, now: now) { keys[$0] }
        guard case .failure(.unknownKey) = result, mayRefreshForUnknownKey() else { return result }
        return nil
    }

    private func mayRefreshForUnknownKey() -> Bool {
        state.withLock { state in
            guard let last = state.lastRefresh else { return true }
            return ContinuousClock.now - last >= Self.unknownKeyRefreshInterval
        }
    }

    public func refresh() async throws {
        let usable = try await repository.usableKeys().map { record in
            SigningKey(id: record.id, secret: try secrets.secret(record.secret, context: SecretsAtRest.signingKey(record.id)))
        }
        state.withLock { state in
            state.keys = Dictionary(uniqueKeysWithValues: usable.map { ($0.id, $0) })
            state.signingKey = usable.first
            state.lastRefresh = .now
        }
    }

    /// A fresh key in the form the repository stores (sealed when the deployment has a key).
    @Sendable public func newKey() -> SigningKeyRecord {
        let key = SigningKey.generate()
        return SigningKeyRecord(id: key.id, secret: secrets.stored(key.secret, context: SecretsAtRest.signingKey(key.id)))
    }
}

extension SigningKeyRing: ChangeFollower {
    public var channel: String { SigningKeyRepository.changeChannel }

    /// Loads the keys, creating the first one on a new database.
    public func listening() async throws {
        try await repository.ensureUsableKey(creating: newKey)
        try await refresh()
    }

    public func notified(_ payload: String) async throws {
        try await refresh()
    }

    /// Tokens keep verifying against the keys held: the session lookup, not this copy, is what
    /// refuses a retired key's sessions.
    public func lost() async {}
}
