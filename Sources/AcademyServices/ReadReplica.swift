public import AcademyCore
public import AcademyStore
public import Logging
import PostgresNIO
public import ServiceLifecycle
import Synchronization

/// A streaming replica of the primary (`ACADEMY_DATABASE_REPLICA_URL`) for reads that tolerate a
/// little lag. Once a second it asks the replica how far behind it is; reads go to it only while
/// it answered the last time and was no further behind than `maximumLag`. A replica that has
/// replayed all it received counts as current (PostgreSQL's own measure: its last replayed
/// transaction may be old on a quiet primary).
public final class ReadReplica: Service, Sendable {
    public let database: Database
    let client: PostgresClient
    let maximumLag: Duration
    let logger: Logger
    private let usable = Atomic<Bool>(false)

    static let checkInterval: Duration = .seconds(1)

    public init(url: DatabaseURL, poolSize: Int, timeoutSeconds: Int, statementTimeoutMilliseconds: Int, maximumLag: Duration, logger: Logger) {
        let configuration = url.poolConfiguration(
            size: poolSize, connectTimeoutSeconds: timeoutSeconds, statementTimeoutMilliseconds: statementTimeoutMilliseconds,
            applicationName: "academy-replica-reads"
        )
        var driverLogger = logger.forDatabaseDriver
        driverLogger[metadataKey: "component"] = "postgres-replica"
        client = PostgresClient(configuration: configuration, backgroundLogger: driverLogger)
        database = Database(client: client, maximumConnections: poolSize, leaseTimeout: .seconds(timeoutSeconds), pool: "replica", logger: logger)
        self.maximumLag = maximumLag
        self.logger = logger
    }

    /// Whether reads may go to the replica: it answered the last check and was close enough.
    public var isUsable: Bool { usable.load(ordering: .relaxed) }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.client.run() }
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let lag: Duration?
                do {
                    lag = try await self.lag()
                } catch {
                    lag = nil
                }
                let nowUsable = lag.map { $0 <= self.maximumLag } ?? false
                if usable.exchange(nowUsable, ordering: .relaxed) != nowUsable {
                    if nowUsable {
                        logger.notice("Reading from the replica", metadata: ["lag": "\(lag ?? .zero)"])
                    } else {
                        logger.warning("Not reading from the replica: it is unreachable or lags too far", metadata: ["lag": "\(lag.map { "\($0)" } ?? "unknown")"])
                    }
                }
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.checkInterval) }
            }
            group.cancelAll()
        }
    }

    /// How far the replica is behind; nil when it cannot say (it never replayed anything).
    func lag() async throws -> Duration? {
        let seconds = try await database.rows(
            """
            SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                        ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END::float8
            """,
            as: Double?.self
        ).first ?? nil
        return seconds.map { Duration.milliseconds(Int64(max(0, $0) * 1000)) }
    }
}

/// Where a read that tolerates a little lag goes: to the replica when there is one, it is usable
/// and the reader may be served from it (`LaggingReads`); to the primary otherwise, and when the
/// replica fails in the middle of the read.
public struct ReplicaReads: Sendable {
    let primary: Database
    let replica: ReadReplica?

    public init(primary: Database, replica: ReadReplica?) {
        self.primary = primary
        self.replica = replica
    }

    public func run<Value: Sendable>(for principal: Principal?, _ read: (Database) async throws -> Value) async throws -> Value {
        guard let replica, replica.isUsable, LaggingReads.allowed(for: principal) else {
            return try await read(primary)
        }
        do {
            return try await read(replica.database)
        } catch let error as AcademyError {
            guard case .unavailable = error else { throw error }
            return try await read(primary)
        } catch {
            // A replica may cancel a query that conflicts with what it replays, or drop mid-read.
            return try await read(primary)
        }
    }
}
