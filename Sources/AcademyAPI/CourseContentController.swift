import AcademyContent
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Modules, lessons and the translation coverage of a course.
struct CourseContentController {
    let access: CourseAccess
    let content: CourseContentRepository
    let attachments: AttachmentRepository
    let authoring: CourseAuthoring
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.group("courses").add(middleware: authentication.optional).get(":course/modules", use: modules)
        let authoring = routes.group().add(middleware: authentication)
        authoring.post("courses/:course/modules", use: createModule)
        authoring.patch("modules/:id", use: updateModule)
        authoring.delete("modules/:id", use: deleteModule)
        authoring.post("courses/:course/lessons", use: createLesson)
        authoring.get("lessons/:id", use: showLesson)
        authoring.patch("lessons/:id", use: updateLesson)
        authoring.delete("lessons/:id", use: deleteLesson)
        authoring.get("courses/:course/translations", use: coverage)
        return routes
    }

    // MARK: Modules

    @Sendable func modules(_ request: Request, context: AppRequestContext) async throws -> PageResponse<ModuleResponse> {
        let found = try await access.visibleCourse(context)
        let modules = try await content.modules(of: found.course.id)
        return PageResponse(items: modules.map { module in
            ModuleResponse(module: module, choice: LanguageChoice(request: request, context: context, available: module.titles.keys, fallback: found.course.defaultLanguage))
        }, nextCursor: nil)
    }

    @Sendable func createModule(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<ModuleResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: ModuleRequest.self, context: context)
        let module = try await authoring.createModule(in: course, body)
        let choice = LanguageChoice(request: request, context: context, available: module.titles.keys, fallback: course.defaultLanguage)
        return EditedResponse(status: .created, headers: [.contentLanguage: choice.language], response: ModuleResponse(module: module, choice: choice))
    }

    /// The module in the path and its course, if the caller may change them.
    private func editableModule(_ context: AppRequestContext) async throws -> (CourseModule, Course) {
        try await access.editableModule(try context.parameters.uuid("id"), by: context.principal)
    }

    @Sendable func updateModule(_ request: Request, context: AppRequestContext) async throws -> ModuleResponse {
        let (module, course) = try await editableModule(context)
        let change = try await request.mergePatch(ModuleRequest.self, over: ModuleRequest(editing: module), context: context) { body in
            try authoring.moduleChange(body, of: course)
        }
        let updated = try await authoring.updateModule(module, with: change)
        return ModuleResponse(module: updated, choice: LanguageChoice(request: request, context: context, available: updated.titles.keys, fallback: course.defaultLanguage))
    }

    @Sendable func deleteModule(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (module, _) = try await editableModule(context)
        try await content.deleteModule(module)
        return .noContent
    }

    // MARK: Lessons

    @Sendable func createLesson(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LessonResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: LessonRequest.self, context: context)
        let lesson = try await authoring.createLesson(in: course, body)
        let choice = LanguageChoice(request: request, context: context, available: lesson.translations.keys, fallback: course.defaultLanguage)
        var response = choice.apply(to: LessonResponse(lesson: lesson, attachments: [], choice: choice, includeTranslations: true))
        response.status = .created
        return response
    }

    /// The lesson in the path and its course, if the caller may change them.
    private func editableLesson(_ context: AppRequestContext) async throws -> (Lesson, Course) {
        try await access.editableLesson(try context.parameters.uuid("id"), by: context.principal)
    }

    /// Editors read any lesson with all its translations; admitted students read open lessons.
    @Sendable func showLesson(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LessonResponse> {
        let (lesson, files, course, reader) = try await access.openLesson(try context.parameters.uuid("id"), principal: context.principal)
        let choice = LanguageChoice(request: request, context: context, available: lesson.translations.keys, fallback: course.defaultLanguage)
        let isEditor = if case .editor = reader { true } else { false }
        return choice.apply(to: LessonResponse(lesson: lesson, attachments: files, choice: choice, includeTranslations: isEditor))
    }

    @Sendable func updateLesson(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LessonResponse> {
        let (lesson, course) = try await editableLesson(context)
        let change = try await request.mergePatch(LessonRequest.self, over: LessonRequest(editing: lesson), context: context) { body in
            try await authoring.lessonChange(body, editing: lesson, of: course)
        }
        let updated = try await authoring.updateLesson(lesson, with: change)
        let choice = LanguageChoice(request: request, context: context, available: updated.translations.keys, fallback: course.defaultLanguage)
        let files = try await attachments.attachments(of: updated.id)
        return choice.apply(to: LessonResponse(lesson: updated, attachments: files, choice: choice, includeTranslations: true))
    }

    @Sendable func deleteLesson(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (lesson, _) = try await editableLesson(context)
        try await content.deleteLesson(lesson)
        return .noContent
    }

    // MARK: Coverage

    @Sendable func coverage(_ request: Request, context: AppRequestContext) async throws -> CoverageResponse {
        CoverageResponse(coverage: try await authoring.coverage(of: try await access.editableCourse(context)))
    }
}
