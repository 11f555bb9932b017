public import AcademyCore
public import Foundation
import PostgresNIO

/// A dated item of one of a user's courses, as their calendar shows it: a live session, or a quiz
/// that opens or closes at a set time.
public struct CalendarEntry: Sendable {
    public enum Schedule: Sendable {
        case session(startsAt: Date, durationMinutes: Int, cancelled: Bool)
        case quiz(opensAt: Date?, closesAt: Date?)
    }

    public let itemID: UUID
    public let courseSlug: String
    public let courseDefaultLanguage: String
    public let courseTitles: [String: String]
    public let titles: [String: String]
    public let schedule: Schedule
    public let sequence: Int
    public let updatedAt: Date
}

/// Per-user calendar feed secrets (only their SHA-256 is kept) and what the feeds show.
public struct CalendarRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// The active user whose feed secret has this SHA-256.
    public func user(bySecretSHA256 digest: String) async throws -> User? {
        try await database.rows(UserBySecret.self, PostgresBindings(digest), as: UserRepository.Row.self).first.map(UserRepository.user)
    }

    /// Prepared, as the entries are: calendar apps poll every feed.
    enum UserBySecret: PreparedSQL {
        static let sql = """
            SELECT \(EnrollmentRepository.userColumns) FROM calendar_feeds f JOIN users u ON u.id = f.user_id
            WHERE f.secret_sha256 = $1 AND NOT u.disabled
            """
        static let parameterTypes: [PostgresDataType] = [.text]
    }

    /// Replaces the user's feed secret: the address holding the old one stops working.
    public func replaceSecret(of userID: UUID, sha256 digest: String) async throws -> Date {
        try await database.rows(
            """
            INSERT INTO calendar_feeds (user_id, secret_sha256) VALUES (\(userID), \(digest))
            ON CONFLICT (user_id) DO UPDATE SET secret_sha256 = EXCLUDED.secret_sha256, created_at = now()
            RETURNING created_at
            """,
            as: Date.self
        )[0]
    }

    public func removeSecret(of userID: UUID) async throws {
        try await database.run("DELETE FROM calendar_feeds WHERE user_id = \(userID)")
    }

    /// When the user's current feed address was made; nil when they have none.
    public func secretCreated(for userID: UUID) async throws -> Date? {
        try await database.rows("SELECT created_at FROM calendar_feeds WHERE user_id = \(userID)", as: Date.self).first
    }

    /// The live sessions and dated quizzes of the courses the user is admitted to or teaches,
    /// soonest first (at most 2,000: a feed is re-read whole by calendar apps).
    public func entries(for userID: UUID) async throws -> [CalendarEntry] {
        try await database.rows(
            Entries.self, PostgresBindings(userID), as: (UUID, String, String, String?, String, Date?, Int?, Bool?, String?, Int, Date).self
        ).compactMap { row in
            let schedule: CalendarEntry.Schedule
            if let startsAt = row.5, let duration = row.6 {
                schedule = .session(startsAt: startsAt, durationMinutes: duration, cancelled: row.7 ?? false)
            } else if let settings = row.8 {
                let decoded = try QuizJSON.decode(QuizSettings.self, from: settings)
                guard decoded.opensAt != nil || decoded.closesAt != nil else { return nil }
                schedule = .quiz(opensAt: decoded.opensAt, closesAt: decoded.closesAt)
            } else {
                return nil
            }
            return CalendarEntry(
                itemID: row.0, courseSlug: row.1, courseDefaultLanguage: row.2,
                courseTitles: try JSONDecoder().decode([String: String].self, from: Data((row.3 ?? "{}").utf8)),
                titles: try JSONDecoder().decode([String: String].self, from: Data(row.4.utf8)),
                schedule: schedule, sequence: row.9, updatedAt: row.10
            )
        }
    }

    /// The items of the courses $1 is admitted to or teaches that a calendar shows.
    enum Entries: PreparedSQL {
        static let sql = """
            WITH mine AS (
                SELECT course_id FROM enrollments WHERE user_id = $1 AND status = ANY(\(AnnouncementRepository.admitting))
                UNION SELECT course_id FROM course_instructors WHERE user_id = $1
            )
            SELECT i.id, c.slug, c.default_language,
                (SELECT jsonb_object_agg(t.language, t.title) FROM course_translations t WHERE t.course_id = c.id)::text,
                \(CourseContentRepository.itemTitlesSQL)::text,
                s.starts_at, s.duration_minutes, s.cancelled, q.settings::text, i.calendar_sequence, i.updated_at
            FROM mine JOIN courses c ON c.id = mine.course_id JOIN course_items i ON i.course_id = c.id
            LEFT JOIN live_sessions s ON s.id = i.id
            LEFT JOIN quizzes q ON q.id = i.id
            WHERE c.status <> 'archived'
              AND (s.id IS NOT NULL OR q.settings ? 'opens_at' OR q.settings ? 'closes_at')
            ORDER BY COALESCE(s.starts_at, (q.settings->>'opens_at')::timestamptz, (q.settings->>'closes_at')::timestamptz), i.id
            LIMIT 2000
            """
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }
}
