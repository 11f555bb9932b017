import AcademyStore
public import Hummingbird
import Logging
public import Prometheus
import ServiceLifecycle

/// Builds the router: the cross-cutting middleware in the order a request meets it, then each
/// resource's routes. The 405 answers are added by `buildApplication`, after any other routes.
public func buildRouter(_ dependencies: AppDependencies) throws -> AcademyRouter {
    let router = AcademyRouter()
    if dependencies.configuration.trustProxy {
        router.add(middleware: ClientAddressMiddleware())
    }
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: dependencies.configuration.maxBodyBytes))

    HealthController(migrator: dependencies.migrator).addRoutes(to: router)
    let authentication = AuthenticationMiddleware(keyRing: dependencies.keyRing, sessions: dependencies.accounts.sessions)
    AuthController(
        accounts: dependencies.accounts,
        selfRegistration: dependencies.configuration.selfRegistration,
        authentication: authentication
    ).addRoutes(to: router)
    MeController(accounts: dependencies.accounts, authentication: authentication).addRoutes(to: router)
    UsersController(accounts: dependencies.accounts, authentication: authentication).addRoutes(to: router)
    let courses = CourseController(
        courses: CourseRepository(database: dependencies.database),
        hashing: dependencies.hashingPool,
        languages: dependencies.configuration.languages,
        authentication: authentication
    )
    courses.addRoutes(to: router)
    let enrollments = EnrollmentRepository(database: dependencies.database)
    EnrollmentController(
        courseController: courses,
        courses: CourseRepository(database: dependencies.database),
        enrollments: enrollments,
        users: dependencies.accounts.users,
        hashing: dependencies.hashingPool,
        authentication: authentication
    ).addRoutes(to: router)
    let content = CourseContentRepository(database: dependencies.database)
    let attachments = AttachmentRepository(database: dependencies.database)
    let quizzes = QuizRepository(database: dependencies.database)
    let attempts = AttemptRepository(database: dependencies.database)
    let access = LessonAccess(courseController: courses, content: content, attempts: attempts, enrollments: enrollments)
    CourseContentController(
        courseController: courses,
        content: content,
        attachments: attachments,
        access: access,
        languages: dependencies.configuration.languages,
        authentication: authentication
    ).addRoutes(to: router)
    let blobs = BlobStore(dataDirectory: dependencies.configuration.dataDirectory)
    LessonUploadController(
        courseController: courses,
        content: content,
        attachments: attachments,
        blobs: blobs,
        dataDirectory: dependencies.configuration.dataDirectory,
        languages: dependencies.configuration.languages,
        maxUploadBytes: dependencies.configuration.maxUploadBytes,
        authentication: authentication
    ).addRoutes(to: router)
    AttachmentController(
        content: content,
        attachments: attachments,
        courseController: courses,
        access: access,
        blobs: blobs,
        maxUploadBytes: dependencies.configuration.maxUploadBytes,
        authentication: authentication
    ).addRoutes(to: router)
    try ServiceDocumentsController(metricsRegistry: dependencies.metricsRegistry).addRoutes(to: router)
    let certificates = CertificateService(database: dependencies.database, users: dependencies.accounts.users)
    LearningController(
        access: access, content: content, enrollments: enrollments, certificates: certificates, authentication: authentication
    ).addRoutes(to: router)
    CertificateController(service: certificates, authentication: authentication).addRoutes(to: router)
    QuizController(
        access: access, quizzes: quizzes, attempts: attempts, enrollments: enrollments,
        finisher: AttemptFinisher(database: dependencies.database, users: dependencies.accounts.users),
        languages: dependencies.configuration.languages, authentication: authentication
    ).addRoutes(to: router)
    GradebookController(
        courseController: courses, reader: GradebookReader(database: dependencies.database),
        languages: dependencies.configuration.languages, authentication: authentication
    ).addRoutes(to: router)
    return router
}

/// The runnable application: the router's HTTP server plus the database pool and the start-up
/// migration, in one service group.
public func buildApplication(router: AcademyRouter, dependencies: AppDependencies) -> some ApplicationProtocol {
    router.addMethodNotAllowedResponders()
    let configuration = dependencies.configuration
    return Application(
        router: router.router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "academy"
        ),
        services: [
            dependencies.postgres,
            DatabaseStartupService(
                migrator: dependencies.migrator,
                autoMigrate: configuration.autoMigrate,
                keyRing: dependencies.keyRing,
                logger: dependencies.logger
            ),
            dependencies.hashingPool,
            AttemptSweeper(
                finisher: AttemptFinisher(database: dependencies.database, users: dependencies.accounts.users),
                interval: .seconds(configuration.attemptSweepSeconds),
                logger: dependencies.logger
            ),
        ],
        logger: dependencies.logger
    )
}

public func buildApplication(_ dependencies: AppDependencies) throws -> some ApplicationProtocol {
    buildApplication(router: try buildRouter(dependencies), dependencies: dependencies)
}

/// Prometheus names allow `[a-zA-Z0-9_:]`; swift-metrics labels from libraries use dots.
public func makeMetricsFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.nameAndLabelSanitizer = { name, labels in
        (sanitizedMetricName(name), labels.map { (sanitizedMetricName($0.0), $0.1) })
    }
    return factory
}

func sanitizedMetricName(_ name: String) -> String {
    String(name.map { character in
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == ":") ? character : "_"
    })
}
