public import AcademyCore
public import Foundation
import PostgresNIO

/// A live session as it is stored: its checked settings, its place rules and its texts, the
/// descriptions rendered.
public struct LiveSessionDraft: Sendable {
    public var settings: LiveSessionSettings
    public var releaseAt: Date?
    public var requiresPrevious: Bool
    public var translations: [String: LiveSessionText]

    public init(settings: LiveSessionSettings, releaseAt: Date?, requiresPrevious: Bool, translations: [String: LiveSessionText]) {
        self.settings = settings
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
        self.translations = translations
    }
}

/// A student's attendance at a session: checked in, listed in an imported report, or both.
public struct Attendance: Sendable, Equatable {
    public let checkedInAt: Date?
    public let minutes: Int?
    public let importedAt: Date?

    public init(checkedInAt: Date?, minutes: Int?, importedAt: Date?) {
        self.checkedInAt = checkedInAt
        self.minutes = minutes
        self.importedAt = importedAt
    }
}

/// Live sessions (course items of kind `live_session`) and their attendance.
public struct LiveSessionRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The item, the session's settings, then its texts as parallel arrays by language.
    typealias SessionRow = (
        UUID, UUID, UUID, Int, Date?, Bool, Date, String?, Int, Date, Int, String, String, Bool, Bool, String?,
        [String], [String], [String], [String]
    )

    static let sessionColumns = """
        i.id, i.course_id, i.module_id, i.position, i.release_at, i.requires_previous, i.updated_at, i.key, i.calendar_sequence,
        s.starts_at, s.duration_minutes, s.meeting_url, s.channels::text, s.required, s.cancelled, s.recording_url,
        COALESCE(t.languages, '{}'), COALESCE(t.titles, '{}'), COALESCE(t.markdowns, '{}'), COALESCE(t.htmls, '{}')
        """

    static let sessionFrom = """
        FROM course_items i JOIN live_sessions s ON s.id = i.id
        LEFT JOIN LATERAL (
            SELECT array_agg(language ORDER BY language) AS languages, array_agg(title ORDER BY language) AS titles,
                array_agg(description_markdown ORDER BY language) AS markdowns, array_agg(description_html ORDER BY language) AS htmls
            FROM live_session_translations WHERE session_id = i.id
        ) t ON true
        """

    static func session(_ row: SessionRow) throws -> LiveSession {
        let (id, courseID, moduleID, position, releaseAt, requiresPrevious, updatedAt, key, sequence) = (row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8)
        var texts: [String: LiveSessionText] = [:]
        for (index, language) in row.16.enumerated() {
            texts[language] = LiveSessionText(title: row.17[index], descriptionMarkdown: row.18[index], descriptionHTML: row.19[index])
        }
        return LiveSession(
            id: id, courseID: courseID, moduleID: moduleID, position: position, releaseAt: releaseAt, requiresPrevious: requiresPrevious,
            startsAt: row.9, durationMinutes: row.10, meetingURL: row.11,
            channels: try JSONDecoder().decode([String: String].self, from: Data(row.12.utf8)),
            required: row.13, cancelled: row.14, recordingURL: row.15, translations: texts, updatedAt: updatedAt,
            calendarSequence: sequence, key: key
        )
    }

    public func session(_ id: UUID) async throws -> LiveSession? {
        try await database.withConnection { connection in try await Self.session(id, on: connection) }
    }

    static func session(_ id: UUID, on connection: DatabaseConnection) async throws -> LiveSession? {
        try await connection.rows(
            "SELECT \(unescaped: sessionColumns) \(unescaped: sessionFrom) WHERE i.id = \(id)", as: SessionRow.self
        ).first.map(session)
    }

    /// The course's sessions in course order.
    public func sessions(of courseID: UUID) async throws -> [LiveSession] {
        try await database.rows(
            """
            SELECT \(unescaped: Self.sessionColumns) \(unescaped: Self.sessionFrom) JOIN course_modules m ON m.id = i.module_id
            WHERE i.course_id = \(courseID) ORDER BY m.position, i.position
            """,
            as: SessionRow.self
        ).map(Self.session)
    }

    /// A session with the standing of the caller ($2) in its course and their own attendance, in
    /// one round trip, as a lesson read is.
    public func sessionWithStanding(_ id: UUID, of userID: UUID?) async throws -> (session: LiveSession, standing: CourseStanding, attendance: Attendance?)? {
        guard let row = try await database.undecodedRows(SessionWithStanding.self, PostgresBindings(id, userID)).first else { return nil }
        var columns = ColumnReader(row)
        let session = try Self.session(try columns.read(SessionRow.self))
        let (checkedInAt, minutes, importedAt) = try columns.read((Date?, Int?, Date?).self)
        let standing = CourseRepository.standing(try columns.read(CourseRepository.StandingRow.self))
        let attendance = checkedInAt == nil && importedAt == nil ? nil : Attendance(checkedInAt: checkedInAt, minutes: minutes, importedAt: importedAt)
        return (session, standing, attendance)
    }

    enum SessionWithStanding: PreparedSQL {
        static let sql = """
            SELECT \(sessionColumns), a.checked_in_at, a.minutes, a.imported_at, st.*
            \(sessionFrom)
            LEFT JOIN live_session_attendance a ON a.session_id = i.id AND a.user_id = $2
            CROSS JOIN LATERAL (\(CourseRepository.standingSQL(course: "i.course_id"))) st
            WHERE i.id = $1
            """
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid]
    }

    public func create(in module: CourseModule, position: Int?, _ draft: LiveSessionDraft) async throws -> LiveSession {
        try await database.withTransaction { connection in
            let (id, _, _) = try await CourseContentRepository.insertItem(
                kind: CourseItem.Kind.liveSession.rawValue, in: module, position: position, releaseAt: draft.releaseAt,
                requiresPrevious: draft.requiresPrevious, on: connection
            )
            try await Self.insertSettings(of: id, draft.settings, on: connection)
            try await Self.replaceTexts(of: id, with: draft.translations, on: connection)
            return try await Self.stored(id, on: connection)
        }
    }

    /// The session as just written, read back in the same transaction.
    private static func stored(_ id: UUID, on connection: DatabaseConnection) async throws -> LiveSession {
        guard let session = try await session(id, on: connection) else { throw AcademyError.notFound("No such live session.") }
        return session
    }

    /// Replaces the session's settings and texts (moving it when the module or position
    /// changes) and raises its calendar SEQUENCE.
    public func update(_ session: LiveSession, to target: CourseModule, position: Int?, _ draft: LiveSessionDraft) async throws -> LiveSession {
        try await database.withTransaction { connection in
            try await CourseContentRepository.moveItem(
                session.id, from: session.moduleID, at: session.position, to: target, position: position, on: connection
            )
            try await connection.run(
                """
                UPDATE course_items SET release_at = \(draft.releaseAt), requires_previous = \(draft.requiresPrevious), updated_at = now(),
                    calendar_sequence = calendar_sequence + 1
                WHERE id = \(session.id)
                """
            )
            try await Self.updateSettings(of: session.id, draft.settings, on: connection)
            try await Self.replaceTexts(of: session.id, with: draft.translations, on: connection)
            return try await Self.stored(session.id, on: connection)
        }
    }

    public func delete(_ session: LiveSession) async throws {
        try await CourseContentRepository.deleteItem(session.id, at: session.position, in: session.moduleID, from: database)
    }

    static func insertSettings(of id: UUID, _ settings: LiveSessionSettings, on connection: DatabaseConnection) async throws {
        try await connection.run(
            """
            INSERT INTO live_sessions (id, starts_at, duration_minutes, meeting_url, channels, required, cancelled, recording_url)
            VALUES (\(id), \(settings.startsAt), \(settings.durationMinutes), \(settings.meetingURL), \(try Self.json(settings.channels))::jsonb,
                    \(settings.required), \(settings.cancelled), \(settings.recordingURL))
            """
        )
    }

    /// Writes the settings; whether they changed.
    @discardableResult
    static func updateSettings(of id: UUID, _ settings: LiveSessionSettings, on connection: DatabaseConnection) async throws -> Bool {
        !(try await connection.rows(
            """
            UPDATE live_sessions SET starts_at = \(settings.startsAt), duration_minutes = \(settings.durationMinutes), meeting_url = \(settings.meetingURL),
                channels = \(try Self.json(settings.channels))::jsonb, required = \(settings.required), cancelled = \(settings.cancelled),
                recording_url = \(settings.recordingURL)
            WHERE id = \(id)
              AND (starts_at, duration_minutes, meeting_url, channels, required, cancelled, recording_url)
                  IS DISTINCT FROM (\(settings.startsAt), \(settings.durationMinutes), \(settings.meetingURL), \(try Self.json(settings.channels))::jsonb,
                                    \(settings.required), \(settings.cancelled), \(settings.recordingURL))
            RETURNING id
            """,
            as: UUID.self
        ).isEmpty)
    }

    static func json(_ channels: [String: String]) throws -> String {
        String(decoding: try JSONEncoder().encode(channels), as: UTF8.self)
    }

    /// The session's titles by language.
    static func titles(of id: UUID, on connection: DatabaseConnection) async throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try await connection.rows(
            "SELECT language, title FROM live_session_translations WHERE session_id = \(id)", as: (String, String).self
        ).map { ($0.0, $0.1) })
    }

    static func replaceTexts(of id: UUID, with texts: [String: LiveSessionText], on connection: DatabaseConnection) async throws {
        try await connection.run("DELETE FROM live_session_translations WHERE session_id = \(id)")
        for (language, text) in texts {
            try await connection.run(
                """
                INSERT INTO live_session_translations (session_id, language, title, description_markdown, description_html)
                VALUES (\(id), \(language), \(text.title), \(text.descriptionMarkdown), \(text.descriptionHTML))
                """
            )
        }
    }

    // MARK: Attendance

    /// Records that the student of `enrollment` checked in (the first time stays), completes the
    /// item, and settles the course: idempotent.
    public func checkIn(
        to session: LiveSession, for enrollment: Enrollment
    ) async throws -> (attendance: Attendance, progress: CourseProgress, finishedCourse: Bool) {
        try await database.withTransaction { connection in
            try await connection.run("SELECT id FROM enrollments WHERE id = \(enrollment.id) FOR UPDATE")
            let row = try await connection.rows(
                """
                INSERT INTO live_session_attendance AS a (session_id, user_id, checked_in_at) VALUES (\(session.id), \(enrollment.userID), now())
                ON CONFLICT (session_id, user_id) DO UPDATE SET checked_in_at = COALESCE(a.checked_in_at, EXCLUDED.checked_in_at)
                RETURNING a.checked_in_at, a.minutes, a.imported_at
                """,
                as: (Date?, Int?, Date?).self
            )[0]
            let (progress, finished) = try await Self.complete(session.id, for: enrollment, on: connection)
            return (Attendance(checkedInAt: row.0, minutes: row.1, importedAt: row.2), progress, finished)
        }
    }

    private static func complete(_ sessionID: UUID, for enrollment: Enrollment, on connection: DatabaseConnection) async throws -> (CourseProgress, Bool) {
        try await connection.run(
            "INSERT INTO item_completions (enrollment_id, item_id) VALUES (\(enrollment.id), \(sessionID)) ON CONFLICT DO NOTHING"
        )
        try await connection.run("UPDATE enrollments SET last_activity_at = now() WHERE id = \(enrollment.id)")
        return try await EnrollmentRepository.settle(enrollment, on: connection)
    }

    /// The admitted students of the session's course among `emails` (normalized), by email.
    public func admittedStudents(of courseID: UUID, emails: [String]) async throws -> [String: Enrollment] {
        var found: [String: Enrollment] = [:]
        for row in try await database.rows(
            """
            SELECT u.email, \(unescaped: EnrollmentRepository.columns) FROM users u JOIN enrollments e ON e.user_id = u.id AND e.course_id = \(courseID)
            WHERE u.email = ANY(\(emails)) AND e.status = ANY(\(EnrollmentRepository.admittingStatuses)) AND NOT u.disabled
            """,
            as: (String, UUID, UUID, UUID, String, Date, Date, Date?).self
        ) {
            found[row.0] = EnrollmentRepository.enrollment((row.1, row.2, row.3, row.4, row.5, row.6, row.7))
        }
        return found
    }

    /// Records a participants report's minutes for each student (replacing what an earlier
    /// import of the session said, so importing again changes nothing), in one transaction;
    /// returns the enrolments whose course this finished.
    public func importAttendance(of session: LiveSession, _ rows: [(enrollment: Enrollment, minutes: Int)]) async throws -> [Enrollment] {
        guard !rows.isEmpty else { return [] }
        // A statement per kind of write, not per row: a report holds up to 20,000 of them.
        let enrollmentIDs = rows.map(\.enrollment.id)
        return try await database.withTransaction { connection in
            // Locked in one order, as a completion locks its one row, so concurrent writers wait.
            try await connection.run("SELECT id FROM enrollments WHERE id = ANY(\(enrollmentIDs)) ORDER BY id FOR UPDATE")
            try await connection.run(
                """
                INSERT INTO live_session_attendance AS a (session_id, user_id, minutes, imported_at)
                SELECT \(session.id), r.user_id, r.minutes, now()
                FROM unnest(\(rows.map(\.enrollment.userID))::uuid[], \(rows.map(\.minutes))::int[]) AS r(user_id, minutes)
                ON CONFLICT (session_id, user_id) DO UPDATE SET minutes = EXCLUDED.minutes, imported_at = EXCLUDED.imported_at
                """
            )
            try await connection.run(
                """
                INSERT INTO item_completions (enrollment_id, item_id) SELECT e, \(session.id) FROM unnest(\(enrollmentIDs)::uuid[]) AS e
                ON CONFLICT DO NOTHING
                """
            )
            try await connection.run("UPDATE enrollments SET last_activity_at = now() WHERE id = ANY(\(enrollmentIDs))")
            // Only a required session's attendance can be the last thing a course asks for.
            guard session.required else { return [] }
            var finished: [Enrollment] = []
            for (enrollment, _) in rows where try await EnrollmentRepository.settle(enrollment, on: connection).finishedCourse {
                finished.append(enrollment)
            }
            return finished
        }
    }

    /// Every admitted student of the session's course with their attendance (nil when absent),
    /// by display name: the session's register.
    public func register(of session: LiveSession) async throws -> [(user: User, attendance: Attendance?)] {
        try await database.rows(
            """
            SELECT \(unescaped: EnrollmentRepository.userColumns), a.checked_in_at, a.minutes, a.imported_at
            FROM enrollments e JOIN users u ON u.id = e.user_id
            LEFT JOIN live_session_attendance a ON a.session_id = \(session.id) AND a.user_id = u.id
            WHERE e.course_id = \(session.courseID) AND e.status = ANY(\(EnrollmentRepository.admittingStatuses))
            ORDER BY u.display_name COLLATE "und-x-icu", u.id
            LIMIT 100000
            """,
            as: (UUID, String, String, String, String?, String?, Date, Bool, Date?, Int?, Date?).self
        ).map { row in
            let user = UserRepository.user((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7))
            let attendance = row.8 == nil && row.10 == nil ? nil : Attendance(checkedInAt: row.8, minutes: row.9, importedAt: row.10)
            return (user, attendance)
        }
    }

    /// For each admitted student of the course, the sessions (not cancelled) they attended, by
    /// display name.
    public func attendanceByStudent(of courseID: UUID) async throws -> [(user: User, attended: Set<UUID>)] {
        try await database.rows(
            """
            SELECT \(unescaped: EnrollmentRepository.userColumns),
                ARRAY(SELECT a.session_id FROM live_session_attendance a JOIN course_items i ON i.id = a.session_id
                      WHERE a.user_id = u.id AND i.course_id = e.course_id)
            FROM enrollments e JOIN users u ON u.id = e.user_id
            WHERE e.course_id = \(courseID) AND e.status = ANY(\(EnrollmentRepository.admittingStatuses))
            ORDER BY u.display_name COLLATE "und-x-icu", u.id
            LIMIT 100000
            """,
            as: (UUID, String, String, String, String?, String?, Date, Bool, [UUID]).self
        ).map { row in
            (UserRepository.user((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7)), Set(row.8))
        }
    }
}
