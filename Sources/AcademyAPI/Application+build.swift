import AcademyCore
public import AcademyServices
import AcademyStore
public import Hummingbird
import Logging
public import Prometheus

/// Builds the router: the cross-cutting middleware in the order a request meets it, then each
/// resource's routes, the REST API under one `/api/v1` group. The 405 answers are added by
/// `buildApplication`, after any other routes.
public func buildRouter(_ dependencies: AppDependencies) throws -> AcademyRouter {
    let configuration = dependencies.configuration
    let router = AcademyRouter()
    if !configuration.trustedProxies.isEmpty {
        router.add(middleware: ClientAddressMiddleware(proxies: configuration.trustedProxies))
    }
    router.add(middleware: router.edge)
    router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: IdempotencyMiddleware(store: dependencies.idempotency, keyRing: dependencies.keyRing, maxBodyBytes: configuration.maxBodyBytes))
    router.add(middleware: ConditionalRequestMiddleware(reader: router.representations))

    router.addRoutes(HealthController(migrator: dependencies.migrator).endpoints)
    router.addRoutes(try ServiceDocumentsController(metricsRegistry: dependencies.metricsRegistry, languages: dependencies.configuration.languages).endpoints)

    let authentication = AuthenticationMiddleware(keyRing: dependencies.keyRing, sessions: dependencies.accounts.sessions)
    let access = dependencies.access
    let authoring = dependencies.courseAuthoring
    let api = router.group("/api/v1")
    api.addRoutes(AuthController(
        accounts: dependencies.accounts, authentication: authentication
    ).endpoints)
    api.addRoutes(MeController(accounts: dependencies.accounts, authentication: authentication).endpoints)
    api.addRoutes(UsersController(accounts: dependencies.accounts, authentication: authentication).endpoints)
    api.addRoutes(CourseController(
        access: access, courses: dependencies.courses, catalogue: dependencies.catalogue, authoring: authoring,
        languages: configuration.languages, authentication: authentication
    ).endpoints)
    api.addRoutes(EnrollmentController(
        access: access, courses: dependencies.courses, enrollments: dependencies.enrollments, users: dependencies.accounts.users,
        selfEnrollment: dependencies.selfEnrollment, statusChange: dependencies.enrollmentStatusChange, authentication: authentication
    ).endpoints)
    api.addRoutes(CourseContentController(
        access: access, content: dependencies.content, attachments: dependencies.attachments,
        authoring: authoring, authentication: authentication
    ).endpoints)
    api.addRoutes(LessonUploadController(
        access: access, attachments: dependencies.attachments, authoring: authoring, upload: dependencies.lessonUpload,
        authentication: authentication
    ).endpoints)
    api.addRoutes(AttachmentController(
        access: access, attachments: dependencies.attachments, blobs: dependencies.blobs, upload: dependencies.attachmentUpload,
        leadTime: dependencies.attendance.leadTime, authentication: authentication
    ).endpoints)
    api.addRoutes(LearningController(
        access: access, content: dependencies.content, completion: dependencies.lessonCompletion, authentication: authentication
    ).endpoints)
    api.addRoutes(CertificateController(service: dependencies.certificates, authentication: authentication).endpoints)
    api.addRoutes(QuizController(
        access: access, quizzes: dependencies.quizzes, attempts: dependencies.attempts, finisher: dependencies.finisher,
        taking: dependencies.quizTaking, authoring: authoring, blobs: dependencies.blobs, authentication: authentication
    ).endpoints)
    api.addRoutes(QuestionBankController(access: access, bank: dependencies.questionBank, authentication: authentication).endpoints)
    api.addRoutes(GradebookController(
        access: access, reader: dependencies.gradebook, languages: configuration.languages, authentication: authentication
    ).endpoints)
    api.addRoutes(LiveSessionController(
        access: access, sessions: dependencies.liveSessions, attendance: dependencies.attendance, attachments: dependencies.attachments,
        upload: dependencies.attachmentUpload, authoring: authoring, authentication: authentication
    ).endpoints)
    api.addRoutes(CalendarController(calendars: dependencies.calendars, authentication: authentication).endpoints)
    api.addRoutes(AnnouncementController(access: access, service: dependencies.announcements, authentication: authentication).endpoints)
    return router
}

/// The runnable application: the router's HTTP server plus the services that run beside it
/// (database pool, start-up migration, hashing threads, attempt sweeper), in one service group.
public func buildApplication(router: AcademyRouter, dependencies: AppDependencies) -> some ApplicationProtocol {
    router.addMethodNotAllowedResponders()
    let configuration = dependencies.configuration
    let responder = router.router.buildResponder()
    router.representations.install(responder)
    return Application(
        responder: AdmissionResponder(
            inner: UnroutedMethodResponder(inner: responder), gate: AdmissionGate(limit: configuration.maxRequestsInFlight),
            edge: router.edge, maxBodyBytes: configuration.maxBodyBytes, keyRing: dependencies.keyRing
        ),
        server: LimitedHTTP1Channel.builder(
            maximumConnections: configuration.maxConnections, idleTimeout: .seconds(Int64(configuration.idleTimeoutSeconds))
        ),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "academy",
            backlog: configuration.listenBacklog
        ),
        services: dependencies.backgroundServices,
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
