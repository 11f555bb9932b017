import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Logging
public import PostgresNIO
public import Prometheus

/// The long-lived pieces one running Academy shares between its requests, built once from the
/// configuration and handed to controllers through their initializers.
public struct AppDependencies: Sendable {
    public let configuration: AppConfiguration
    public let logger: Logger
    public let postgres: PostgresClient
    public let database: Database
    public let migrator: Migrator
    public let metricsRegistry: PrometheusCollectorRegistry
    public let hashingPool: PasswordHashingPool
    public let keyRing: SigningKeyRing
    public let accounts: AccountService
    public let auditLog: AuditLog

    public init(configuration: AppConfiguration, logger: Logger, metricsRegistry: PrometheusCollectorRegistry) throws {
        self.configuration = configuration
        self.logger = logger
        self.metricsRegistry = metricsRegistry
        var postgresConfiguration = configuration.databaseURL.clientConfiguration()
        postgresConfiguration.options.maximumConnections = configuration.databasePoolSize
        postgresConfiguration.options.connectTimeout = .seconds(Int64(configuration.databaseTimeoutSeconds))
        // Set on every pooled connection at start-up, so no runaway query holds a connection.
        postgresConfiguration.options.additionalStartupParameters = [
            ("statement_timeout", String(configuration.statementTimeoutMilliseconds)),
            ("application_name", "academy"),
        ]
        var postgresLogger = logger
        postgresLogger[metadataKey: "component"] = "postgres"
        postgres = PostgresClient(configuration: postgresConfiguration, backgroundLogger: postgresLogger)
        database = Database(
            client: postgres,
            maximumConnections: configuration.databasePoolSize,
            leaseTimeout: .seconds(configuration.databaseTimeoutSeconds),
            logger: logger
        )
        migrator = Migrator(database: database, migrations: try Migration.bundled(), logger: logger)
        hashingPool = PasswordHashingPool(
            parameters: .init(logN: configuration.passwordHashCost, r: 8, p: 1),
            threads: configuration.passwordHashThreads,
            queueLimit: configuration.passwordHashQueue
        )
        keyRing = SigningKeyRing(repository: SigningKeyRepository(database: database), database: database, logger: logger)
        auditLog = AuditLog(database: database)
        let window = Duration.seconds(configuration.loginFailureWindowSeconds)
        accounts = AccountService(
            users: UserRepository(database: database),
            sessions: SessionRepository(database: database),
            failures: LoginFailureRepository(database: database),
            hashing: hashingPool,
            keyRing: keyRing,
            settings: .init(
                sessionLifetime: .seconds(configuration.sessionLifetimeHours * 3600),
                accountThrottle: LoginThrottle(maximumFailures: configuration.loginAccountFailures, window: window),
                addressThrottle: LoginThrottle(maximumFailures: configuration.loginAddressFailures, window: window)
            )
        )
    }
}
