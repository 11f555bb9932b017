import AcademyContent
package import AcademyCore
import AcademyServices
package import AcademyStore
package import Foundation
import Hummingbird

/// `POST /courses/{course}/live-sessions`, and the document `PATCH /live-sessions/{id}` merges
/// into. Descriptions are Markdown, rendered to safe HTML when stored, as lessons are.
package struct LiveSessionRequest: Codable, Sendable {
    package struct Text: Codable, Sendable {
        let title: String
        let descriptionMarkdown: String?

        package init(title: String, descriptionMarkdown: String?) {
            self.title = title
            self.descriptionMarkdown = descriptionMarkdown
        }
    }

    let moduleId: UUID?
    let position: Int?
    let startsAt: Date?
    let durationMinutes: Int?
    let meetingUrl: String?
    let channels: [String: String]?
    let required: Bool?
    let cancelled: Bool?
    let recordingUrl: String?
    let releaseAt: Date?
    let requiresPrevious: Bool?
    let translations: [String: Text]?

    package init(editing session: LiveSession) {
        moduleId = session.moduleID
        position = session.position
        startsAt = session.startsAt
        durationMinutes = session.durationMinutes
        meetingUrl = session.meetingURL
        channels = session.channels
        required = session.required
        cancelled = session.cancelled
        recordingUrl = session.recordingURL
        releaseAt = session.releaseAt
        requiresPrevious = session.requiresPrevious
        translations = session.translations.mapValues { Text(title: $0.title, descriptionMarkdown: $0.descriptionMarkdown) }
    }

    /// The session's own fields, as a course folder's file holds them.
    var source: LiveSessionSource {
        LiveSessionSource(
            startsAt: startsAt, durationMinutes: durationMinutes, meetingUrl: meetingUrl, channels: channels, required: required,
            cancelled: cancelled, recordingUrl: recordingUrl,
            translations: translations?.mapValues { LiveSessionSource.Text(title: $0.title, descriptionMarkdown: $0.descriptionMarkdown) }
        )
    }

    /// The valid session, every field checked (`LiveSessionSource.validated`) before any
    /// description is rendered; a description whose Markdown is the one `rendered` already holds
    /// keeps that HTML.
    func validatedDraft(defaultLanguage: String, offered: [String], rendered: [String: LiveSessionText] = [:]) async throws -> LiveSessionDraft {
        var validation = FieldValidation()
        if let position, position < 1 {
            validation.add(FieldError(field: "position", message: "must be 1 or more"))
        }
        let checked = source.validated(defaultLanguage: defaultLanguage, offered: offered, into: &validation)
        try validation.finish()
        guard let (settings, sources) = checked else { throw AcademyError.validationFailed(validation.errors) }
        var texts: [String: LiveSessionText] = [:]
        for (language, source) in sources {
            let html = if let earlier = rendered[language], earlier.descriptionMarkdown == source.description {
                earlier.descriptionHTML
            } else {
                try await MarkdownRenderer.html(from: source.description, field: "translations.\(language).description_markdown")
            }
            texts[language] = LiveSessionText(title: source.title, descriptionMarkdown: source.description, descriptionHTML: html)
        }
        return LiveSessionDraft(settings: settings, releaseAt: releaseAt, requiresPrevious: requiresPrevious ?? false, translations: texts)
    }
}

/// A live session as its reader may see it: editors everything; an enrolled student the link of
/// their language's channel only while the session is live, and the recording once it is over.
struct LiveSessionResponse: ResponseEncodable {
    let session: LiveSession
    let choice: LanguageChoice
    /// The interpretation channel chosen for the caller (nil: the main link).
    let channelLanguage: String?
    let isEditor: Bool
    let attendance: Attendance?
    let leadTime: TimeInterval
    let now: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, courseId, moduleId, position, language, direction, availableLanguages, title, descriptionHtml, descriptionMarkdown
        case startsAt, endsAt, durationMinutes, required, cancelled, phase, linksAvailableFrom, joinUrl, channelLanguage, recordingUrl
        case releaseAt, requiresPrevious, updatedAt, calendarSequence, attendance, meetingUrl, channels, translations
    }

    struct AttendanceBody: Encodable {
        @NullEncoded var checkedInAt: Date?
        @NullEncoded var minutes: Int?
    }

    struct TextBody: Encodable {
        let title: String
        let descriptionMarkdown: String
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let text = choice.text(session.translations)
        let phase = LiveSessionRules.phase(of: session, at: now, leadTime: leadTime)
        try container.encode(session.id.apiString, forKey: .id)
        try container.encode(CourseItem.Kind.liveSession, forKey: .kind)
        try container.encode(session.courseID.apiString, forKey: .courseId)
        try container.encode(session.moduleID.apiString, forKey: .moduleId)
        try container.encode(session.position, forKey: .position)
        try container.encode(choice.language, forKey: .language)
        try container.encode(choice.direction, forKey: .direction)
        try container.encode(choice.available, forKey: .availableLanguages)
        try container.encode(text?.title ?? "", forKey: .title)
        try container.encode(text?.descriptionHTML ?? "", forKey: .descriptionHtml)
        try container.encode(text?.descriptionMarkdown ?? "", forKey: .descriptionMarkdown)
        try container.encode(session.startsAt, forKey: .startsAt)
        try container.encode(session.endsAt, forKey: .endsAt)
        try container.encode(session.durationMinutes, forKey: .durationMinutes)
        try container.encode(session.required, forKey: .required)
        try container.encode(session.cancelled, forKey: .cancelled)
        try container.encode(phase.rawValue, forKey: .phase)
        try container.encode(LiveSessionRules.linksFrom(session, leadTime: leadTime), forKey: .linksAvailableFrom)
        let showsLinks = isEditor || phase == .live
        if showsLinks {
            try container.encode(LiveSessionRules.joinLink(of: session, language: channelLanguage ?? "").url, forKey: .joinUrl)
            try container.encode(channelLanguage, forKey: .channelLanguage)
        } else {
            try container.encodeNil(forKey: .joinUrl)
            try container.encodeNil(forKey: .channelLanguage)
        }
        try container.encode(isEditor || phase == .ended ? session.recordingURL : nil, forKey: .recordingUrl)
        try container.encode(session.releaseAt, forKey: .releaseAt)
        try container.encode(session.requiresPrevious, forKey: .requiresPrevious)
        try container.encode(session.updatedAt, forKey: .updatedAt)
        try container.encode(session.calendarSequence, forKey: .calendarSequence)
        if isEditor {
            try container.encode(session.meetingURL, forKey: .meetingUrl)
            try container.encode(session.channels, forKey: .channels)
            try container.encode(session.translations.mapValues { TextBody(title: $0.title, descriptionMarkdown: $0.descriptionMarkdown) }, forKey: .translations)
        } else {
            try container.encode(attendance.map { AttendanceBody(checkedInAt: $0.checkedInAt, minutes: $0.minutes) }, forKey: .attendance)
        }
    }
}

/// `POST /live-sessions/{id}/attendance`: the student's attendance and course progress.
struct CheckInResponse: ResponseEncodable {
    let sessionId: String
    let checkedInAt: Date
    @NullEncoded var minutes: Int?
    let progress: ProgressResponse
}

/// `POST /live-sessions/{id}/attendance/import`.
struct AttendanceImportResponse: ResponseEncodable {
    struct Skipped: Encodable {
        let line: Int
        let email: String
        let reason: String
    }

    let recorded: Int
    let skipped: [Skipped]

    init(_ result: SessionAttendance.ImportResult) {
        recorded = result.recorded
        skipped = result.skipped.map { Skipped(line: $0.line, email: $0.email, reason: $0.reason) }
    }
}

/// One row of a session's register.
struct RegisterEntry: Encodable {
    let userId: String
    let email: String
    let displayName: String
    let attended: Bool
    @NullEncoded var checkedInAt: Date?
    @NullEncoded var minutes: Int?
}

/// One student's attendance across a course's sessions.
struct CourseAttendanceEntry: Encodable {
    let userId: String
    let email: String
    let displayName: String
    let attended: Int
    let requiredAttended: Int
    let sessions: [String]
}

struct CourseAttendanceResponse: ResponseEncodable {
    let sessions: Int
    let requiredSessions: Int
    let students: [CourseAttendanceEntry]
}
