public import AcademyCore
public import AcademyStore
public import Foundation

/// Attendance at live sessions: students checking in while a session is live, and staff
/// importing a meeting service's participants report. Both complete the session's item, and the
/// attendance that finishes a course issues its certificate, once. Shared by the API, the web
/// pages and `academy attendance import`.
public struct SessionAttendance: Sendable {
    let access: CourseAccess
    let sessions: LiveSessionRepository
    let certificates: CertificateService
    /// How long before a session starts its links appear and check-in opens.
    public let leadTime: TimeInterval

    public init(access: CourseAccess, sessions: LiveSessionRepository, certificates: CertificateService, leadTime: TimeInterval) {
        self.access = access
        self.sessions = sessions
        self.certificates = certificates
        self.leadTime = leadTime
    }

    /// Idempotent: checking in again changes nothing and answers the same attendance.
    public func checkIn(to id: UUID, by principal: Principal?, now: Date = Date()) async throws -> (attendance: Attendance, progress: CourseProgress) {
        let (session, _, reader, _) = try await access.openLiveSession(id, principal: principal)
        guard case .student(let enrollment, _) = reader else {
            throw AcademyError.forbidden("Only enrolled students check in to a live session.")
        }
        try LiveSessionRules.requireCheckInOpen(session, at: now, leadTime: leadTime)
        let result = try await sessions.checkIn(to: session, for: enrollment)
        if result.finishedCourse {
            _ = try await certificates.issue(for: enrollment)
        }
        return (result.attendance, result.progress)
    }

    /// What an import did: how many students it recorded, and every row it skipped, by line.
    public struct ImportResult: Sendable, Equatable {
        public let recorded: Int
        public let skipped: [ParticipantsReport.Problem]
    }

    /// Records the report's minutes for every admitted student of the session's course it lists,
    /// in one transaction; rows naming anyone else (a guest, an interpreter, a typo) or that do not
    /// parse are skipped and reported with their lines. Importing the same report again changes
    /// nothing.
    public func importReport(_ text: String, into session: LiveSession, now: Date = Date()) async throws -> ImportResult {
        try LiveSessionRules.requireReportable(session, at: now)
        let report = try ParticipantsReport(text)
        let students = try await sessions.admittedStudents(of: session.courseID, emails: report.attendees.map(\.email))
        var skipped = report.problems
        var rows: [(enrollment: Enrollment, minutes: Int)] = []
        for attendee in report.attendees {
            if let enrollment = students[attendee.email] {
                rows.append((enrollment, attendee.minutes))
            } else {
                skipped += attendee.lines.map { ParticipantsReport.Problem(line: $0, email: attendee.email, reason: "no student of this course has this email") }
            }
        }
        for enrollment in try await sessions.importAttendance(of: session, rows) {
            _ = try await certificates.issue(for: enrollment)
        }
        return ImportResult(recorded: rows.count, skipped: skipped.sorted { $0.line < $1.line })
    }
}
