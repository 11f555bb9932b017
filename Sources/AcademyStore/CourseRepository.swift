public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// A course's settings as validated by `CourseRules`, for creating or replacing them.
public struct CourseDraft: Sendable {
    public var slug: String
    public var defaultLanguage: String
    public var translations: [String: CourseText]
    public var enrollmentMode: EnrollmentMode
    /// nil keeps the stored key hash; a value replaces it.
    public var enrollmentKeyHash: String?
    public var capacity: Int?
    public var startsAt: Date?
    public var endsAt: Date?
    public var enrolOpensAt: Date?
    public var enrolClosesAt: Date?

    public init(
        slug: String, defaultLanguage: String, translations: [String: CourseText], enrollmentMode: EnrollmentMode,
        enrollmentKeyHash: String?, capacity: Int?, startsAt: Date?, endsAt: Date?,
        enrolOpensAt: Date? = nil, enrolClosesAt: Date? = nil
    ) {
        self.slug = slug
        self.defaultLanguage = defaultLanguage
        self.translations = translations
        self.enrollmentMode = enrollmentMode
        self.enrollmentKeyHash = enrollmentKeyHash
        self.capacity = capacity
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.enrolOpensAt = enrolOpensAt
        self.enrolClosesAt = enrolClosesAt
    }
}

public struct CourseRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        c.id, c.slug, c.default_language, c.status, c.enrollment_mode, c.enrollment_key_hash IS NOT NULL,
        c.capacity, c.starts_at, c.ends_at, c.created_at, c.updated_at, c.enrol_opens_at, c.enrol_closes_at
        """
    typealias Row = (UUID, String, String, String, String, Bool, Int?, Date?, Date?, Date, Date, Date?, Date?)

    static func course(_ row: Row, translations: [String: CourseText]) -> Course {
        Course(
            id: row.0, slug: row.1, defaultLanguage: row.2, status: CourseStatus(rawValue: row.3) ?? .draft,
            enrollmentMode: EnrollmentMode(rawValue: row.4) ?? .closed, hasEnrollmentKey: row.5, capacity: row.6,
            startsAt: row.7, endsAt: row.8, translations: translations, createdAt: row.9, updatedAt: row.10,
            enrolOpensAt: row.11, enrolClosesAt: row.12
        )
    }

    /// Creates the course as a draft with its creator as first instructor.
    public func create(_ draft: CourseDraft, createdBy: UUID) async throws -> Course {
        do {
            return try await database.withTransaction { connection in
                let row = try await connection.rows(
                    """
                    INSERT INTO courses AS c (slug, default_language, enrollment_mode, enrollment_key_hash, capacity, starts_at, ends_at,
                                              enrol_opens_at, enrol_closes_at, created_by)
                    VALUES (\(draft.slug), \(draft.defaultLanguage), \(draft.enrollmentMode.rawValue), \(draft.enrollmentKeyHash),
                            \(draft.capacity), \(draft.startsAt), \(draft.endsAt), \(draft.enrolOpensAt), \(draft.enrolClosesAt), \(createdBy))
                    RETURNING \(unescaped: Self.columns)
                    """,
                    as: Row.self
                )[0]
                try await Self.replaceTranslations(of: row.0, with: draft.translations, on: connection)
                try await connection.run(
                    "INSERT INTO course_instructors (course_id, user_id) VALUES (\(row.0), \(createdBy))"
                )
                return Self.course(row, translations: draft.translations)
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            throw AcademyError.conflict("A course with the slug \(draft.slug) already exists.")
        }
    }

    // The course, whether the caller ($2) teaches it, and its translations as parallel arrays in
    // language order.
    static let foundColumns = columns + """
        , ci.user_id IS NOT NULL,
            ARRAY(SELECT t.language FROM course_translations t WHERE t.course_id = c.id ORDER BY t.language),
            ARRAY(SELECT t.title FROM course_translations t WHERE t.course_id = c.id ORDER BY t.language),
            ARRAY(SELECT t.summary FROM course_translations t WHERE t.course_id = c.id ORDER BY t.language)
        """
    static let foundFrom = "FROM courses c LEFT JOIN course_instructors ci ON ci.course_id = c.id AND ci.user_id = $2"
    typealias FoundRow = (UUID, String, String, String, String, Bool, Int?, Date?, Date?, Date, Date, Date?, Date?, Bool, [String], [String], [String])

    static func found(_ row: FoundRow) -> (course: Course, relation: CourseRelation) {
        var translations: [String: CourseText] = [:]
        for (language, (title, summary)) in zip(row.14, zip(row.15, row.16)) {
            translations[language] = CourseText(title: title, summary: summary)
        }
        let course = Self.course((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12), translations: translations)
        return (course, relation(teaches: row.13))
    }

    /// The caller's relation to a course from `foundColumns`' `ci.user_id IS NOT NULL`.
    static func relation(teaches: Bool) -> CourseRelation {
        teaches ? .instructor : .stranger
    }

    /// What every access check starts with (prepared: every item read runs it).
    enum ByID: PreparedSQL {
        static let sql = "SELECT \(foundColumns) \(foundFrom) WHERE c.id = $1"
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid]
    }

    enum BySlug: PreparedSQL {
        static let sql = "SELECT \(foundColumns) \(foundFrom) WHERE c.slug = $1"
        static let parameterTypes: [PostgresDataType] = [.text, .uuid]
    }

    /// A course by id or slug, with the caller's relation to it.
    public func find(_ reference: CourseReference, for userID: UUID?) async throws -> (course: Course, relation: CourseRelation)? {
        let found: [FoundRow] = switch reference {
        case .id(let id): try await database.rows(ByID.self, PostgresBindings(id, userID), as: FoundRow.self)
        case .slug(let slug): try await database.rows(BySlug.self, PostgresBindings(slug, userID), as: FoundRow.self)
        }
        return found.first.map(Self.found)
    }

    /// Replaces the course's settings and all its translations.
    public func update(_ id: UUID, with draft: CourseDraft) async throws -> Course {
        do {
            return try await database.withTransaction { connection in
                let row = try await connection.rows(
                    """
                    UPDATE courses AS c SET slug = \(draft.slug), default_language = \(draft.defaultLanguage),
                        enrollment_mode = \(draft.enrollmentMode.rawValue),
                        enrollment_key_hash = COALESCE(\(draft.enrollmentKeyHash), enrollment_key_hash),
                        capacity = \(draft.capacity), starts_at = \(draft.startsAt), ends_at = \(draft.endsAt),
                        enrol_opens_at = \(draft.enrolOpensAt), enrol_closes_at = \(draft.enrolClosesAt), updated_at = now()
                    WHERE c.id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """,
                    as: Row.self
                )[0]
                try await Self.replaceTranslations(of: id, with: draft.translations, on: connection)
                return Self.course(row, translations: draft.translations)
            }
        } catch let error as PSQLError where error.isUniqueViolation {
            throw AcademyError.conflict("A course with the slug \(draft.slug) already exists.")
        }
    }

    /// Publishes, unpublishes or archives. Publishing needs at least one lesson.
    public func setStatus(_ id: UUID, to status: CourseStatus) async throws -> Course {
        return try await database.withTransaction { connection in
            try await connection.run("SELECT id FROM courses WHERE id = \(id) FOR UPDATE")
            let lessons = try await connection.rows(
                "SELECT count(*)::int FROM course_items WHERE course_id = \(id) AND kind = 'lesson'", as: Int.self
            )[0]
            try CourseRules.requirePublishable(status, lessonCount: lessons)
            let row = try await connection.rows(
                """
                UPDATE courses AS c SET status = \(status.rawValue), updated_at = now(),
                    published_at = CASE WHEN \(status.rawValue) = 'published' THEN COALESCE(published_at, now()) ELSE published_at END
                WHERE c.id = \(id) RETURNING \(unescaped: Self.columns)
                """,
                as: Row.self
            )[0]
            let translations = try await Self.translations(of: [id], on: connection)[id] ?? [:]
            return Self.course(row, translations: translations)
        }
    }

    /// The published catalogue, newest first, or, with a query, ranked by relevance in whichever
    /// of `languages` matches best (each translation is searched with its own language's stemmer).
    public func catalogue(query: String?, languages: [String], page: PageRequest) async throws -> Page<Course> {
        let afterKey = page.after?.sortKey
        let afterID = page.after?.id
        return try await database.withConnection { connection in
            let ranked: [(Row, String)]
            if let query {
                ranked = try await connection.rows(
                    """
                    WITH queries AS (
                        SELECT language, websearch_to_tsquery(academy_search_config(language), \(query)) AS query
                        FROM unnest(\(languages)::text[]) AS language
                    ), matches AS (
                        -- One GIN index scan per language, each with that language's stemmer.
                        SELECT t.course_id, max(ts_rank(t.search, q.query, 32)) AS rank
                        FROM queries q JOIN course_translations t ON t.language = q.language AND t.search @@ q.query
                        GROUP BY t.course_id
                    )
                    SELECT \(unescaped: Self.columns), to_char(m.rank, 'FM0.000000000')
                    FROM matches m JOIN courses c ON c.id = m.course_id
                    WHERE c.status = 'published'
                      AND (\(afterKey)::text IS NULL OR (to_char(m.rank, 'FM0.000000000'), c.id) < (\(afterKey)::text, \(afterID)::uuid))
                    ORDER BY to_char(m.rank, 'FM0.000000000') DESC, c.id DESC
                    LIMIT \(page.limit + 1)
                    """,
                    as: (UUID, String, String, String, String, Bool, Int?, Date?, Date?, Date, Date, Date?, Date?, String).self
                ).map { (($0.0, $0.1, $0.2, $0.3, $0.4, $0.5, $0.6, $0.7, $0.8, $0.9, $0.10, $0.11, $0.12), $0.13) }
            } else {
                ranked = try await connection.rows(
                    """
                    SELECT \(unescaped: Self.columns), to_char(c.published_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS')
                    FROM courses c
                    WHERE c.status = 'published'
                      AND (\(afterKey)::text IS NULL
                           OR (to_char(c.published_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS'), c.id) < (\(afterKey)::text, \(afterID)::uuid))
                    ORDER BY c.published_at DESC, c.id DESC
                    LIMIT \(page.limit + 1)
                    """,
                    as: (UUID, String, String, String, String, Bool, Int?, Date?, Date?, Date, Date, Date?, Date?, String).self
                ).map { (($0.0, $0.1, $0.2, $0.3, $0.4, $0.5, $0.6, $0.7, $0.8, $0.9, $0.10, $0.11, $0.12), $0.13) }
            }
            let translations = try await Self.translations(of: ranked.map(\.0.0), on: connection)
            let courses = ranked.map { (Self.course($0.0, translations: translations[$0.0.0] ?? [:]), $0.1) }
            let built = Page(rows: courses, request: page) { PageCursor(sortKey: $0.1, id: $0.0.id) }
            return Page(items: built.items.map(\.0), nextCursor: built.nextCursor)
        }
    }

    /// Every course the user teaches, whatever its status, newest first.
    public func taught(by userID: UUID, page: PageRequest) async throws -> Page<Course> {
        let afterKey = page.after?.sortKey
        let afterID = page.after?.id
        return try await database.withConnection { connection in
            let rows = try await connection.rows(
                """
                SELECT \(unescaped: Self.columns), to_char(c.created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS')
                FROM courses c JOIN course_instructors ci ON ci.course_id = c.id AND ci.user_id = \(userID)
                WHERE \(afterKey)::text IS NULL
                   OR (to_char(c.created_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MISSUS'), c.id) < (\(afterKey)::text, \(afterID)::uuid)
                ORDER BY c.created_at DESC, c.id DESC
                LIMIT \(page.limit + 1)
                """,
                as: (UUID, String, String, String, String, Bool, Int?, Date?, Date?, Date, Date, Date?, Date?, String).self
            )
            let translations = try await Self.translations(of: rows.map(\.0), on: connection)
            let courses = rows.map { row in
                (Self.course((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11, row.12), translations: translations[row.0] ?? [:]), row.13)
            }
            let built = Page(rows: courses, request: page) { PageCursor(sortKey: $0.1, id: $0.0.id) }
            return Page(items: built.items.map(\.0), nextCursor: built.nextCursor)
        }
    }

    /// The stored hash of a course's enrolment key, to verify a student's key against.
    public func enrollmentKeyHash(of courseID: UUID) async throws -> String? {
        return try await database.rows(
            "SELECT enrollment_key_hash FROM courses WHERE id = \(courseID)", as: String?.self
        ).first ?? nil
    }

    /// Every course by slug, for the CLI.
    public func all(includingUnpublished: Bool) async throws -> [Course] {
        return try await database.withConnection { connection in
            let rows = try await connection.rows(
                "SELECT \(unescaped: Self.columns) FROM courses c WHERE \(includingUnpublished) OR c.status = 'published' ORDER BY c.slug",
                as: Row.self
            )
            let translations = try await Self.translations(of: rows.map(\.0), on: connection)
            return rows.map { Self.course($0, translations: translations[$0.0] ?? [:]) }
        }
    }

    public func instructors(of courseID: UUID) async throws -> [User] {
        return try await database.rows(
            """
            SELECT \(unescaped: UserRepository.columns) FROM users
            WHERE id IN (SELECT user_id FROM course_instructors WHERE course_id = \(courseID))
            ORDER BY display_name COLLATE "und-x-icu", id
            """,
            as: UserRepository.Row.self
        ).map(UserRepository.user)
    }

    /// Adds a co-instructor; the user must be an instructor or admin.
    public func addInstructor(_ userID: UUID, to courseID: UUID) async throws -> User {
        return try await database.withTransaction { connection in
            guard let user = try await connection.rows(
                "SELECT \(unescaped: UserRepository.columns) FROM users WHERE id = \(userID) AND NOT disabled",
                as: UserRepository.Row.self
            ).first.map(UserRepository.user) else {
                throw AcademyError.validationFailed([FieldError(field: "user_id", message: "is not an active account")])
            }
            try CourseRules.requireCanTeach(user.role)
            let inserted = try await connection.rows(
                "INSERT INTO course_instructors (course_id, user_id) VALUES (\(courseID), \(userID)) ON CONFLICT DO NOTHING RETURNING user_id",
                as: UUID.self
            )
            guard !inserted.isEmpty else { throw AcademyError.conflict("\(user.email) already teaches this course.") }
            return user
        }
    }

    static func translations(of courseIDs: [UUID], on connection: DatabaseConnection) async throws -> [UUID: [String: CourseText]] {
        guard !courseIDs.isEmpty else { return [:] }
        var result: [UUID: [String: CourseText]] = [:]
        for (courseID, language, title, summary) in try await connection.rows(
            "SELECT course_id, language, title, summary FROM course_translations WHERE course_id = ANY(\(courseIDs))",
            as: (UUID, String, String, String).self
        ) {
            result[courseID, default: [:]][language] = CourseText(title: title, summary: summary)
        }
        return result
    }

    static func replaceTranslations(of courseID: UUID, with translations: [String: CourseText], on connection: DatabaseConnection) async throws {
        try await connection.run("DELETE FROM course_translations WHERE course_id = \(courseID)")
        for (language, text) in translations {
            try await connection.run(
                "INSERT INTO course_translations (course_id, language, title, summary) VALUES (\(courseID), \(language), \(text.title), \(text.summary))"
            )
        }
    }
}
