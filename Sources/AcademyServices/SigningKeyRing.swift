import AcademyCore
public import AcademyCrypto
public import AcademyStore
public import Foundation
public import Logging
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// The signing keys, held in memory so that a token's signature is checked without touching the
/// database. The database stays the authority: a session signed by a retired key is refused by
/// the session lookup even before this copy hears of the retirement. The copy is refreshed when
/// another instance changes the keys (`LISTEN`), on a timer as a fallback, and, at most once a
/// quarter of a second, when a token names a key this copy does not know.
public final class SigningKeyRing: Sendable {
    let repository: SigningKeyRepository
    let database: Database
    let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        var keys: [String: SigningKey] = [:]
        var signingKey: SigningKey?
        var lastRefresh: ContinuousClock.Instant?
    }

    static let fallbackRefreshInterval: Duration = .seconds(30)
    static let unknownKeyRefreshInterval: Duration = .milliseconds(250)

    public init(repository: SigningKeyRepository, database: Database, logger: Logger) {
        self.repository = repository
        self.database = database
        self.logger = logger
    }

    /// The key that signs new sessions; on a new database the first sign-in creates it.
    public func signingKey() async throws -> SigningKey {
        if let key = state.withLock({ $0.signingKey }) { return key }
        try await repository.ensureUsableKey(creating: Self.newKey)
        try await refresh()
        guard let key = state.withLock({ $0.signingKey }) else {
            throw AcademyError.unavailable(reason: "No signing key is available yet.", retryAfterSeconds: 1)
        }
        return key
    }

    /// Checks a token's form, signature and expiry; nothing here touches the database unless the
    /// token names a key this instance has not loaded (and then at most four times a second).
    public func verify(_ token: String, now: Date = Date()) async throws -> Result<SessionTokenClaims, SessionTokenRejection> {
        let keys = state.withLock { $0.keys }
        let result = SessionToken.verify(token, now: now) { keys[$0] }
        guard case .failure(.unknownKey) = result, mayRefreshForUnknownKey() else { return result }
        try await refresh()
        let refreshed = state.withLock { $0.keys }
        return SessionToken.verify(token, now: now) { refreshed[$0] }
    }

    private func mayRefreshForUnknownKey() -> Bool {
        state.withLock { state in
            guard let last = state.lastRefresh else { return true }
            return ContinuousClock.now - last >= Self.unknownKeyRefreshInterval
        }
    }

    public func refresh() async throws {
        let usable = try await repository.usableKeys().map { SigningKey(id: $0.id, secret: $0.secret) }
        state.withLock { state in
            state.keys = Dictionary(uniqueKeysWithValues: usable.map { ($0.id, $0) })
            state.signingKey = usable.first
            state.lastRefresh = .now
        }
    }

    /// Loads the keys (creating the first one on a new database), then follows changes until
    /// shutdown. Losing the `LISTEN` connection only slows the spread of a rotation to the
    /// fallback interval; it never lets a revoked session through.
    func follow() async {
        await cancelWhenGracefulShutdown {
            var delay: Duration = .seconds(1)
            while !Task.isCancelled {
                do {
                    try await self.repository.ensureUsableKey(creating: Self.newKey)
                    try await self.refresh()
                    delay = .seconds(1)
                    try await self.followChanges()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.warning(
                        "Signing keys not followed; retrying",
                        metadata: ["retry_in": "\(delay)", "reason": "\(Database.loggable(error))"]
                    )
                    try? await Task.sleep(for: delay)
                    delay = min(delay * 2, Self.fallbackRefreshInterval)
                }
            }
        }
    }

    /// A fresh key in the form the repository stores.
    public static func newKey() -> SigningKeyRecord {
        let key = SigningKey.generate()
        return SigningKeyRecord(id: key.id, secret: key.secret)
    }

    private func followChanges() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await self.database.withConnection { connection in
                    for try await _ in try await connection.underlying.listen(SigningKeyRepository.changeChannel) {
                        try await self.refresh()
                    }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: Self.fallbackRefreshInterval)
                    try await self.refresh()
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
