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
    let languages: [String]
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
        let titles = try body.validatedTitles(defaultLanguage: course.defaultLanguage, offered: languages)
        let module = try await content.createModule(in: course.id, position: body.position, titles: titles)
        let choice = LanguageChoice(request: request, context: context, available: titles.keys, fallback: course.defaultLanguage)
        return EditedResponse(status: .created, headers: [.contentLanguage: choice.language], response: ModuleResponse(module: module, choice: choice))
    }

    /// The module in the path and its course, if the caller may change them.
    private func editableModule(_ context: AppRequestContext) async throws -> (CourseModule, Course) {
        try await access.editableModule(try context.parameters.uuid("id"), by: context.principal)
    }

    @Sendable func updateModule(_ request: Request, context: AppRequestContext) async throws -> ModuleResponse {
        let (module, course) = try await editableModule(context)
        let (position, titles) = try await request.mergePatch(ModuleRequest.self, over: ModuleRequest(editing: module), context: context) { body in
            var validation = FieldValidation()
            guard let position = validation.require(body.position, "position") else { throw AcademyError.validationFailed(validation.errors) }
            return (position, try body.validatedTitles(defaultLanguage: course.defaultLanguage, offered: languages))
        }
        let updated = try await content.updateModule(module, position: position, titles: titles)
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
        let texts = try await body.validatedTexts(defaultLanguage: course.defaultLanguage, offered: languages)
        var validation = FieldValidation()
        guard let moduleID = validation.require(body.moduleId, "module_id") else { throw AcademyError.validationFailed(validation.errors) }
        let module = try await moduleOfCourse(moduleID, course: course)
        let lesson = try await content.createLesson(
            in: module, position: body.position, releaseAt: body.releaseAt, requiresPrevious: body.requiresPrevious ?? false, translations: texts
        )
        let choice = LanguageChoice(request: request, context: context, available: texts.keys, fallback: course.defaultLanguage)
        var response = choice.apply(to: LessonResponse(lesson: lesson, attachments: [], choice: choice, includeTranslations: true))
        response.status = .created
        return response
    }

    private func moduleOfCourse(_ moduleID: UUID, course: Course) async throws -> CourseModule {
        guard let module = try await content.module(moduleID), module.courseID == course.id else {
            throw AcademyError.validationFailed([FieldError(field: "module_id", message: "is not a module of this course")])
        }
        return module
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
        let (body, texts, module) = try await request.mergePatch(LessonRequest.self, over: LessonRequest(editing: lesson), context: context) { body in
            var validation = FieldValidation()
            let moduleID = validation.require(body.moduleId, "module_id")
            validation.require(body.position, "position")
            try validation.finish()
            guard let moduleID else { throw AcademyError.validationFailed(validation.errors) }
            let texts = try await body.validatedTexts(defaultLanguage: course.defaultLanguage, offered: languages, rendered: lesson.translations)
            return (body, texts, try await moduleOfCourse(moduleID, course: course))
        }
        let updated = try await content.updateLesson(
            lesson, to: module, position: body.position, releaseAt: body.releaseAt,
            requiresPrevious: body.requiresPrevious ?? false, translations: texts
        )
        let choice = LanguageChoice(request: request, context: context, available: texts.keys, fallback: course.defaultLanguage)
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
        let course = try await access.editableCourse(context)
        let modules = try await content.modules(of: course.id)
        let lessons = try await content.lessons(of: course.id)
        func title<Text>(_ texts: [String: Text], _ extract: (Text) -> String) -> String {
            texts[course.defaultLanguage].map(extract) ?? texts.values.first.map(extract) ?? ""
        }
        var parts: [(kind: String, id: UUID, title: String, present: Set<String>)] = [
            ("course", course.id, title(course.translations, \.title), Set(course.translations.keys)),
        ]
        parts += modules.map { ("module", $0.id, title($0.titles, { $0 }), Set($0.titles.keys)) }
        parts += lessons.map { ("lesson", $0.id, title($0.translations, \.title), Set($0.translations.keys)) }
        return CoverageResponse(coverage: TranslationCoverage(languages: languages, parts: parts))
    }
}
