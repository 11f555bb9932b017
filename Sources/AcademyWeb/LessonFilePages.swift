import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Files into lessons from the browser: a whole lesson as a folder or a zip (`LessonUpload`, as
/// the API's upload), and attachments added to a lesson (`AttachmentUpload`). The forms are
/// `multipart/form-data`; their token comes before their files and is checked before any file
/// byte is kept.
struct LessonFilePages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let content: CourseContentRepository
    let authoring: CourseAuthoring
    let lessonUpload: LessonUpload
    let attachmentUpload: AttachmentUpload
    let lessonEditor: LessonEditorPages

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/lessons/upload", use: uploadPage)
        routes.post("teach/:course/lessons/upload", use: upload)
        routes.post("teach/lessons/:id/attachments", use: attach)
    }

    struct UploadPage {
        let action: String
        let back: String
        let modules: [FormOption]
        let position: String
        let maximumSize: String
        let problems: [FormProblems.Problem]
    }

    private func uploadPage(
        _ course: Course, moduleID: String, position: String, problems: FormProblems, visitor: Visitor, request: Request,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let modules = try await content.modules(of: course.id)
        let page = UploadPage(
            action: "/teach/\(course.slug)/lessons/upload", back: "/teach/\(course.slug)",
            modules: PlacementForm.moduleOptions(modules, course: course, visitor: visitor, selected: moduleID),
            position: position,
            maximumSize: ByteCountFormatter.string(fromByteCount: Int64(lessonUpload.maxUploadBytes), countStyle: .file),
            problems: problems.list
        )
        return renderer.render("lesson-upload", title: renderer.strings(visitor.language)["upload_title"] ?? "", page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func uploadPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let moduleID = request.uri.queryParameters.get("module") ?? ""
        return try await uploadPage(course, moduleID: moduleID, position: "", problems: FormProblems(), visitor: visitor, request: request)
    }

    /// The module and position are fields of the form, read with its token before the files.
    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let admit = try SiteForm.fileUpload(request, secret: visitor.csrfSecret)
        var fields: [String: String] = [:]
        do {
            let lesson = try await lessonUpload.withStaging { staging in
                let form = try await lessonUpload.stage(request, into: staging, admit: admit)
                fields = form.fields
                var validation = FieldValidation()
                let position = FormValue.integer(form.fields["position"] ?? "", field: "position", into: &validation)
                if form.files.isEmpty {
                    validation.add(FieldError(field: "files", message: "choose a lesson folder, its files or a zip"))
                }
                try validation.finish()
                let module = try await authoring.module(form.fields["module_id"].flatMap(UUID.init(uuidString:)), of: course)
                return try await lessonUpload.createLesson(from: form.files, course: course, module: module, position: position)
            }
            return PageRenderer.redirect(to: "/teach/lessons/\(lesson.id.apiString)?saved=1")
        } catch {
            return try await uploadPage(
                course, moduleID: fields["module_id"] ?? "", position: fields["position"] ?? "", problems: try FormProblems(error),
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (lesson, course) = try await access.editableLesson(try context.parameters.uuid("id"), by: visitor.principal)
        return try await attachmentUpload.attach(
            form: request, toItem: lesson.id, visitor: visitor, editor: "/teach/lessons/\(lesson.id.apiString)"
        ) { problems in
            try await lessonEditor.editorPage(
                .init(lesson, timeZone: visitor.timeZone), lesson: lesson, course: course, problems: problems,
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }
}
