import AcademyCore
import AcademyCrypto
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Enrolments: joining a course by its mode, the roster, approvals and drops, and one's own list.
struct EnrollmentController {
    let access: CourseAccess
    let courses: CourseRepository
    let enrollments: EnrollmentRepository
    let users: UserRepository
    let selfEnrollment: SelfEnrollment
    let statusChange: EnrollmentStatusChange
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("courses/:course/enrollments", use: enroll)
        routes.get("courses/:course/enrollments", use: roster)
        routes.patch("enrollments/:id", use: update)
        routes.delete("enrollments/:id", use: drop)
        routes.get("me/enrollments", use: mine)
        return routes
    }

    /// A student enrols themself (`{key?}`); an instructor or admin adds someone (`{user_id}` or `{email}`).
    @Sendable func enroll(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<EnrollmentResponse> {
        let principal = try context.requirePrincipal()
        let (course, relation) = try await access.visibleCourse(context)
        let body = try await request.decode(as: EnrollmentRequest.self, context: context)
        let result: (enrollment: Enrollment, created: Bool)
        if body.userId != nil || body.email != nil {
            try CoursePolicy.requireEditable(course, by: principal, relation: relation)
            let target: User? = if let id = body.userId {
                try await users.find(id: id)
            } else if let email = body.email {
                try await users.find(email: email)
            } else {
                nil
            }
            guard let target, !target.disabled else {
                throw AcademyError.validationFailed([FieldError(field: body.userId != nil ? "user_id" : "email", message: "is not an active account")])
            }
            result = try await enrollments.enroll(userID: target.id, in: course.id, capacity: course.capacity) { existing in
                try EnrollmentPolicy.staffEnrollment(existing: existing)
            }
        } else {
            result = try await selfEnrollment.enroll(student: principal.userID, in: course, key: body.key, clientAddress: context.clientAddress)
        }
        return EditedResponse(status: .created, response: EnrollmentResponse(enrollment: result.enrollment))
    }

    @Sendable func roster(_ request: Request, context: AppRequestContext) async throws -> PageResponse<RosterEntry> {
        let course = try await access.editableCourse(context)
        let query = request.uri.queryParameters
        let page = try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor"))
        var status: EnrollmentStatus?
        if let raw = query.get("status") {
            guard let parsed = EnrollmentStatus(rawValue: raw) else {
                throw AcademyError.malformedRequest("status must be one of \(EnrollmentStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            status = parsed
        }
        let result = try await enrollments.roster(of: course.id, status: status, page: page)
        return PageResponse(items: result.items.map(RosterEntry.init), nextCursor: result.nextCursor)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> EnrollmentResponse {
        EnrollmentResponse(enrollment: try await statusChange.change(try context.parameters.uuid("id"), by: context.principal) { enrollment in
            try await request.mergePatch(EnrollmentChange.self, over: EnrollmentChange(status: enrollment.status), context: context) { $0.status }
        })
    }

    /// Drops the enrolment; its history (progress, grades) is kept.
    @Sendable func drop(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        _ = try await statusChange.change(try context.parameters.uuid("id"), by: context.principal) { _ in .dropped }
        return .noContent
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> PageResponse<MyEnrollment> {
        let principal = try context.requirePrincipal()
        var items: [MyEnrollment] = []
        for (enrollment, progress) in try await enrollments.enrollments(of: principal.userID) {
            guard let (course, _) = try await courses.find(.id(enrollment.courseID), for: principal.userID) else { continue }
            let choice = LanguageChoice(request: request, context: context, available: course.translations.keys, fallback: course.defaultLanguage)
            items.append(MyEnrollment(enrollment: enrollment, course: course, choice: choice, progress: progress))
        }
        return PageResponse(items: items, nextCursor: nil)
    }
}
