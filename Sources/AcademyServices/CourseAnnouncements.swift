import AcademyContent
public import AcademyCore
public import AcademyStore
public import Foundation

/// Posting and editing course announcements, for the API, the web pages and `academy announce`
/// alike: the texts are checked by the course's translation rules and their Markdown rendered to
/// safe HTML (as a lesson's) once, when stored.
public struct CourseAnnouncements: Sendable {
    public let announcements: AnnouncementRepository
    let access: CourseAccess
    /// The languages the academy offers content in.
    let languages: [String]

    public init(announcements: AnnouncementRepository, access: CourseAccess, languages: [String]) {
        self.announcements = announcements
        self.access = access
        self.languages = languages
    }

    /// The announcement, if the caller may read it: the course's staff any of its
    /// announcements, an admitted student a published one (404 before its time; 403 for a
    /// signed-in user who is not admitted, as for the course's items).
    public func readable(_ id: UUID, principal: Principal?, now: Date = Date()) async throws -> (announcement: Announcement, course: Course, reader: CourseAccess.Reader) {
        guard let announcement = try await announcements.find(id) else { throw AcademyError.notFound("No such announcement.") }
        let (course, relation) = try await access.visibleCourse(.id(announcement.courseID), to: principal)
        let reader = try await access.reader(of: course, relation: relation, principal: principal)
        if case .student = reader, !announcement.isPublished(at: now) {
            throw AcademyError.notFound("No such announcement.")
        }
        return (announcement, course, reader)
    }

    /// A student marks a published announcement of their course read; again is fine.
    public func markRead(_ id: UUID, by principal: Principal?) async throws {
        let (announcement, _, reader) = try await readable(id, principal: principal)
        guard case .student(let enrollment, _) = reader else {
            throw AcademyError.forbidden("Only the course's students mark announcements read.")
        }
        try await announcements.markRead(announcement.id, by: enrollment.userID)
    }

    /// An announcement's text in one language, as its author writes it.
    public struct Source: Codable, Sendable, Equatable {
        public let title: String
        public let bodyMarkdown: String

        public init(title: String, bodyMarkdown: String) {
            self.title = title
            self.bodyMarkdown = bodyMarkdown
        }
    }

    public func post(
        in course: Course, translations: [String: Source]?, pinned: Bool, publishAt: Date?, by userID: UUID?
    ) async throws -> Announcement {
        let texts = try await validated(translations, defaultLanguage: course.defaultLanguage)
        return try await announcements.create(in: course.id, pinned: pinned, publishAt: publishAt, translations: texts, by: userID)
    }

    /// The texts an edit would store, checked and rendered; a text whose Markdown did not change
    /// keeps its HTML.
    public func change(_ translations: [String: Source]?, of announcement: Announcement, in course: Course) async throws -> [String: AnnouncementText] {
        try await validated(translations, defaultLanguage: course.defaultLanguage, rendered: announcement.translations)
    }

    func validated(
        _ translations: [String: Source]?, defaultLanguage: String, rendered: [String: AnnouncementText] = [:]
    ) async throws -> [String: AnnouncementText] {
        var validation = FieldValidation()
        let sources = validation.require(translations, "translations").map { translations in
            CourseRules.titledTexts(
                translations.mapValues { ($0.title, $0.bodyMarkdown) }, textField: "body_markdown", textRule: AnnouncementRules.body,
                defaultLanguage: defaultLanguage, offered: languages, into: &validation
            )
        } ?? [:]
        try validation.finish()
        return try await AnnouncementText.rendered(sources, earlier: rendered)
    }
}
