import AcademyCore
public import Logging
public import PostgresNIO
import Metrics
import Synchronization

/// The application's one way into PostgreSQL. It bounds the wait for a pooled connection (the pool
/// itself waits forever while the database is down) so that requests answer 503 instead of
/// hanging, and at once while `reachability` knows the database is down; it unwraps transaction errors so that typed errors keep their meaning, and reports the
/// pool's figures as metrics.
public struct Database: Sendable {
    public let client: PostgresClient
    let leaseTimeout: Duration
    let logger: Logger
    let reachability: DatabaseReachability?
    private let watchdog: LeaseWatchdog
    private let metrics: PoolMetrics

    /// `pool` names the pool in the metrics: `primary`, or `replica` for the read replica's.
    public init(
        client: PostgresClient, maximumConnections: Int, leaseTimeout: Duration, reachability: DatabaseReachability? = nil,
        pool: String = "primary", logger: Logger
    ) {
        self.client = client
        self.leaseTimeout = leaseTimeout
        self.reachability = reachability
        self.watchdog = LeaseWatchdog(timeout: leaseTimeout, reachability: reachability)
        self.logger = logger.forDatabaseDriver
        self.metrics = PoolMetrics(maximumConnections: maximumConnections, pool: pool)
    }

    /// How long a client should wait before retrying after the database could not serve it.
    public var retryAfterSeconds: Int {
        max(1, Int(leaseTimeout.components.seconds))
    }

    /// Runs `body` on a pooled connection, or throws `AcademyError.unavailable` when no connection
    /// can be had within the lease timeout or the connection to the server is lost. A 503 for a
    /// lease timeout means `body` never ran: a connection handed out after the timeout is given
    /// back unused, so a client told "try again" never finds its write done behind its back.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection) async throws -> Result
    ) async throws -> Result {
        if let reachability, reachability.isDown {
            metrics.leaseTimeouts.increment()
            throw Self.unreachable(retryAfterSeconds: retryAfterSeconds)
        }
        let waitStarted = ContinuousClock.now
        let lease = LeaseState()
        let watchdog = self.watchdog
        let client = self.client
        let logger = self.logger
        let metrics = self.metrics
        watchdog.register(lease, since: waitStarted)
        defer { watchdog.remove(lease) }
        do {
            // One child leases and works; this task waits on the watchdog, which wakes it when the
            // child is done or when the wait for a connection has run out. (A second child
            // watching the timer cost about 0.1 ms of CPU per lease.)
            return try await withThrowingTaskGroup(of: Result.self) { group in
                group.addTask {
                    defer { watchdog.ended(lease) }
                    return try await client.withConnection { connection in
                        guard lease.claim() else { throw CancellationError() }
                        watchdog.claimed(lease)
                        metrics.leaseWait.recordInterval(since: waitStarted)
                        metrics.leased.increment()
                        defer { metrics.leased.decrement() }
                        return try await body(DatabaseConnection(underlying: connection, logger: logger))
                    }
                }
                if let expiry = await watchdog.expiry(of: lease), lease.abandon() {
                    group.cancelAll()
                    metrics.leaseTimeouts.increment()
                    switch expiry {
                    case .timedOut:
                        throw AcademyError.unavailable(
                            reason: "The database did not hand out a connection within \(self.leaseTimeout).",
                            retryAfterSeconds: self.retryAfterSeconds
                        )
                    case .databaseDown:
                        throw Self.unreachable(retryAfterSeconds: self.retryAfterSeconds)
                    }
                }
                // The child is done, or claimed its connection as the wait ran out.
                guard let result = try await group.next() else { throw CancellationError() }
                return result
            }
        } catch let error as PSQLError where Self.isConnectionFailure(error) {
            logger.warning("Database connection failed", metadata: ["error": "\(String(reflecting: error.code))"])
            throw AcademyError.unavailable(reason: "The database connection failed.", retryAfterSeconds: retryAfterSeconds)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws. The
    /// error `body` threw comes out as itself, not wrapped.
    public func withTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (DatabaseConnection) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            do {
                return try await connection.withTransaction { connection in
                    try await body(connection)
                }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
    }

    static func unreachable(retryAfterSeconds: Int) -> AcademyError {
        .unavailable(reason: "The database cannot be reached.", retryAfterSeconds: retryAfterSeconds)
    }

    /// Errors that mean the server is unreachable rather than that a statement was wrong.
    static func isConnectionFailure(_ error: PSQLError) -> Bool {
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .poolClosed:
            true
        default:
            false
        }
    }
}

/// Who won the race between a connection arriving and the lease timer: exactly one of `claim`
/// (the connection is used) and `abandon` (the caller gets 503) succeeds.
final class LeaseState: Sendable {
    private static let waiting = 0, claimed = 1, abandoned = 2
    private let state = Atomic<Int>(LeaseState.waiting)

    func claim() -> Bool {
        state.compareExchange(expected: Self.waiting, desired: Self.claimed, ordering: .acquiringAndReleasing).exchanged
    }

    func abandon() -> Bool {
        state.compareExchange(expected: Self.waiting, desired: Self.abandoned, ordering: .acquiringAndReleasing).exchanged
    }
}

/// Pool figures for `/metrics`: PostgresNIO keeps its own pool statistics internal, so they are
/// counted here, where every lease passes.
private struct PoolMetrics: Sendable {
    let leased: Meter
    let leaseWait: Timer
    let leaseTimeouts: Counter

    init(maximumConnections: Int, pool: String) {
        let dimensions = [("pool", pool)]
        leased = Meter(label: "academy_db_connections_leased", dimensions: dimensions)
        leaseWait = Timer(label: "academy_db_connection_wait_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        leaseTimeouts = Counter(label: "academy_db_connection_wait_timeouts_total", dimensions: dimensions)
        Gauge(label: "academy_db_connections_max", dimensions: dimensions).record(maximumConnections)
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension Database {
    /// Every row of one query, on a pooled connection of its own: for a read that needs nothing
    /// else in the same session.
    public func rows<each Column: PostgresDecodable & Sendable>(
        _ query: PostgresQuery,
        as types: (repeat each Column).Type
    ) async throws -> [(repeat each Column)] {
        try await withConnection { connection in
            try await connection.rows(query, as: types)
        }
    }

    /// One statement whose rows nobody needs, on a pooled connection of its own.
    public func run(_ query: PostgresQuery) async throws {
        try await withConnection { connection in
            try await connection.run(query)
        }
    }
}
