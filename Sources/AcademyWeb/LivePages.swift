import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// A student's live sessions (joining by the channel of their language, checking in, the
/// recording), their announcements, and the address of their calendar feed.
struct LivePages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let attendance: SessionAttendance
    let announcementService: CourseAnnouncements
    let calendars: CalendarFeeds
    let attachments: AttachmentRepository

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("live-sessions/:id", use: liveSession)
        routes.post("live-sessions/:id/attendance", use: checkIn)
        routes.get("my/announcements", use: myAnnouncements)
        routes.post("announcements/:id/read", use: markRead)
        routes.get("my/calendar", use: calendar)
        routes.post("my/calendar", use: makeCalendarAddress)
        routes.post("my/calendar/remove", use: removeCalendarAddress)
    }

    struct LiveSessionPage {
        let id: String
        let courseSlug: String
        let lang: String
        let dir: String
        let title: String
        let descriptionHTML: String
        let startsAt: String
        let endsAt: String
        let required: Bool
        let isLive: Bool
        let isUpcoming: Bool
        let isEnded: Bool
        let isCancelled: Bool
        let linksFrom: String
        let joinURL: String?
        let channelName: String?
        let recordingURL: String?
        /// Its files (the recording), once it is over.
        let files: [LearningPages.AttachmentLink]
        let canCheckIn: Bool
        let checkedIn: Bool
    }

    @Sendable func liveSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course, reader, attended) = try await access.openLiveSession(try context.parameters.uuid("id"), principal: visitor.principal)
        let text = ContentLanguage(live.translations, course: course, visitor: visitor)
        let isEditor = if case .editor = reader { true } else { false }
        let view = LiveSessionView(live, isEditor: isEditor, preferences: (nil, nil, visitor.readingLanguage), at: Date(), leadTime: attendance.leadTime)
        let phase = view.phase
        let files = view.showsRecording ? try await attachments.attachments(of: live.id) : []
        let page = LiveSessionPage(
            id: live.id.apiString, courseSlug: course.slug, lang: text.lang, dir: text.dir, title: text.value?.title ?? "",
            descriptionHTML: text.value?.descriptionHTML ?? "", startsAt: visitor.format(live.startsAt), endsAt: visitor.format(live.endsAt),
            required: live.required, isLive: phase == .live, isUpcoming: phase == .upcoming, isEnded: phase == .ended,
            isCancelled: phase == .cancelled, linksFrom: visitor.format(LiveSessionRules.linksFrom(live, leadTime: attendance.leadTime)),
            joinURL: view.joinURL, channelName: view.channelLanguage.map(renderer.languageName),
            recordingURL: view.showsRecording ? live.recordingURL : nil, files: files.map(LearningPages.AttachmentLink.init),
            canCheckIn: !isEditor && phase == .live && attended == nil, checkedIn: attended != nil
        )
        return renderer.render("live-session", title: page.title, page: page, visitor: visitor, request: request)
    }

    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        let id = try context.parameters.uuid("id")
        _ = try await attendance.checkIn(to: id, by: visitor.principal)
        return PageRenderer.redirect(to: "/live-sessions/\(id.apiString)")
    }

    struct AnnouncementView {
        let id: String
        let lang: String
        let dir: String
        let title: String
        let bodyHTML: String
        let courseSlug: String
        let published: String
        let pinned: Bool
        let unread: Bool
    }

    struct AnnouncementsPage {
        let items: [AnnouncementView]
        let unread: Int
        let hasUnread: Bool
        let next: String?
    }

    /// Every course's published announcements, pinned first, newest next, a page at a time.
    @Sendable func myAnnouncements(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let query = request.uri.queryParameters
        let announcements = announcementService.announcements
        let (found, unread) = try await announcements.page(forStudent: principal.userID, page: try PageRequest(limitParameter: nil, cursorParameter: query.get("cursor")))
        let items = found.items.map { item in
            let text = ContentLanguage(item.announcement.translations, fallback: item.courseDefaultLanguage, visitor: visitor)
            return AnnouncementView(
                id: item.announcement.id.apiString, lang: text.lang, dir: text.dir, title: text.value?.title ?? "",
                bodyHTML: text.value?.bodyHTML ?? "", courseSlug: item.courseSlug, published: visitor.format(item.announcement.publishAt),
                pinned: item.announcement.pinned, unread: item.read == false
            )
        }
        let page = AnnouncementsPage(items: items, unread: unread, hasUnread: unread > 0, next: found.nextCursor?.encoded)
        return renderer.render("announcements", title: renderer.strings(visitor.language)["announcements_title"] ?? "", page: page, visitor: visitor, request: request)
    }

    @Sendable func markRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        try await announcementService.markRead(try context.parameters.uuid("id"), by: visitor.principal)
        return PageRenderer.redirect(to: "/my/announcements")
    }

    struct CalendarPage {
        let exists: Bool
        let since: String?
        /// Only on the answer that made it.
        let url: String?
    }

    @Sendable func calendar(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let created = try await calendars.secretCreated(for: principal.userID)
        return renderCalendar(CalendarPage(exists: created != nil, since: created.map(visitor.format), url: nil), visitor: visitor, request: request)
    }

    /// A new address, shown on this answer only (a reload shows it no more).
    @Sendable func makeCalendarAddress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        let (secret, created) = try await calendars.newSecret(for: principal.userID)
        let url = CalendarController.address(origin: context.origin(of: request), secret: secret)
        return renderCalendar(CalendarPage(exists: true, since: visitor.format(created), url: url), visitor: visitor, request: request)
    }

    @Sendable func removeCalendarAddress(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        try await SiteForm.requireToken(in: request, secret: visitor.csrfSecret)
        guard let principal = visitor.principal else { throw AcademyError.unauthenticated }
        try await calendars.removeSecret(of: principal.userID)
        return PageRenderer.redirect(to: "/my/calendar")
    }

    private func renderCalendar(_ page: CalendarPage, visitor: Visitor, request: Request) -> Response {
        renderer.render("calendar", title: renderer.strings(visitor.language)["calendar_title"] ?? "", page: page, visitor: visitor, request: request)
    }
}
