import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Logging
public import PostgresNIO
public import Prometheus
public import ServiceLifecycle

/// The composition root: every long-lived piece of one running Academy, each built once from the
/// configuration, and shared by the HTTP API, the web pages and the admin CLI alike.
public struct AppDependencies: Sendable {
    public let configuration: AppConfiguration
    public let logger: Logger
    public let postgres: PostgresClient
    public let database: Database
    /// The streaming replica, when one is configured.
    public let replica: ReadReplica?
    /// Reads that may come from the replica (the catalogue, certificate verification).
    public let replicaReads: ReplicaReads
    public let migrator: Migrator
    public let metricsRegistry: PrometheusCollectorRegistry
    public let hashingPool: PasswordHashingPool
    /// Sessions verified recently; trusted only while the change feed listens (see SessionCache).
    public let sessionCache: SessionCache
    public let signingKeys: SigningKeyRepository
    public let keyRing: SigningKeyRing
    public let secrets: SecretsAtRest
    public let certificateKeys: CertificateRepository
    public let accounts: AccountService
    public let auditLog: AuditLog
    public let throttles: ThrottleRepository
    public let idempotency: IdempotencyRepository
    public let selfEnrollment: SelfEnrollment
    public let lessonCompletion: LessonCompletion
    public let liveSessions: LiveSessionRepository
    public let attendance: SessionAttendance
    public let calendars: CalendarFeeds
    public let announcements: CourseAnnouncements
    public let enrollmentStatusChange: EnrollmentStatusChange
    public let courses: CourseRepository
    public let catalogue: CourseCatalogue
    public let content: CourseContentRepository
    public let enrollments: EnrollmentRepository
    public let quizzes: QuizRepository
    public let attempts: AttemptRepository
    public let attachments: AttachmentRepository
    public let gradebook: GradebookReader
    public let blobs: BlobStore
    public let access: CourseAccess
    public let certificates: CertificateService
    public let finisher: AttemptFinisher
    public let quizTaking: QuizTaking
    public let courseFolders: CourseFolderService
    public let questionBank: QuestionBankService

    public init(configuration: AppConfiguration, logger: Logger, metricsRegistry: PrometheusCollectorRegistry) throws {
        self.configuration = configuration
        self.logger = logger
        self.metricsRegistry = metricsRegistry
        let postgresConfiguration = configuration.databaseURL.poolConfiguration(
            size: configuration.databasePoolSize, connectTimeoutSeconds: configuration.databaseTimeoutSeconds,
            statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds, applicationName: "academy"
        )
        var postgresLogger = logger.forDatabaseDriver
        postgresLogger[metadataKey: "component"] = "postgres"
        postgres = PostgresClient(configuration: postgresConfiguration, backgroundLogger: postgresLogger)
        database = Database(
            client: postgres,
            maximumConnections: configuration.databasePoolSize,
            leaseTimeout: .seconds(configuration.databaseTimeoutSeconds),
            reachability: DatabaseReachability(configuration: try configuration.databaseURL.connectionConfiguration(), logger: logger),
            logger: logger
        )
        replica = configuration.databaseReplicaURL.map { url in
            // A replica that stops answering costs a read at most 2 s before it goes to the primary.
            ReadReplica(
                url: url, poolSize: configuration.databasePoolSize, timeoutSeconds: min(2, configuration.databaseTimeoutSeconds),
                statementTimeoutMilliseconds: configuration.statementTimeoutMilliseconds,
                maximumLag: .seconds(configuration.replicaMaxLagSeconds), logger: logger
            )
        }
        replicaReads = ReplicaReads(primary: database, replica: replica)
        migrator = Migrator(database: database, migrations: try Migration.bundled())
        hashingPool = PasswordHashingPool(
            parameters: .init(logN: configuration.passwordHashCost, r: 8, p: 1),
            threads: configuration.passwordHashThreads,
            queueLimit: configuration.passwordHashQueue
        )
        sessionCache = SessionCache()
        signingKeys = SigningKeyRepository(database: database, sessions: sessionCache)
        secrets = SecretsAtRest(sealer: configuration.secretSealer)
        keyRing = SigningKeyRing(repository: signingKeys, secrets: secrets)
        auditLog = AuditLog(database: database)
        let window = Duration.seconds(configuration.loginFailureWindowSeconds)
        throttles = ThrottleRepository(database: database)
        idempotency = IdempotencyRepository(database: database)
        accounts = AccountService(
            users: UserRepository(database: database, sessions: sessionCache),
            sessions: SessionRepository(database: database, cache: sessionCache),
            failures: LoginFailureRepository(database: database),
            throttles: throttles,
            auditLog: auditLog,
            hashing: hashingPool,
            keyRing: keyRing,
            settings: .init(
                sessionLifetime: .seconds(configuration.sessionLifetimeHours * 3600),
                throttle: LoginThrottlePolicy(
                    perAccountAndAddress: RateLimit(maximumEvents: configuration.loginAccountFailures, window: window),
                    perAddress: RateLimit(maximumEvents: configuration.loginAddressFailures, window: window)
                ),
                registrationsPerAddress: RateLimit(maximumEvents: configuration.registrationsPerAddressHour, window: .seconds(3600)),
                selfRegistration: configuration.selfRegistration
            )
        )
        courses = CourseRepository(database: database)
        catalogue = CourseCatalogue(reads: replicaReads)
        content = CourseContentRepository(database: database)
        enrollments = EnrollmentRepository(database: database)
        selfEnrollment = SelfEnrollment(enrollments: enrollments, keys: EnrollmentKeyCheck(
            courses: courses, throttles: throttles, hashing: hashingPool,
            failuresPerStudentAndCourse: RateLimit(maximumEvents: configuration.enrollmentKeyFailures, window: window)
        ))
        quizzes = QuizRepository(database: database)
        attempts = AttemptRepository(database: database)
        attachments = AttachmentRepository(database: database)
        gradebook = GradebookReader(database: database)
        blobs = BlobStore(dataDirectory: configuration.dataDirectory, bucket: configuration.blobBucket.map { S3Bucket($0) })
        liveSessions = LiveSessionRepository(database: database)
        access = CourseAccess(
            courses: courses, content: content, enrollments: enrollments, quizzes: quizzes, attempts: attempts, liveSessions: liveSessions
        )
        certificateKeys = CertificateRepository(database: database)
        certificates = CertificateService(
            certificates: certificateKeys, courses: courses, users: accounts.users, secrets: secrets, reads: replicaReads
        )
        lessonCompletion = LessonCompletion(access: access, enrollments: enrollments, certificates: certificates)
        attendance = SessionAttendance(
            access: access, sessions: liveSessions, certificates: certificates,
            leadTime: Double(configuration.liveLinkLeadMinutes * 60)
        )
        calendars = CalendarFeeds(calendars: CalendarRepository(database: database), users: accounts.users)
        announcements = CourseAnnouncements(
            announcements: AnnouncementRepository(database: database), access: access, languages: configuration.languages
        )
        enrollmentStatusChange = EnrollmentStatusChange(access: access, enrollments: enrollments)
        finisher = AttemptFinisher(quizzes: quizzes, attempts: attempts, enrollments: enrollments, certificates: certificates)
        quizTaking = QuizTaking(access: access, quizzes: quizzes, attempts: attempts, finisher: finisher)
        let bank = QuestionBankRepository(database: database)
        questionBank = QuestionBankService(bank: bank, blobs: blobs, languages: configuration.languages, maxImageBytes: configuration.maxUploadBytes)
        courseFolders = CourseFolderService(
            access: access, courses: courses, content: content, imports: CourseImportRepository(database: database),
            users: accounts.users, attachments: attachments, quizzes: quizzes, liveSessions: liveSessions, bank: bank, blobs: blobs,
            languages: configuration.languages, maxUploadBytes: configuration.maxUploadBytes
        )
    }

    /// What runs beside the server for as long as it serves: the database pool, the start-up
    /// migration and key refresh, the hashing threads, the sweeper of abandoned attempts and the
    /// pruning of expired rows.
    public var backgroundServices: [any Service] {
        [
            postgres,
        ] + (replica.map { [$0] } ?? []) + [

            DatabaseStartupService(
                migrator: migrator, autoMigrate: configuration.autoMigrate,
                sealSecrets: { [secrets, signingKeys, certificateKeys] in
                    try await secrets.sealStoredSecrets(signingKeys: signingKeys, certificates: certificateKeys)
                },
                changes: ChangeFeed(database: database, followers: [keyRing, sessionCache], logger: logger), logger: logger
            ),
            hashingPool,
            AttemptSweeper(finisher: finisher, interval: .seconds(configuration.attemptSweepSeconds), logger: logger),
            HousekeepingService(expiredRows: ExpiredRows(database: database), logger: logger),
        ]
    }
}
