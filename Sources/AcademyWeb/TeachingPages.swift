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
    let gradebooks: GradebookReader
    /// The academy's languages: a gradebook's quiz titles come in one of them.
    let languages: [String]

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach", use: teaching)
        routes.get("teach/:course/roster", use: roster)
        routes.post("teach/enrollments/:id", use: decide)
        routes.get("teach/:course/gradebook", use: gradebook)
        routes.get("teach/:course/gradebook.csv", use: gradebookDownload)
    }

    struct GradebookPage {
        let slug: String
        let lang: String
        let dir: String
        let title: String
        let columns: [Column]
        let rows: [GradebookRow]
    }

    struct Column {
        let title: String
        let required: Bool
    }

    struct GradebookRow {
        let name: String
        let email: String
        let status: String
        let lessons: Int
        let grades: [Grade]
    }

    struct Grade {
        let value: String?
        /// `pass`, `fail`, or empty when not attempted: coloured, and said in words by the percent.
        let mark: String
        /// Where an essay waiting for its grade is graded.
        let grading: String?
    }

    /// The API's gradebook (`GradebookReader`, grading per quiz as its `grading` says) as a table.
    @Sendable func gradebook(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let language = languages.contains(visitor.language) ? visitor.language : course.defaultLanguage
        let book = try await gradebooks.gradebook(of: course, language: language)
        let strings = renderer.strings(visitor.language)
        let text = ContentLanguage(course.translations, course: course, visitor: visitor)
        let page = GradebookPage(
            slug: course.slug, lang: text.lang, dir: text.dir, title: text.value?.title ?? course.slug,
            columns: book.columns.map { Column(title: $0.title, required: $0.required) },
            rows: book.rows.map { row in
                GradebookRow(
                    name: row.user.displayName, email: row.user.email,
                    status: strings["status_\(row.enrollment.status.rawValue)"] ?? row.enrollment.status.rawValue,
                    lessons: row.progress.percent,
                    grades: zip(book.columns, zip(row.grades, row.needsGrading)).map { column, cell in
                        Grade(
                            value: cell.0.map { String(format: "%.0f", $0) },
                            mark: cell.0.map { $0 >= column.passPercent ? "right" : "wrong" } ?? "",
                            grading: cell.1 ? "/teach/quizzes/\(column.quizID.apiString)/grading" : nil
                        )
                    }
                )
            }
        )
        return renderer.render("gradebook", title: strings["gradebook_title"] ?? "", page: page, visitor: visitor, request: request)
    }

    @Sendable func gradebookDownload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let language = languages.contains(visitor.language) ? visitor.language : course.defaultLanguage
        return GradebookDownload.csv(try await gradebooks.gradebook(of: course, language: language), of: course, language: language)
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
