package import AcademyCore
import AcademyServices
package import AcademyStore
import Foundation
package import Hummingbird

/// Live sessions: authoring, what a student sees of them, check-in, and attendance for staff
/// (the register of a session, a participants report imported, the course's attendance by student).
struct LiveSessionController {
    let access: CourseAccess
    let sessions: LiveSessionRepository
    let attendance: SessionAttendance
    let attachments: AttachmentRepository
    let upload: AttachmentUpload
    let authoring: CourseAuthoring
    let authentication: AuthenticationMiddleware

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self).add(middleware: authentication)
        routes.post("courses/:course/live-sessions", use: create)
        routes.get("live-sessions/:id", use: show)
        routes.patch("live-sessions/:id", use: update)
        routes.delete("live-sessions/:id", use: delete)
        routes.post("live-sessions/:id/attachments", use: attach)
        routes.post("live-sessions/:id/attendance", use: checkIn)
        routes.get("live-sessions/:id/attendance", use: register)
        routes.post("live-sessions/:id/attendance/import", use: importReport)
        routes.get("courses/:course/attendance", use: courseAttendance)
        return routes
    }

    private func response(
        _ session: LiveSession, course: Course, isEditor: Bool, attendance: Attendance?, request: Request, context: AppRequestContext
    ) async throws -> EditedResponse<LiveSessionResponse> {
        let view = LiveSessionView(
            session, isEditor: isEditor,
            preferences: (request.uri.queryParameters.get("lang").map { String($0) }, request.headers[.acceptLanguage], context.principal?.locale),
            at: Date(), leadTime: self.attendance.leadTime
        )
        // The files (the recording) are read only when the reader may have them.
        let files = view.showsRecording ? try await attachments.attachments(of: session.id) : []
        let choice = LanguageChoice(request: request, context: context, available: session.translations.keys, fallback: course.defaultLanguage)
        return choice.apply(to: LiveSessionResponse(
            session: session, view: view, choice: choice, isEditor: isEditor, attendance: attendance, attachments: files,
            leadTime: self.attendance.leadTime
        ))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LiveSessionResponse> {
        let course = try await access.editableCourse(context)
        let body = try await request.decode(as: LiveSessionRequest.self, context: context)
        let session = try await authoring.createLiveSession(in: course, body)
        var created = try await response(session, course: course, isEditor: true, attendance: nil, request: request, context: context)
        created.status = .created
        return created
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LiveSessionResponse> {
        let (session, course, reader, attendance) = try await access.openLiveSession(try context.parameters.uuid("id"), principal: context.principal)
        let isEditor = if case .editor = reader { true } else { false }
        return try await response(session, course: course, isEditor: isEditor, attendance: attendance, request: request, context: context)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<LiveSessionResponse> {
        let (session, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: context.principal)
        let change = try await request.mergePatch(LiveSessionRequest.self, over: LiveSessionRequest(editing: session), context: context) { body in
            try await authoring.liveSessionChange(body, editing: session, of: course)
        }
        let updated = try await authoring.updateLiveSession(session, with: change)
        return try await response(updated, course: course, isEditor: true, attendance: nil, request: request, context: context)
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> HTTPResponse.Status {
        let (session, _) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: context.principal)
        try await sessions.delete(session)
        return .noContent
    }

    /// The recording (or any file of the session), uploaded as a lesson's attachment is; its
    /// students get it once the session is over.
    @Sendable func attach(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<AttachmentResponse> {
        let (session, _) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: context.principal)
        return EditedResponse(status: .created, response: AttachmentResponse(attachment: try await upload.attach(request, toItem: session.id)))
    }

    /// Idempotent: checking in again answers the same attendance and progress.
    @Sendable func checkIn(_ request: Request, context: AppRequestContext) async throws -> CheckInResponse {
        let id = try context.parameters.uuid("id")
        let (recorded, progress) = try await attendance.checkIn(to: id, by: context.principal)
        return CheckInResponse(
            sessionId: id.apiString, checkedInAt: recorded.checkedInAt ?? Date(), minutes: recorded.minutes, progress: ProgressResponse(progress: progress)
        )
    }

    /// The session's register: every admitted student, attended or not; CSV with `Accept: text/csv`.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (session, course) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: context.principal)
        let register = try await sessions.register(of: session)
        let entries = register.map { user, attendance in
            RegisterEntry(
                userId: user.id.apiString, email: user.email, displayName: user.displayName, attended: attendance != nil,
                checkedInAt: attendance?.checkedInAt, minutes: attendance?.minutes
            )
        }
        if request.headers[.accept]?.contains("text/csv") == true {
            return RegisterDownload.csv(register, of: session, course: course)
        }
        return try PageResponse(items: entries, nextCursor: nil).response(from: request, context: context)
    }

    /// A participants report (`text/csv`, Zoom's or BigBlueButton's export) for the session.
    @Sendable func importReport(_ request: Request, context: AppRequestContext) async throws -> AttendanceImportResponse {
        let (session, _) = try await access.editableLiveSession(try context.parameters.uuid("id"), by: context.principal)
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "text/csv" else { throw AcademyError.unsupportedMediaType(expected: "text/csv") }
        let body = try await request.collectedBody(upTo: min(context.maxUploadSize, ParticipantsReport.maximumBytes))
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw AcademyError.malformedRequest("The participants report must be UTF-8 text.")
        }
        return AttendanceImportResponse(try await attendance.importReport(text, into: session))
    }

    /// Each admitted student's attendance across the course's sessions (cancelled ones left
    /// out); CSV with `Accept: text/csv`.
    @Sendable func courseAttendance(_ request: Request, context: AppRequestContext) async throws -> Response {
        let course = try await access.editableCourse(context)
        let sessions = try await sessions.sessions(of: course.id)
        let held = sessions.filter { !$0.cancelled }
        let required = held.filter(\.required).count
        let students = try await self.sessions.attendanceByStudent(of: course.id).map { user, attended in
            let summary = AttendanceSummary(attended: attended, sessions: sessions)
            return CourseAttendanceEntry(
                userId: user.id.apiString, email: user.email, displayName: user.displayName, attended: summary.attended.count,
                requiredAttended: summary.requiredAttended, sessions: summary.attended.map(\.apiString)
            )
        }
        if request.headers[.accept]?.contains("text/csv") == true {
            let rows = [["email", "display_name", "attended", "of_sessions", "required_attended", "of_required"]] + students.map {
                [$0.email, $0.displayName, String($0.attended), String(held.count), String($0.requiredAttended), String(required)]
            }
            return SpreadsheetDownload.csv(rows, filename: "\(course.slug)-attendance.csv")
        }
        return try CourseAttendanceResponse(sessions: held.count, requiredSessions: required, students: students).response(from: request, context: context)
    }
}

/// A session's register as a spreadsheet: the API's `Accept: text/csv` and the register page's link.
package enum RegisterDownload {
    package static func csv(_ register: [(user: User, attendance: Attendance?)], of session: LiveSession, course: Course) -> Response {
        let rows = [["email", "display_name", "attended", "checked_in_at", "minutes"]] + register.map { user, attendance in
            [
                user.email, user.displayName, attendance == nil ? "no" : "yes", attendance?.checkedInAt.map(RFC3339.string) ?? "",
                attendance?.minutes.map(String.init) ?? "",
            ]
        }
        return SpreadsheetDownload.csv(rows, filename: "\(course.slug)-attendance-\(session.id.apiString.prefix(8)).csv")
    }
}
