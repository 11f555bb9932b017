import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Course announcements: staff post, edit, pin and schedule them; admitted students read the
/// published ones in their language and mark them read; `/me/announcements` gathers every course's
/// with the number unread.
struct AnnouncementController {
    let access: CourseAccess
    let service: CourseAnnouncements
    let authentication: AuthenticationMiddleware

    var announcements: AnnouncementRepository { service.announcements }

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("courses/:course/announcements", use: create)
        routes.get("courses/:course/announcements", use: list)
        routes.get("announcements/:id", use: show)
        routes.patch("announcements/:id", use: update)
        routes.delete("announcements/:id", use: delete)
        routes.post("announcements/:id/read", use: markRead)
        routes.get("me/announcements", use: mine)
        return routes
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AnnouncementResponse> {
        let course = try await access.editableCourse(context)
        let principal = try context.requirePrincipal()
        let body = try await request.decode(as: AnnouncementRequest.self, context: context)
        let announcement = try await service.post(
            in: course, translations: body.translations, pinned: body.pinned ?? false, publishAt: body.publishAt, by: principal.userID
        )
        let item = ReadAnnouncement(announcement: announcement, read: nil, courseSlug: course.slug, courseDefaultLanguage: course.defaultLanguage)
        var response = AnnouncementResponse.localized(item, request: request, context: context, includeTranslations: true)
        response.status = .created
        return response
    }

    /// Staff see every announcement of the course, scheduled ones too; an admitted student the
    /// published ones, each with whether they read it.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> PageResponse<AnnouncementResponse> {
        let (course, relation) = try await access.visibleCourse(context)
        let reader = try await access.reader(of: course, relation: relation, principal: context.principal)
        let query = request.uri.queryParameters
        let page = try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor"))
        let isEditor = if case .editor = reader { true } else { false }
        let found = try await announcements.page(of: course.id, reader: isEditor ? nil : try context.requirePrincipal().userID, page: page)
        return PageResponse(items: found.items.map { AnnouncementResponse(item: $0, request: request, context: context, includeTranslations: isEditor) }, nextCursor: found.nextCursor)
    }

    private func editable(_ context: AppRequestContext) async throws -> (announcement: Announcement, course: Course) {
        guard let announcement = try await announcements.find(try context.parameters.uuid("id")) else {
            throw AcademyError.notFound("No such announcement.")
        }
        return (announcement, try await access.editableCourse(.id(announcement.courseID), by: context.principal))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AnnouncementResponse> {
        let (announcement, course, reader) = try await service.readable(try context.parameters.uuid("id"), principal: context.principal)
        let isEditor = if case .editor = reader { true } else { false }
        let item = ReadAnnouncement(announcement: announcement, read: nil, courseSlug: course.slug, courseDefaultLanguage: course.defaultLanguage)
        return AnnouncementResponse.localized(item, request: request, context: context, includeTranslations: isEditor)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AnnouncementResponse> {
        let (announcement, course) = try await editable(context)
        let (body, texts) = try await request.mergePatch(AnnouncementRequest.self, over: AnnouncementRequest(editing: announcement), context: context) { body in
            (body, try await service.change(body.translations, of: announcement, in: course))
        }
        let updated = try await announcements.update(
            announcement, pinned: body.pinned ?? false, publishAt: body.publishAt ?? Date(), translations: texts
        )
        let item = ReadAnnouncement(announcement: updated, read: nil, courseSlug: course.slug, courseDefaultLanguage: course.defaultLanguage)
        return AnnouncementResponse.localized(item, request: request, context: context, includeTranslations: true)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await announcements.delete(try await editable(context).announcement)
        return .noContent
    }

    /// Idempotent: reading again keeps the first time.
    @Sendable func markRead(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        try await service.markRead(try context.parameters.uuid("id"), by: context.principal)
        return .noContent
    }

    @Sendable func mine(_ request: Request, context: AppRequestContext) async throws -> MyAnnouncementsResponse {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        let page = try PageRequest(limitParameter: query.get("limit"), cursorParameter: query.get("cursor"))
        let (found, unread) = try await announcements.page(forStudent: principal.userID, page: page)
        return MyAnnouncementsResponse(
            items: found.items.map { AnnouncementResponse(item: $0, request: request, context: context, includeTranslations: false) },
            nextCursor: found.nextCursor?.encoded, unreadCount: unread
        )
    }
}

/// `POST /courses/{course}/announcements`, and the document `PATCH /announcements/{id}` merges into.
struct AnnouncementRequest: Codable, Sendable {
    let translations: [String: CourseAnnouncements.Source]?
    let pinned: Bool?
    let publishAt: Date?

    init(editing announcement: Announcement) {
        translations = announcement.translations.mapValues { CourseAnnouncements.Source(title: $0.title, bodyMarkdown: $0.bodyMarkdown) }
        pinned = announcement.pinned
        publishAt = announcement.publishAt
    }
}

/// An announcement in the reader's language (with every translation for its editors).
struct AnnouncementResponse: Encodable, Sendable {
    struct Text: Encodable, Sendable {
        let title: String
        let bodyMarkdown: String
    }

    let id: String
    let courseId: String
    let courseSlug: String
    let language: String
    let direction: Languages.Direction
    let title: String
    let bodyHtml: String
    let bodyMarkdown: String
    let pinned: Bool
    let publishAt: Date
    let published: Bool
    @NullEncoded var read: Bool?
    let createdAt: Date
    let updatedAt: Date
    @NullEncoded var translations: [String: Text]?

    init(item: ReadAnnouncement, request: Request, context: AppRequestContext, includeTranslations: Bool) {
        let announcement = item.announcement
        let choice = LanguageChoice(request: request, context: context, available: announcement.translations.keys, fallback: item.courseDefaultLanguage)
        let text = choice.text(announcement.translations)
        id = announcement.id.apiString
        courseId = announcement.courseID.apiString
        courseSlug = item.courseSlug
        language = choice.language
        direction = choice.direction
        title = text?.title ?? ""
        bodyHtml = text?.bodyHTML ?? ""
        bodyMarkdown = text?.bodyMarkdown ?? ""
        pinned = announcement.pinned
        publishAt = announcement.publishAt
        published = announcement.isPublished(at: Date())
        read = item.read
        createdAt = announcement.createdAt
        updatedAt = announcement.updatedAt
        translations = includeTranslations ? announcement.translations.mapValues { Text(title: $0.title, bodyMarkdown: $0.bodyMarkdown) } : nil
    }

    static func localized(_ item: ReadAnnouncement, request: Request, context: AppRequestContext, includeTranslations: Bool) -> EditedResponse<AnnouncementResponse> {
        let response = AnnouncementResponse(item: item, request: request, context: context, includeTranslations: includeTranslations)
        return EditedResponse(headers: [.contentLanguage: response.language, .vary: "Accept-Language"], response: response)
    }
}

extension AnnouncementResponse: ResponseEncodable {}

struct MyAnnouncementsResponse: ResponseEncodable {
    let items: [AnnouncementResponse]
    @NullEncoded var nextCursor: String?
    let unreadCount: Int
}
