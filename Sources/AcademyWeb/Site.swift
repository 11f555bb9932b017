public import AcademyAPI
public import AcademyServices
import AcademyCore
import Hummingbird

/// The whole site: the REST API under `/api/v1` (see `buildRouter`) and the web pages at `/`,
/// served by one process over the same services.
public func buildSite(_ dependencies: AppDependencies) async throws -> AcademyRouter {
    let router = try buildRouter(dependencies)
    let resources = try await SiteResources.load()
    let configuration = dependencies.configuration
    let renderer = PageRenderer(resources: resources, contentLanguages: configuration.languages)
    let fallbackLanguage = configuration.languages.first { SiteResources.interfaceLanguages.contains($0) } ?? "en"
    let session = SiteSession(
        authentication: AuthenticationMiddleware(keyRing: dependencies.keyRing, sessions: dependencies.accounts.sessions),
        accounts: dependencies.accounts,
        fallbackLanguage: fallbackLanguage,
        contentLanguages: configuration.languages
    )
    router.get("assets/:file") { request, context in
        try StaticAssetResponder.respond(resources.assets, request: request, context: context)
    }
    let errorPages = SiteErrorMiddleware(renderer: renderer, session: session)
    // Wraps the router's not-found answer (built last), and the routes added after it.
    router.add(middleware: SiteNotFoundMiddleware(pages: errorPages))
    let pages = router.group("").add(middleware: errorPages)
    AccountPages(
        session: session, renderer: renderer, accounts: dependencies.accounts
    ).register(on: pages)
    CataloguePages(
        session: session, renderer: renderer, access: dependencies.access, courses: dependencies.courses, catalogue: dependencies.catalogue,
        content: dependencies.content,
        enrollments: dependencies.enrollments, selfEnrollment: dependencies.selfEnrollment, languages: configuration.languages
    ).register(on: pages)
    LearningPages(
        session: session, renderer: renderer, access: dependencies.access, completion: dependencies.lessonCompletion,
        download: AttachmentDownload(
            access: dependencies.access, attachments: dependencies.attachments, blobs: dependencies.blobs, leadTime: dependencies.attendance.leadTime
        )
    ).register(on: pages)
    LivePages(
        session: session, renderer: renderer, access: dependencies.access, attendance: dependencies.attendance,
        announcementService: dependencies.announcements, calendars: dependencies.calendars, attachments: dependencies.attachments
    ).register(on: pages)
    TeachingPages(
        session: session, renderer: renderer, access: dependencies.access, courses: dependencies.courses,
        enrollments: dependencies.enrollments, statusChange: dependencies.enrollmentStatusChange,
        gradebooks: dependencies.gradebook, languages: configuration.languages
    ).register(on: pages)
    CourseEditorPages(
        session: session, renderer: renderer, access: dependencies.access, courses: dependencies.courses,
        content: dependencies.content, authoring: dependencies.courseAuthoring
    ).register(on: pages)
    let lessonEditor = LessonEditorPages(
        session: session, renderer: renderer, access: dependencies.access, content: dependencies.content,
        attachments: dependencies.attachments, authoring: dependencies.courseAuthoring
    )
    lessonEditor.register(on: pages)
    LiveSessionEditorPages(
        session: session, renderer: renderer, access: dependencies.access, content: dependencies.content, sessions: dependencies.liveSessions,
        attendance: dependencies.attendance, authoring: dependencies.courseAuthoring, attachments: dependencies.attachments,
        attachmentUpload: dependencies.attachmentUpload
    ).register(on: pages)
    AnnouncementPages(
        session: session, renderer: renderer, access: dependencies.access, service: dependencies.announcements, languages: configuration.languages
    ).register(on: pages)
    LessonFilePages(
        session: session, renderer: renderer, access: dependencies.access, content: dependencies.content,
        authoring: dependencies.courseAuthoring, lessonUpload: dependencies.lessonUpload, attachmentUpload: dependencies.attachmentUpload, lessonEditor: lessonEditor
    ).register(on: pages)
    QuizEditorPages(
        session: session, renderer: renderer, access: dependencies.access, content: dependencies.content, quizzes: dependencies.quizzes,
        users: dependencies.accounts.users, authoring: dependencies.courseAuthoring
    ).register(on: pages)
    QuestionBankPages(
        session: session, renderer: renderer, access: dependencies.access, bank: dependencies.questionBank, upload: dependencies.bankFileUpload,
        quizzes: dependencies.quizzes, authoring: dependencies.courseAuthoring, languages: configuration.languages
    ).register(on: pages)
    EssayGradingPages(
        session: session, renderer: renderer, access: dependencies.access, attempts: dependencies.attempts, taking: dependencies.quizTaking
    ).register(on: pages)
    CertificatePages(session: session, renderer: renderer, certificates: dependencies.certificates).register(on: pages)
    QuizPages(session: session, renderer: renderer, access: dependencies.access, taking: dependencies.quizTaking, blobs: dependencies.blobs).register(on: pages)
    return router
}
