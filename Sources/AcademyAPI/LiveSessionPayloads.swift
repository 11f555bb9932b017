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

    /// The web form's body: its place, and the session's own fields.
    package init(moduleId: UUID?, position: Int?, source: LiveSessionSource, releaseAt: Date?, requiresPrevious: Bool?) {
        self.moduleId = moduleId
        self.position = position
        startsAt = source.startsAt
        durationMinutes = source.durationMinutes
        meetingUrl = source.meetingUrl
        channels = source.channels
        required = source.required
        cancelled = source.cancelled
        recordingUrl = source.recordingUrl
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
        translations = source.translations?.mapValues { Text(title: $0.title, descriptionMarkdown: $0.descriptionMarkdown) }
    }

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
    /// description is rendered (only those that changed since `rendered`).
    func validatedDraft(defaultLanguage: String, offered: [String], rendered: [String: LiveSessionText] = [:]) async throws -> LiveSessionDraft {
        var validation = FieldValidation()
        if let position, position < 1 {
            validation.add(FieldError(field: "position", message: "must be 1 or more"))
        }
        let checked = source.validated(defaultLanguage: defaultLanguage, offered: offered, into: &validation)
        try validation.finish()
        guard let (settings, sources) = checked else { throw AcademyError.validationFailed(validation.errors) }
        let html = try await MarkdownRenderer.html(
            of: sources.mapValues(\.description), earlier: rendered.mapValues { ($0.descriptionMarkdown, $0.descriptionHTML) },
            field: { "translations.\($0).description_markdown" }
        )
        let texts = sources.reduce(into: [String: LiveSessionText]()) { texts, entry in
            texts[entry.key] = LiveSessionText(title: entry.value.title, descriptionMarkdown: entry.value.description, descriptionHTML: html[entry.key] ?? "")
        }
        return LiveSessionDraft(settings: settings, releaseAt: releaseAt, requiresPrevious: requiresPrevious ?? false, translations: texts)
    }
}

/// A live session as its reader may see it: editors everything; an enrolled student the link of
/// their language's channel only while the session is live, and the recording once it is over.
/// Written directly (`JSONWriter`), members in key order, as `LessonResponse` is.
struct LiveSessionResponse: ResponseGenerator {
    let session: LiveSession
    /// What the caller is shown of it (`LiveSessionView`).
    let view: LiveSessionView
    let choice: LanguageChoice
    let isEditor: Bool
    let attendance: Attendance?
    /// Its files (the recording), when the reader may have them.
    let attachments: [Attachment]
    let leadTime: TimeInterval

    func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(json)
    }

    var json: String {
        let text = choice.text(session.translations)
        var json = JSONWriter(capacity: 2048 + (text?.descriptionHTML.utf8.count ?? 0) * 2)
        json.object { json in
            json.key("attachments")
            json.array { json in
                for attachment in attachments { AttachmentResponse(attachment: attachment).write(to: &json) }
            }
            if !isEditor {
                json.key("attendance")
                if let attendance {
                    json.object { json in
                        json.member("checked_in_at", attendance.checkedInAt)
                        json.member("minutes", attendance.minutes)
                    }
                } else {
                    json.string(nil)
                }
            }
            json.key("available_languages")
            json.array { json in
                for language in choice.available { json.string(language) }
            }
            json.member("calendar_sequence", session.calendarSequence)
            json.member("cancelled", session.cancelled)
            json.member("channel_language", view.channelLanguage)
            if isEditor {
                json.key("channels")
                json.object { json in
                    for (language, link) in session.channels.sorted(by: { $0.key < $1.key }) { json.member(language, link) }
                }
            }
            json.member("course_id", session.courseID.apiString)
            json.member("description_html", text?.descriptionHTML ?? "")
            json.member("description_markdown", text?.descriptionMarkdown ?? "")
            json.member("direction", choice.direction.rawValue)
            json.member("duration_minutes", session.durationMinutes)
            json.member("ends_at", session.endsAt)
            json.member("id", session.id.apiString)
            json.member("join_url", view.joinURL)
            json.member("kind", CourseItem.Kind.liveSession.rawValue)
            json.member("language", choice.language)
            json.member("links_available_from", LiveSessionRules.linksFrom(session, leadTime: leadTime))
            if isEditor {
                json.member("meeting_url", session.meetingURL)
            }
            json.member("module_id", session.moduleID.apiString)
            json.member("phase", view.phase.rawValue)
            json.member("position", session.position)
            json.member("recording_url", view.showsRecording ? session.recordingURL : nil)
            json.member("release_at", session.releaseAt)
            json.member("required", session.required)
            json.member("requires_previous", session.requiresPrevious)
            json.member("starts_at", session.startsAt)
            json.member("title", text?.title ?? "")
            if isEditor {
                json.key("translations")
                json.object { json in
                    for (language, text) in session.translations.sorted(by: { $0.key < $1.key }) {
                        json.key(language)
                        json.object { json in
                            json.member("description_markdown", text.descriptionMarkdown)
                            json.member("title", text.title)
                        }
                    }
                }
            }
            json.member("updated_at", session.updatedAt)
        }
        return json.text
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
