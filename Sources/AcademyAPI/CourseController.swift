import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// `/courses`: the catalogue, course settings, status and instructors.
struct CourseController {
    let access: CourseAccess
    let courses: CourseRepository
    let catalogue: CourseCatalogue
    let authoring: CourseAuthoring
    let languages: [String]
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        let viewing = routes.group("courses").add(middleware: authentication.optional)
        viewing.get(use: catalogue)
        viewing.get(":course", use: show)
        let authoring = routes.group("courses").add(middleware: authentication)
        authoring.post(use: create)
        authoring.patch(":course", use: update)
        authoring.delete(":course", use: archive)
        authoring.post(":course/publish") { request, context in try await setStatus(.published, request, context) }
        authoring.post(":course/unpublish") { request, context in try await setStatus(.draft, request, context) }
        authoring.get(":course/instructors", use: instructors)
        authoring.post(":course/instructors", use: addInstructor)
        return routes
    }

    private func response(_ course: Course, relation: CourseRelation, _ request: Request, _ context: AppRequestContext) -> EditedResponse<CourseResponse> {
        let choice = LanguageChoice(request: request, context: context, available: course.translations.keys, fallback: course.defaultLanguage)
        let editor = CoursePolicy.isStaff(context.principal, relation: relation)
        return choice.apply(to: CourseResponse(course: course, choice: choice, includeTranslations: editor))
    }

    @Sendable func catalogue(_ request: Request, context: AppRequestContext) async throws -> PageResponse<CourseResponse> {
        let query = request.uri.queryParameters
        let page = try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor"))
        let result: Page<Course>
        let mine = try query.flag("mine")
        if mine {
            let principal = try context.requirePrincipal()
            result = try await courses.taught(by: principal.userID, page: page)
        } else {
            let search = try query.searchText("q")
            result = try await catalogue.page(query: search, languages: languages, page: page, for: context.principal)
        }
        return PageResponse(
            items: result.items.map { course in
                let choice = LanguageChoice(request: request, context: context, available: course.translations.keys, fallback: course.defaultLanguage)
                return CourseResponse(course: course, choice: choice, includeTranslations: mine)
            },
            nextCursor: result.nextCursor
        )
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CourseResponse> {
        let found = try await access.visibleCourse(context)
        return response(found.course, relation: found.relation, request, context)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CourseResponse> {
        try CoursePolicy.requireAuthor(context.principal)
        let body = try await request.decode(as: CourseRequest.self, context: context)
        let course = try await authoring.createCourse(body, by: context.principal)
        var created = response(course, relation: .instructor, request, context)
        created.status = .created
        return created
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<CourseResponse> {
        let course = try await access.editableCourse(context)
        let change = try await request.mergePatch(CourseRequest.self, over: CourseRequest(editing: course), context: context) { body in
            try authoring.courseChange(body, editing: course)
        }
        return response(try await authoring.updateCourse(course, with: change), relation: .instructor, request, context)
    }

    @Sendable func archive(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let course = try await access.editableCourse(context)
        _ = try await courses.setStatus(course.id, to: .archived)
        return .noContent
    }

    func setStatus(_ status: CourseStatus, _ request: Request, _ context: AppRequestContext) async throws -> EditedResponse<CourseResponse> {
        let course = try await access.editableCourse(context)
        return response(try await courses.setStatus(course.id, to: status), relation: .instructor, request, context)
    }

    @Sendable func instructors(_ request: Request, context: AppRequestContext) async throws -> PageResponse<UserResponse> {
        let course = try await access.editableCourse(context)
        return PageResponse(items: try await courses.instructors(of: course.id).map(UserResponse.init), nextCursor: nil)
    }

    @Sendable func addInstructor(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<UserResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: InstructorRequest.self, context: context)
        let user = try await courses.addInstructor(body.userId, to: course.id)
        return EditedResponse(status: .created, response: UserResponse(user: user))
    }
}
