import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// The catalogue, a course's page with its Enrol button, and the student's own courses.
struct CataloguePages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let courses: CourseRepository
    let catalogue: CourseCatalogue
    let content: CourseContentRepository
    let enrollments: EnrollmentRepository
    let selfEnrollment: SelfEnrollment
    let languages: [String]

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("/", use: catalogue)
        routes.get("courses/:course", use: course)
        routes.post("courses/:course/enrol", use: enrol)
        routes.get("my/courses", use: myCourses)
    }

    struct CourseCard {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let summary: String

        init(_ course: Course, visitor: Visitor) {
            let text = ContentLanguage(course.translations, course: course, visitor: visitor)
            slug = course.slug
            (lang, dir, title, summary) = (text.lang, text.dir, text.value?.title ?? course.slug, text.value?.summary ?? "")
        }
    }

    struct CataloguePage {
        let query: String
        let courses: [CourseCard]
        let next: String?
    }

    /// Search in every language the academy offers, as the API's catalogue does.
    @Sendable func catalogue(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let query = request.uri.queryParameters
        let search = try query.searchText("q")
        let page = try PageRequest(limitParameter: "20", cursorParameter: query.get("cursor"))
        let found = try await catalogue.page(query: search, languages: languages, page: page, for: visitor.principal)
        let next = found.nextCursor.map { cursor in
            "/?cursor=\(SiteErrorMiddleware.queryEscaped(cursor.encoded))" + (search.map { "&q=" + SiteErrorMiddleware.queryEscaped($0) } ?? "")
        }
        let content = CataloguePage(query: search ?? "", courses: found.items.map { CourseCard($0, visitor: visitor) }, next: next)
        return renderer.render("catalogue", title: renderer.strings(visitor.language)["catalogue_title"] ?? "", page: content, visitor: visitor, request: request)
    }

    struct CoursePage {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let summary: String
        let languages: [LanguageOption]
        let places: Int?
        let mode: String
        let status: String?
        let mayEnrol: Bool
        let needsKey: Bool
        let signInToEnrol: Bool
        let problem: String?
        /// For the course's students and editors.
        let outline: OutlineView?
        let timeZone: String
    }

    @Sendable func course(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (course, relation) = try await access.visibleCourse(context.parameters.courseReference(), to: visitor.principal)
        return try await coursePage(course, relation: relation, visitor: visitor, request: request)
    }

    private func coursePage(
        _ course: Course, relation: CourseRelation, visitor: Visitor, request: Request,
        problem: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let strings = renderer.strings(visitor.language)
        // One read of the visitor's enrolment and what they have done: the status line and the
        // outline's locks both come from it.
        let standing = if let principal = visitor.principal {
            try await enrollments.standing(userID: principal.userID, courseID: course.id)
        } else {
            (enrollment: Enrollment, done: Set<UUID>)?.none
        }
        let enrollment = standing?.enrollment
        let text = ContentLanguage(course.translations, course: course, visitor: visitor)
        let title = text.value?.title ?? course.slug
        let statusText = enrollment.map { strings["course_\($0.status.rawValue)"] ?? $0.status.rawValue }
        let canAskToJoin = course.enrollmentMode != .closed && (enrollment == nil || enrollment?.status == .dropped)
        let page = CoursePage(
            slug: course.slug, lang: text.lang, dir: text.dir, title: title, summary: text.value?.summary ?? "",
            languages: course.translations.keys.sorted().map { code in
                LanguageOption(code: code, name: renderer.resources.strings[code]?["language_name"] ?? code, selected: code == text.lang)
            },
            places: course.capacity,
            mode: strings["course_mode_\(course.enrollmentMode.rawValue)"] ?? "",
            status: statusText,
            mayEnrol: visitor.principal != nil && canAskToJoin,
            needsKey: course.enrollmentMode == .key,
            signInToEnrol: visitor.principal == nil && course.enrollmentMode != .closed,
            problem: problem,
            outline: try await outline(of: course, relation: relation, standing: standing, visitor: visitor, strings: strings),
            timeZone: visitor.timeZone.identifier
        )
        return renderer.render("course", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    /// The outline, when the visitor may open the course's items (an admitted student or an
    /// editor); nil for everyone else, who sees the course's description only.
    private func outline(
        of course: Course, relation: CourseRelation, standing: (enrollment: Enrollment, done: Set<UUID>)?, visitor: Visitor, strings: [String: String]
    ) async throws -> OutlineView? {
        guard visitor.principal != nil else { return nil }
        let reader: CourseAccess.Reader
        do {
            reader = try await access.reader(relation: relation, principal: visitor.principal, standing: standing)
        } catch AcademyError.forbidden {
            return nil
        }
        async let modules = content.modules(of: course.id)
        let items = try await content.items(of: course.id)
        let done: Set<UUID> = if case .student(_, let done) = reader { done } else { [] }
        return OutlineView.build(
            course: course, modules: try await modules, items: items,
            locks: access.locks(of: items, course: course, reader: reader), done: done, visitor: visitor, strings: strings
        )
    }

    struct EnrolForm: Decodable, CSRFProtected {
        let csrf: String
        let key: String?
    }

    /// The same rule as `POST /api/v1/courses/{course}/enrollments`; then back to the course's
    /// page, which says what became of it.
    @Sendable func enrol(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let form = try await SiteForm.read(EnrolForm.self, from: request, secret: visitor.csrfSecret)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let (course, relation) = try await access.visibleCourse(context.parameters.courseReference(), to: principal)
        let key = form.key.flatMap { $0.isEmpty ? nil : $0 }
        do {
            _ = try await selfEnrollment.enroll(student: principal.userID, in: course, key: key, clientAddress: context.clientAddress)
        } catch let error as AcademyError {
            // Refusals the student can act on (wrong key, full, closed) are shown on the course's
            // own page, in the interface language, with the form still there.
            let problem = ProblemDetails(error, requestID: context.requestID)
            guard (400..<500).contains(problem.status), problem.status != 401 else { throw error }
            let message = renderer.strings(visitor.language)["error_\(problem.status)"] ?? problem.detail
            return try await coursePage(
                course, relation: relation, visitor: visitor, request: request,
                problem: "\(message) \(problem.detail)", status: HTTPResponse.Status(code: problem.status)
            )
        }
        return PageRenderer.redirect(to: "/courses/\(course.slug)")
    }

    struct MyCourse {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let status: String
        let done: Int
        let total: Int
    }

    @Sendable func myCourses(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let strings = renderer.strings(visitor.language)
        var items: [MyCourse] = []
        for (enrollment, progress) in try await enrollments.enrollments(of: principal.userID) {
            guard let (course, _) = try await courses.find(.id(enrollment.courseID), for: principal.userID) else { continue }
            let text = ContentLanguage(course.translations, course: course, visitor: visitor)
            items.append(MyCourse(
                slug: course.slug, lang: text.lang, dir: text.dir, title: text.value?.title ?? course.slug,
                status: strings["course_\(enrollment.status.rawValue)"] ?? enrollment.status.rawValue,
                done: progress.completedLessons, total: progress.totalLessons
            ))
        }
        return renderer.render("my-courses", title: strings["my_courses_title"] ?? "", page: ["courses": items], visitor: visitor, request: request)
    }
}
