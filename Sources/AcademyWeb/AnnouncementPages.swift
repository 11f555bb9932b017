import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// A course's announcements for its staff: every one (scheduled ones too), a form to post one in
/// every language side by side, pinned or scheduled, and deleting one. The rules are
/// `CourseAnnouncements`', as for the API and `academy announce`.
struct AnnouncementPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let service: CourseAnnouncements
    let languages: [String]

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/announcements", use: list)
        routes.post("teach/:course/announcements", use: post)
        routes.post("teach/announcements/:id/delete", use: delete)
    }

    struct Item {
        let id: String
        let lang: String
        let dir: String
        let title: String
        let bodyHTML: String
        let published: String
        let pinned: Bool
        let scheduled: Bool
    }

    struct Page {
        let action: String
        let back: String
        let lang: String
        let dir: String
        let title: String
        let items: [Item]
        let posted: Bool
        let publishAt: String
        let publishInvalid: Bool
        let pinned: Bool
        let columns: [TranslationColumn]
        let timeZone: String
        let problems: [FormProblems.Problem]
    }

    /// The form's typed values, kept when the rules refuse them.
    struct Form {
        var texts = TranslatedTexts([:])
        var publishAt = ""
        var pinned = false
    }

    private func page(
        _ course: Course, form: Form = Form(), problems: FormProblems = FormProblems(), visitor: Visitor, request: Request,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let found = try await service.announcements.page(of: course.id, reader: nil, page: PageRequest(limit: PageRequest.maximumLimit))
        let now = Date()
        let heading = ContentLanguage(course.translations, course: course, visitor: visitor)
        let page = Page(
            action: "/teach/\(course.slug)/announcements", back: "/teach/\(course.slug)", lang: heading.lang, dir: heading.dir,
            title: heading.value?.title ?? course.slug,
            items: found.items.map { item in
                let text = ContentLanguage(item.announcement.translations, course: course, visitor: visitor)
                return Item(
                    id: item.announcement.id.apiString, lang: text.lang, dir: text.dir, title: text.value?.title ?? "",
                    bodyHTML: text.value?.bodyHTML ?? "", published: visitor.format(item.announcement.publishAt),
                    pinned: item.announcement.pinned, scheduled: !item.announcement.isPublished(at: now)
                )
            },
            posted: status == .ok && request.uri.queryParameters.get("posted") != nil,
            publishAt: form.publishAt, publishInvalid: problems.isInvalid("publish_at"), pinned: form.pinned,
            columns: form.texts.columns(
                languages: languages, defaultLanguage: course.defaultLanguage, names: renderer.languageName, problems: problems, bodyField: "body_markdown"
            ),
            timeZone: visitor.timeZone.identifier, problems: problems.list
        )
        let title = renderer.strings(visitor.language)["announcements_title"] ?? ""
        return renderer.render("course-announcements", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await page(course, visitor: visitor, request: request)
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        let form = Form(texts: TranslatedTexts(fields: fields, languages: languages), publishAt: fields.text("publish_at"), pinned: fields.first("pinned") == "on")
        do {
            var validation = FieldValidation()
            let publishAt = FormValue.date(form.publishAt, field: "publish_at", in: visitor.timeZone, into: &validation)
            try validation.finish()
            _ = try await service.post(
                in: course, translations: form.texts.values.mapValues { CourseAnnouncements.Source(title: $0.title, bodyMarkdown: $0.body) },
                pinned: form.pinned, publishAt: publishAt, by: principal.userID
            )
            return PageRenderer.redirect(to: "/teach/\(course.slug)/announcements?posted=1")
        } catch {
            return try await page(course, form: form, problems: try FormProblems(error), visitor: visitor, request: request, status: .unprocessableContent)
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        guard let announcement = try await service.announcements.find(try context.parameters.uuid("id")) else {
            throw AcademyError.notFound("No such announcement.")
        }
        let course = try await access.editableCourse(.id(announcement.courseID), by: visitor.principal)
        return try await SiteForm.deletion(request, visitor: visitor, next: "/teach/\(course.slug)/announcements") {
            try await service.announcements.delete(announcement)
        } refused: { problems in
            try await page(course, problems: problems, visitor: visitor, request: request, status: .unprocessableContent)
        }
    }
}
