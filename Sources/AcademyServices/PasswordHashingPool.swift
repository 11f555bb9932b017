import AcademyCore
public import AcademyCrypto
import Metrics
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// Runs scrypt off the event loops on a few dedicated threads (one per core by default). Work
/// beyond the threads waits in a bounded queue; past that bound a login storm is answered with
/// 503 and `Retry-After` at once, so it can never exhaust memory (each hash takes 128 MiB at
/// OWASP parameters).
public final class PasswordHashingPool: Service {
    public let hasher: PasswordHasher
    let threadPool: NIOThreadPool
    let capacity: Int
    private let admitted = Atomic<Int>(0)
    /// A hash of a password nobody has, so that an unknown email costs as much as a wrong password.
    /// Made on first use: admin commands that never sign anyone in should not pay for it.
    private let dummyHash = Mutex<String?>(nil)
    /// How long the latest hash took, for `waitAsLongAsAHash`.
    private let latestHashNanoseconds = Atomic<Int>(0)
    private let rejections = Counter(label: "academy_password_hash_rejected_total")
    private let inFlight = Meter(label: "academy_password_hash_in_flight")

    public init(parameters: Scrypt.Parameters, threads: Int, queueLimit: Int) {
        hasher = PasswordHasher(parameters: parameters)
        threadPool = NIOThreadPool(numberOfThreads: threads)
        threadPool.start()
        capacity = threads + queueLimit
    }

    public func hash(_ password: String) async throws -> String {
        try await run { [self] in timedHash(password) }
    }

    /// Waits about as long as a hash takes on this machine, without using a thread or memory:
    /// an answer that must not reveal whether a hash was made (a sign-up with a taken email)
    /// takes this long instead.
    public func waitAsLongAsAHash() async throws {
        if latestHashNanoseconds.load(ordering: .relaxed) == 0 {
            _ = try await run { [self] in dummyReference() }
        }
        try await Task.sleep(for: .nanoseconds(latestHashNanoseconds.load(ordering: .relaxed)))
    }

    private func timedHash(_ password: String) -> String {
        let started = ContinuousClock.now
        let hash = hasher.hash(password)
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        latestHashNanoseconds.store(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000), ordering: .relaxed)
        return hash
    }

    /// Verifies against `stored`, or, when there is no stored hash (an unknown email), against
    /// the dummy, with the same cost and the answer `.mismatch`.
    public func verify(_ password: String, against stored: String?) async throws -> PasswordHasher.Verification {
        try await run { [self] in
            let verification = hasher.verify(password, against: stored ?? dummyReference())
            return stored == nil ? .mismatch : verification
        }
    }

    private func dummyReference() -> String {
        dummyHash.withLock { dummy in
            if let dummy { return dummy }
            let made = timedHash(Base64URL.encode(SecureRandom.bytes(count: 24)))
            dummy = made
            return made
        }
    }

    private func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws -> Result {
        let (_, admittedNow) = admitted.add(1, ordering: .relaxed)
        defer { _ = admitted.subtract(1, ordering: .relaxed) }
        guard admittedNow <= capacity else {
            rejections.increment()
            throw AcademyError.unavailable(reason: "Too many sign-ins are being checked at once.", retryAfterSeconds: 2)
        }
        inFlight.increment()
        defer { inFlight.decrement() }
        return try await threadPool.runIfActive(work)
    }

    /// Keeps the threads until the service group shuts down.
    public func run() async throws {
        try? await gracefulShutdown()
        try await shutdown()
    }

    /// Stops the threads; for commands that use the pool outside a service group.
    public func shutdown() async throws {
        try await threadPool.shutdownGracefully()
    }
}
