public import AcademyCore
public import Foundation
import PostgresNIO

/// An announcement as one reader sees it: with whether they read it (nil for staff lists).
public struct ReadAnnouncement: Sendable {
    public let announcement: Announcement
    public let read: Bool?
    /// The course's slug and default language, for lists across courses.
    public let courseSlug: String
    public let courseDefaultLanguage: String

    public init(announcement: Announcement, read: Bool?, courseSlug: String, courseDefaultLanguage: String) {
        self.announcement = announcement
        self.read = read
        self.courseSlug = courseSlug
        self.courseDefaultLanguage = courseDefaultLanguage
    }
}

/// Course announcements, and which of them each student has read. Lists run pinned first, then
/// newest first, paged by keyset on `(pinned, publish_at, id)`.
public struct AnnouncementRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    typealias Row = (UUID, UUID, Bool, Date, Date, Date, [String], [String], [String], [String], String, String, Date?)

    /// The announcement `a`, its texts and its course; each query adds the reader's read time.
    static let columns = """
        a.id, a.course_id, a.pinned, a.publish_at, a.created_at, a.updated_at,
            COALESCE(t.languages, '{}'), COALESCE(t.titles, '{}'), COALESCE(t.markdowns, '{}'), COALESCE(t.htmls, '{}'),
            c.slug, c.default_language
        """

    static let from = """
        FROM announcements a JOIN courses c ON c.id = a.course_id
        LEFT JOIN LATERAL (
            SELECT array_agg(language ORDER BY language) AS languages, array_agg(title ORDER BY language) AS titles,
                array_agg(body_markdown ORDER BY language) AS markdowns, array_agg(body_html ORDER BY language) AS htmls
            FROM announcement_translations WHERE announcement_id = a.id
        ) t ON true
        """

    static func announcement(_ row: Row, withReads: Bool) -> ReadAnnouncement {
        var texts: [String: AnnouncementText] = [:]
        for (index, language) in row.6.enumerated() {
            texts[language] = AnnouncementText(title: row.7[index], bodyMarkdown: row.8[index], bodyHTML: row.9[index])
        }
        let announcement = Announcement(
            id: row.0, courseID: row.1, pinned: row.2, publishAt: row.3, translations: texts, createdAt: row.4, updatedAt: row.5
        )
        return ReadAnnouncement(announcement: announcement, read: withReads ? row.12 != nil : nil, courseSlug: row.10, courseDefaultLanguage: row.11)
    }

    /// The keyset cursor of a row: its pinned flag and publication time (microseconds) in the sort key.
    static func cursor(_ item: ReadAnnouncement) -> PageCursor {
        let micros = Int64((item.announcement.publishAt.timeIntervalSince1970 * 1_000_000).rounded())
        return PageCursor(sortKey: "\(item.announcement.pinned ? 1 : 0):\(micros)", id: item.announcement.id)
    }

    /// The keyset position a cursor names; a sort key that does not parse is the client's mistake.
    static func position(_ cursor: PageCursor?) throws(AcademyError) -> (pinned: Bool, micros: Int64, id: UUID)? {
        guard let cursor else { return nil }
        let parts = cursor.sortKey.split(separator: ":")
        guard parts.count == 2, let flag = Int(parts[0]), (0...1).contains(flag), let micros = Int64(parts[1]) else {
            throw .malformedRequest("cursor is not one this API handed out.")
        }
        return (flag == 1, micros, cursor.id)
    }

    public func find(_ id: UUID) async throws -> Announcement? {
        try await database.rows(
            "SELECT \(unescaped: Self.columns), NULL::timestamptz \(unescaped: Self.from) WHERE a.id = \(id)", as: Row.self
        ).first.map { Self.announcement($0, withReads: false).announcement }
    }

    /// Everything stored is known here but the row's id and times, which the insert returns.
    public func create(in courseID: UUID, pinned: Bool, publishAt: Date?, translations: [String: AnnouncementText], by userID: UUID?) async throws -> Announcement {
        try await database.withTransaction { connection in
            let (id, publishedAt, createdAt, updatedAt) = try await connection.rows(
                """
                INSERT INTO announcements (course_id, pinned, publish_at, created_by) VALUES (\(courseID), \(pinned), COALESCE(\(publishAt), now()), \(userID))
                RETURNING id, publish_at, created_at, updated_at
                """,
                as: (UUID, Date, Date, Date).self
            )[0]
            try await Self.replaceTexts(of: id, with: translations, on: connection)
            return Announcement(
                id: id, courseID: courseID, pinned: pinned, publishAt: publishedAt, translations: translations, createdAt: createdAt, updatedAt: updatedAt
            )
        }
    }

    public func update(_ announcement: Announcement, pinned: Bool, publishAt: Date, translations: [String: AnnouncementText]) async throws -> Announcement {
        try await database.withTransaction { connection in
            var updated = announcement
            updated.updatedAt = try await connection.rows(
                "UPDATE announcements SET pinned = \(pinned), publish_at = \(publishAt), updated_at = now() WHERE id = \(announcement.id) RETURNING updated_at",
                as: Date.self
            )[0]
            try await Self.replaceTexts(of: announcement.id, with: translations, on: connection)
            updated.pinned = pinned
            updated.publishAt = publishAt
            updated.translations = translations
            return updated
        }
    }

    public func delete(_ announcement: Announcement) async throws {
        try await database.run("DELETE FROM announcements WHERE id = \(announcement.id)")
    }

    static func replaceTexts(of id: UUID, with texts: [String: AnnouncementText], on connection: DatabaseConnection) async throws {
        try await connection.run("DELETE FROM announcement_translations WHERE announcement_id = \(id)")
        for (language, text) in texts {
            try await connection.run(
                """
                INSERT INTO announcement_translations (announcement_id, language, title, body_markdown, body_html)
                VALUES (\(id), \(language), \(text.title), \(text.bodyMarkdown), \(text.bodyHTML))
                """
            )
        }
    }

    /// One page of a course's announcements: every one for its staff (`reader` nil), the
    /// published ones with their read flags for a student.
    public func page(of courseID: UUID, reader: UUID?, page: PageRequest) async throws -> Page<ReadAnnouncement> {
        let bindings = Self.bindings(course: courseID, student: nil, reader: reader, after: try Self.position(page.after), page: page)
        let rows = try await database.rows(PageOf.self, bindings, as: Row.self)
        return Page(rows: rows.map { Self.announcement($0, withReads: reader != nil) }, request: page, cursorOf: Self.cursor)
    }

    /// One page of the published announcements of every course the student is admitted to, and
    /// how many of all of them they have not read: one pool lease for a page view.
    public func page(forStudent userID: UUID, page: PageRequest) async throws -> (page: Page<ReadAnnouncement>, unread: Int) {
        let position = try Self.position(page.after)
        return try await database.withConnection { connection in
            let rows = try await connection.rows(PageOf.self, Self.bindings(course: nil, student: userID, reader: userID, after: position, page: page), as: Row.self)
            let unread = try await connection.rows(UnreadCount.self, PostgresBindings(userID), as: Int.self)[0]
            return (Page(rows: rows.map { Self.announcement($0, withReads: true) }, request: page, cursorOf: Self.cursor), unread)
        }
    }

    /// The statuses that admit a student, as an SQL array literal of the enum's own names (no
    /// input): prepared statements take no list-valued constants otherwise.
    static let admitting = "ARRAY[" + EnrollmentRepository.admittingStatuses.map { "'\($0)'" }.joined(separator: ", ") + "]"

    /// Prepared, as every read a page view makes: planning these was most of their cost.
    enum UnreadCount: PreparedSQL {
        static let sql = """
            SELECT count(*)::int FROM announcements a
            WHERE a.course_id IN (SELECT e.course_id FROM enrollments e WHERE e.user_id = $1 AND e.status = ANY(\(admitting)))
              AND a.publish_at <= now()
              AND NOT EXISTS (SELECT FROM announcement_reads r WHERE r.announcement_id = a.id AND r.user_id = $1)
            """
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    /// Marks an announcement read (again is fine).
    public func markRead(_ announcementID: UUID, by userID: UUID) async throws {
        try await database.run(
            "INSERT INTO announcement_reads (announcement_id, user_id) VALUES (\(announcementID), \(userID)) ON CONFLICT DO NOTHING"
        )
    }

    /// `PageOf`'s parameters: the announcements of one course, or of every course `student` is
    /// admitted to; a reader sees only published ones, with whether they read each.
    private static func bindings(
        course: UUID?, student: UUID?, reader: UUID?, after position: (pinned: Bool, micros: Int64, id: UUID)?, page: PageRequest
    ) -> PostgresBindings {
        PostgresBindings(course, student, reader, position?.pinned, position.map { Int($0.micros) }, position?.id, page.limit + 1)
    }

    /// $1 a course or $2 a student's courses; $3 the reader (published ones only, with their
    /// read time); after the keyset position ($4 pinned, $5 microseconds, $6 id); $7 rows.
    enum PageOf: PreparedSQL {
        static let sql = """
            SELECT \(columns), (SELECT r.read_at FROM announcement_reads r WHERE r.announcement_id = a.id AND r.user_id = $3)
            \(from)
            WHERE ($1::uuid IS NULL OR a.course_id = $1)
              AND ($2::uuid IS NULL OR a.course_id IN (
                    SELECT e.course_id FROM enrollments e WHERE e.user_id = $2 AND e.status = ANY(\(admitting))))
              AND ($3::uuid IS NULL OR a.publish_at <= now())
              AND ($6::uuid IS NULL OR (a.pinned, a.publish_at, a.id) < ($4, timestamptz 'epoch' + $5 * interval '1 microsecond', $6))
            ORDER BY a.pinned DESC, a.publish_at DESC, a.id DESC
            LIMIT $7
            """
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid, .uuid, .bool, .int8, .uuid, .int8]
    }
}
