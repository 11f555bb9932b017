import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import Hummingbird

/// Writing a live session (its times in the instructor's time zone, its links, every
/// translation side by side), and its register: who attended, a participants report pasted in,
/// the register as a spreadsheet. The same rules as the API (`CourseAuthoring`, `SessionAttendance`).
struct LiveSessionEditorPages {
    let session: SiteSession
    let renderer: PageRenderer
    let access: CourseAccess
    let content: CourseContentRepository
    let sessions: LiveSessionRepository
    let attendance: SessionAttendance
    let authoring: CourseAuthoring
    let attachments: AttachmentRepository
    let attachmentUpload: AttachmentUpload

    func register(on routes: RouterGroup<AppRequestContext>) {
        routes.get("teach/:course/live-sessions/new", use: newSession)
        routes.post("teach/:course/live-sessions/new", use: createSession)
        routes.get("teach/live-sessions/:id", use: edit)
        routes.post("teach/live-sessions/:id", use: save)
        routes.post("teach/live-sessions/:id/delete", use: delete)
        routes.post("teach/live-sessions/:id/attachments", use: attach)
        routes.get("teach/live-sessions/:id/attendance", use: register)
        routes.post("teach/live-sessions/:id/attendance", use: importReport)
    }

    /// A session as its form shows and sends it.
    struct SessionForm {
        var placement: PlacementForm
        var texts = TranslatedTexts([:])
        var startsAt = ""
        var duration = "60"
        var meetingURL = ""
        var channels: [String: String] = [:]
        var recordingURL = ""
        var required = false
        var cancelled = false

        init(moduleID: String) {
            placement = PlacementForm(moduleID: moduleID)
        }

        init(_ live: LiveSession, timeZone: TimeZone) {
            placement = PlacementForm(
                moduleID: live.moduleID, position: live.position, releaseAt: live.releaseAt, requiresPrevious: live.requiresPrevious, timeZone: timeZone
            )
            texts = TranslatedTexts(live.translations.mapValues { ($0.title, $0.descriptionMarkdown) })
            startsAt = LocalDateTime.text(live.startsAt, in: timeZone)
            duration = String(live.durationMinutes)
            meetingURL = live.meetingURL
            channels = live.channels
            recordingURL = live.recordingURL ?? ""
            required = live.required
            cancelled = live.cancelled
        }

        init(_ fields: FormFields, languages: [String]) {
            placement = PlacementForm(fields)
            texts = TranslatedTexts(fields: fields, languages: languages)
            startsAt = fields.text("starts_at")
            duration = fields.text("duration_minutes")
            meetingURL = fields.text("meeting_url")
            for language in languages where !fields.text("channel-\(language)").isEmpty {
                channels[language] = fields.text("channel-\(language)")
            }
            recordingURL = fields.text("recording_url")
            required = fields.first("required") == "on"
            cancelled = fields.first("cancelled") == "on"
        }

        /// The API's body; an empty field is an absent one.
        func request(in timeZone: TimeZone) throws(AcademyError) -> LiveSessionRequest {
            var validation = FieldValidation()
            let (moduleID, position, releaseAt) = placement.values(in: timeZone, into: &validation)
            let starts = FormValue.date(startsAt, field: "starts_at", in: timeZone, into: &validation)
            let minutes = FormValue.integer(duration, field: "duration_minutes", into: &validation)
            try validation.finish()
            return LiveSessionRequest(
                moduleId: moduleID, position: position, source: LiveSessionSource(
                    startsAt: starts, durationMinutes: minutes, meetingUrl: meetingURL.isEmpty ? nil : meetingURL, channels: channels,
                    required: required, cancelled: cancelled, recordingUrl: recordingURL.isEmpty ? nil : recordingURL,
                    translations: texts.values.mapValues { LiveSessionSource.Text(title: $0.title, descriptionMarkdown: $0.body) }
                ),
                releaseAt: releaseAt, requiresPrevious: placement.requiresPrevious
            )
        }
    }

    struct ChannelField {
        let code: String
        let name: String
        let value: String
        let invalid: Bool
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
        let startsAt: String
        let startsInvalid: Bool
        let duration: String
        let durationInvalid: Bool
        let meetingURL: String
        let meetingInvalid: Bool
        let channels: [ChannelField]
        let recordingURL: String
        let recordingInvalid: Bool
        let required: Bool
        let cancelled: Bool
        let columns: [TranslationColumn]
        /// A stored session's files (its recording), and where to add one.
        let files: [LearningPages.AttachmentLink]
        let saved: Bool
        let timeZone: String
        let problems: [FormProblems.Problem]
    }

    func editorPage(
        _ form: SessionForm, live: LiveSession?, course: Course, problems: FormProblems, visitor: Visitor, request: Request,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let modules = try await content.modules(of: course.id)
        let files = if let live { try await attachments.attachments(of: live.id) } else { [Attachment]() }
        let page = EditorPage(
            isNew: live == nil,
            action: live.map { "/teach/live-sessions/\($0.id.apiString)" } ?? "/teach/\(course.slug)/live-sessions/new",
            back: "/teach/\(course.slug)", view: live.map { "/live-sessions/\($0.id.apiString)" },
            modules: PlacementForm.moduleOptions(modules, course: course, visitor: visitor, selected: form.placement.moduleID),
            position: form.placement.position, positionInvalid: problems.isInvalid("position"),
            releaseAt: form.placement.releaseAt, releaseInvalid: problems.isInvalid("release_at"), requiresPrevious: form.placement.requiresPrevious,
            startsAt: form.startsAt, startsInvalid: problems.isInvalid("starts_at"),
            duration: form.duration, durationInvalid: problems.isInvalid("duration_minutes"),
            meetingURL: form.meetingURL, meetingInvalid: problems.isInvalid("meeting_url"),
            channels: authoring.languages.map { code in
                ChannelField(code: code, name: renderer.languageName(code), value: form.channels[code] ?? "", invalid: problems.isInvalid("channels.\(code)"))
            },
            recordingURL: form.recordingURL, recordingInvalid: problems.isInvalid("recording_url"),
            required: form.required, cancelled: form.cancelled,
            columns: form.texts.columns(
                languages: authoring.languages, defaultLanguage: course.defaultLanguage, names: renderer.languageName,
                problems: problems, bodyField: "description_markdown"
            ),
            files: files.map(LearningPages.AttachmentLink.init),
            saved: status == .ok && request.uri.queryParameters.get("saved") != nil, timeZone: visitor.timeZone.identifier, problems: problems.list
        )
        let title = renderer.strings(visitor.language)[live == nil ? "live_new_title" : "live_edit_title"] ?? ""
        return renderer.render("live-session-editor", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    @Sendable func newSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        let form = SessionForm(moduleID: request.uri.queryParameters.get("module") ?? "")
        return try await editorPage(form, live: nil, course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func createSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let course = try await access.editableCourse(context.parameters.courseReference(), by: visitor.principal)
        return try await submit(nil, course: course, visitor: visitor, request: request)
    }

    @Sendable func edit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: visitor.principal)
        return try await editorPage(SessionForm(live, timeZone: visitor.timeZone), live: live, course: course, problems: FormProblems(), visitor: visitor, request: request)
    }

    @Sendable func save(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: visitor.principal)
        return try await submit(live, course: course, visitor: visitor, request: request)
    }

    /// Saves the form: a new session when `live` is nil.
    private func submit(_ live: LiveSession?, course: Course, visitor: Visitor, request: Request) async throws -> Response {
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret)
        let form = SessionForm(fields, languages: authoring.languages)
        do {
            let body = try form.request(in: visitor.timeZone)
            let saved = if let live {
                try await authoring.updateLiveSession(live, with: try await authoring.liveSessionChange(body, editing: live, of: course))
            } else {
                try await authoring.createLiveSession(in: course, body)
            }
            return PageRenderer.redirect(to: "/teach/live-sessions/\(saved.id.apiString)?saved=1")
        } catch {
            return try await editorPage(
                form, live: live, course: course, problems: try FormProblems(error), visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: visitor.principal)
        return try await SiteForm.deletion(request, visitor: visitor, next: "/teach/\(course.slug)") {
            try await sessions.delete(live)
        } refused: { problems in
            try await editorPage(
                SessionForm(live, timeZone: visitor.timeZone), live: live, course: course, problems: problems,
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    /// The recording (or any file), uploaded as a lesson's attachment is; its students get it
    /// once the session is over.
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: visitor.principal)
        return try await attachmentUpload.attach(
            form: request, toItem: live.id, visitor: visitor, editor: "/teach/live-sessions/\(live.id.apiString)"
        ) { problems in
            try await editorPage(
                SessionForm(live, timeZone: visitor.timeZone), live: live, course: course, problems: problems,
                visitor: visitor, request: request, status: .unprocessableContent
            )
        }
    }

    // MARK: The register

    struct RegisterRow {
        let name: String
        let email: String
        let attended: Bool
        let checkedIn: String?
        let minutes: Int?
    }

    struct RegisterPage {
        let id: String
        let title: String
        let back: String
        let rows: [RegisterRow]
        let attended: Int
        let total: Int
        let recorded: Int?
        let skipped: [ParticipantsReport.Problem]
        let report: String
        let problems: [FormProblems.Problem]
    }

    private func registerPage(
        _ live: LiveSession, course: Course, result: SessionAttendance.ImportResult? = nil, report: String = "", problems: FormProblems = FormProblems(),
        visitor: Visitor, request: Request, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let entries = try await sessions.register(of: live)
        let title = ContentLanguage(live.translations, course: course, visitor: visitor).value?.title ?? ""
        let page = RegisterPage(
            id: live.id.apiString, title: title, back: "/teach/live-sessions/\(live.id.apiString)",
            rows: entries.map { user, attended in
                RegisterRow(
                    name: user.displayName, email: user.email, attended: attended != nil,
                    checkedIn: attended?.checkedInAt.map(visitor.format), minutes: attended?.minutes
                )
            },
            attended: entries.filter { $0.attendance != nil }.count, total: entries.count, recorded: result?.recorded, skipped: result?.skipped ?? [],
            report: report, problems: problems.list
        )
        return renderer.render("live-register", title: title, page: page, visitor: visitor, request: request, status: status)
    }

    /// The register, or (`?format=csv`) the same as a spreadsheet, as the API's `Accept: text/csv`.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: visitor.principal)
        if request.uri.queryParameters.get("format") == "csv" {
            return RegisterDownload.csv(try await sessions.register(of: live), of: live, course: course)
        }
        return try await registerPage(live, course: course, visitor: visitor, request: request)
    }

    /// A participants report pasted in (its text as exported).
    @Sendable func importReport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let visitor = try await session.visitor(request, context: context)
        let (live, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: visitor.principal)
        let fields = try await SiteForm.fields(from: request, secret: visitor.csrfSecret, maximumBytes: ParticipantsReport.maximumBytes * 3)
        let report = fields.first("report") ?? ""
        do {
            let result = try await attendance.importReport(report, into: live)
            return try await registerPage(live, course: course, result: result, visitor: visitor, request: request)
        } catch {
            let problems = if case AcademyError.payloadTooLarge = error {
                FormProblems([FieldError(field: "report", message: "must be at most \(ParticipantsReport.maximumBytes) bytes")])
            } else {
                try FormProblems(error, conflictField: "report")
            }
            return try await registerPage(live, course: course, report: report, problems: problems, visitor: visitor, request: request, status: .unprocessableContent)
        }
    }
}
