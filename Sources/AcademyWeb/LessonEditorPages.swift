import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Writing a lesson: every translation's title and Markdown side by side, each typed in its own
/// direction, with a preview rendered by the server (the same renderer and rules as a save, so
/// it works without script and shows exactly what students will read).
struct LessonEditorPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let content: CourseContentRepository
    let attachments: AttachmentRepository
    let authoring: CourseAuthoring

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/lessons/new", use: newLesson)
        routes.post("teach/:course/lessons/new", use: createLesson)
        routes.get("teach/lessons/:id", use: lesson)
        routes.post("teach/lessons/:id", use: saveLesson)
        routes.post("teach/lessons/:id/delete", use: deleteLesson)
    }

    struct EditorPage {
        let isNew: Bool
        let action: String
        let back: String
        let view: String?
        let modules: [FormOption]
        let position: String
        let positionInvalid: Bool
        let releaseAt: String
        let releaseInvalid: Bool
        let requiresPrevious: Bool
        let columns: [TranslationColumn]
        let hasPreview: Bool
        /// A stored lesson's files, and where to add one.
        let files: [LearningPages.AttachmentLink]
        let saved: Bool
        let timeZone: String
        let problems: [FormProblems.Problem]
    }

    /// A lesson as its form shows and sends it.
    struct LessonForm {
        var placement: PlacementForm
        var texts = TranslatedTexts([:])

        init(moduleID: String) {
            placement = PlacementForm(moduleID: moduleID)
        }

        init(_ lesson: Lesson, timeZone: TimeZone) {
            placement = PlacementForm(
                moduleID: lesson.moduleID, position: lesson.position, releaseAt: lesson.releaseAt, requiresPrevious: lesson.requiresPrevious, timeZone: timeZone
            )
            texts = TranslatedTexts(lesson.translations.mapValues { ($0.title, $0.bodyMarkdown) })
        }

        init(_ fields: FormFields, languages: [String]) {
            placement = PlacementForm(fields)
            texts = TranslatedTexts(fields: fields, languages: languages)
        }

        func request(in timeZone: TimeZone) throws(AcademyError) -> LessonRequest {
            var validation = FieldValidation()
            let (moduleID, position, releaseAt) = placement.values(in: timeZone, into: &validation)
            try validation.finish()
            return LessonRequest(
                moduleId: moduleID, position: position,
                translations: texts.values.mapValues { LessonRequest.Text(title: $0.title, bodyMarkdown: $0.body) },
                releaseAt: releaseAt, requiresPrevious: placement.requiresPrevious
            )
        }
    }

    func editorPage(
        _ form: LessonForm, lesson: Lesson?, course: Course, previews: [String: String] = [:], problems: FormProblems,
        visitor: Visitor, request: Request, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let modules = try await content.modules(of: course.id)
        let files = if let lesson { try await attachments.attachments(of: lesson.id) } else { [Attachment]() }
        let strings = renderer.strings(visitor.language)
        let page = EditorPage(
            isNew: lesson == nil,
            action: lesson.map { "/teach/lessons/\($0.id.apiString)" } ?? "/teach/\(course.slug)/lessons/new",
            back: "/teach/\(course.slug)", view: lesson.map { "/lessons/\($0.id.apiString)" },
            modules: PlacementForm.moduleOptions(modules, course: course, visitor: visitor, selected: form.placement.moduleID),
            position: form.placement.position, positionInvalid: problems.isInvalid("position"),
            releaseAt: form.placement.releaseAt, releaseInvalid: problems.isInvalid("release_at"), requiresPrevious: form.placement.requiresPrevious,
            columns: form.texts.columns(
                languages: authoring.languages, defaultLanguage: course.defaultLanguage, names: renderer.languageName,
                problems: problems, bodyField: "body_markdown", previews: previews
            ),
            hasPreview: !previews.isEmpty, files: files.map(LearningPages.AttachmentLink.init), saved: status == .ok && request.uri.queryParameters.get("saved") != nil, timeZone: visitor.timeZone.identifier, problems: problems.list
        )
        let title = strings[lesson == nil ? "lesson_new_title" : "lesson_edit_title"] ?? ""
        return renderer.render("lesson-editor", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func newLesson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let form = LessonForm(moduleID: request.uri.queryParameters.get("module") ?? "")
        return try await editorPage(form, lesson: nil, course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func createLesson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await submit(nil, course: course, visitor: visitor, request: request, context: context)
    }

    @Sendable func lesson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (lesson, course) = try await access.editableLesson(try context.parameters.uuid("id"), by: visitor.principal)
        return try await editorPage(LessonForm(lesson, timeZone: visitor.timeZone), lesson: lesson, course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func saveLesson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (lesson, course) = try await access.editableLesson(try context.parameters.uuid("id"), by: visitor.principal)
        return try await submit(lesson, course: course, visitor: visitor, request: request, context: context)
    }

    /// Previews or saves the form: a new lesson when `lesson` is nil.
    private func submit(_ lesson: Lesson?, course: Course, visitor: Visitor, request: Request, context: AppRequestContext) async throws -> Response {
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret, maximumBytes: context.maxUploadSize)
        let form = LessonForm(fields, languages: authoring.languages)
        do {
            let body = try form.request(in: visitor.timeZone)
            if fields.first("intent") == "preview" {
                let texts = try await authoring.preview(body, in: course)
                return try await editorPage(
                    form, lesson: lesson, course: course, previews: texts.mapValues(\.bodyHTML), problems: FormProblems(), visitor: visitor, request: request
                )
            }
            let saved = if let lesson {
                try await authoring.updateLesson(lesson, with: try await authoring.lessonChange(body, editing: lesson, of: course))
            } else {
                try await authoring.createLesson(in: course, body)
            }
            return PageRenderer.redirect(to: "/teach/lessons/\(saved.id.apiString)?saved=1")
        } catch {
            return try await editorPage(
                form, lesson: lesson, course: course, problems: try FormProblems(error), visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    @Sendable func deleteLesson(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (lesson, course) = try await access.editableLesson(try context.parameters.uuid("id"), by: visitor.principal)
        return try await SiteForm.deletion(request, visitor: visitor, next: "/teach/\(course.slug)") {
            try await content.deleteLesson(lesson)
        } refused: { problems in
            try await editorPage(
                LessonForm(lesson, timeZone: visitor.timeZone), lesson: lesson, course: course, problems: problems,
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

}
