import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// What an instructor does in the pages so far: the courses they teach, and each course's roster,
/// where enrolments waiting for approval are approved or declined (the API's rules:
/// `EnrollmentStatusChange`, `EnrollmentPolicy`, capacity).
struct TeachingPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let courses: CourseRepository
    let enrollments: EnrollmentRepository
    let statusChange: EnrollmentStatusChange

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach", use: teaching)
        routes.get("teach/:course/roster", use: roster)
        routes.post("teach/enrollments/:id", use: decide)
    }

    @Sendable func teaching(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let taught = try await courses.taught(by: principal.userID, page: try PageRequest(limitParameter: "200", cursorParameter: nil))
        let cards = taught.items.map { CataloguePages.CourseCard($0, visitor: visitor) }
        return renderer.render(
            "teaching", title: renderer.strings(visitor.language)["nav_teaching"] ?? "", page: ["courses": cards], visitor: visitor, request: request
        )
    }

    struct RosterPage {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let pendingOnly: Bool
        let back: String
        let rows: [Row]
        let next: String?
    }

    struct Row {
        let id: String
        let name: String
        let email: String
        let status: String
        let pending: Bool
        let done: Int
        let total: Int
    }

    @Sendable func roster(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let query = request.uri.queryParameters
        let pendingOnly = query.get("status") == "pending"
        let page = try await enrollments.roster(
            of: course.id, status: pendingOnly ? .pending : nil,
            page: try PageRequest(limitParameter: "50", cursorParameter: query.get("cursor"))
        )
        let strings = renderer.strings(visitor.language)
        let text = ContentLanguage(course.translations, course: course, visitor: visitor)
        let base = "/teach/\(course.slug)/roster" + (pendingOnly ? "?status=pending" : "")
        let content = RosterPage(
            slug: course.slug, lang: text.lang, dir: text.dir, title: text.value?.title ?? course.slug,
            pendingOnly: pendingOnly, back: visitor.path,
            rows: page.items.map { entry in
                Row(
                    id: entry.enrollment.id.apiString, name: entry.user.displayName, email: entry.user.email,
                    status: strings["status_\(entry.enrollment.status.rawValue)"] ?? entry.enrollment.status.rawValue,
                    pending: entry.enrollment.status == .pending,
                    done: entry.progress.completedLessons, total: entry.progress.totalLessons
                )
            },
            next: page.nextCursor.map { base + (pendingOnly ? "&" : "?") + "cursor=" + SiteErrorMiddleware.queryEscaped($0.encoded) }
        )
        return renderer.render("roster", title: strings["roster_title"] ?? "", page: content, visitor: visitor, request: request)
    }

    struct DecisionForm: Decodable, CSRFProtected {
        let csrf: String
        let status: String
        let back: String?
    }

    /// Approves (`active`) or declines (`rejected`) a pending enrolment; any other status is not a
    /// decision this page offers.
    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let form = try await SiteForm.read(DecisionForm.self, from: request, secret: visitor.csrfSecret)
        guard let status = EnrollmentStatus(rawValue: form.status), [.active, .rejected].contains(status) else {
            throw AcademyError.validationFailed([FieldError(field: "status", message: "must be active or rejected")])
        }
        _ = try await statusChange.change(try context.parameters.uuid("id"), by: visitor.principal) { _ in status }
        return PageRenderer.redirect(to: LocalPath.sanitized(form.back, fallback: "/teach"))
    }
}
