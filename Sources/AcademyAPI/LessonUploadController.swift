import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// `POST /courses/{course}/lessons/upload`: a lesson as files (`LessonUpload`), as a multipart
/// form or as one `.zip`, into the module named by `?module_id=`.
struct LessonUploadController {
    let access: CourseAccess
    let attachments: AttachmentRepository
    let authoring: CourseAuthoring
    let upload: LessonUpload
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("courses/:course/lessons/upload", use: create)
        return routes
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LessonResponse> {
        let course = try await access.editableCourse(context)
        let query = request.uri.queryParameters
        let module = try await authoring.module(query.get("module_id").flatMap(UUID.init(uuidString:)), of: course)
        var position: Int?
        if let raw = query.get("position") {
            guard let value = Int(raw), value >= 1 else {
                throw AcademyError.validationFailed([FieldError(field: "position", message: "must be 1 or more")])
            }
            position = value
        }
        let lesson = try await upload.withStaging { staging in
            let files = try await upload.stage(request, into: staging).files
            return try await upload.createLesson(from: files, course: course, module: module, position: position)
        }
        let stored = try await attachments.attachments(of: lesson.id)
        let choice = LanguageChoice(request: request, context: context, available: lesson.translations.keys, fallback: course.defaultLanguage)
        var response = choice.apply(to: LessonResponse(lesson: lesson, attachments: stored, choice: choice, includeTranslations: true))
        response.status = .created
        return response
    }
}
