public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// JSON as quizzes keep it in jsonb columns: snake_case keys, RFC 3339 dates.
enum QuizJSON {
    // One of each, configured once and shared (both are thread-safe): every start, save and
    // submit encodes or decodes a plan, an answer or a result.
    private static let encoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let decoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from text: String) throws -> Value {
        try decoder.decode(type, from: Data(text.utf8))
    }
}

public struct QuizRepository: Sendable {
    let database: Database
    let contents = QuizContentCache()

    public init(database: Database) {
        self.database = database
    }

    static let quizColumns = """
        i.id, i.course_id, i.module_id, i.position, i.release_at, i.requires_previous, i.key, q.settings::text, v.content::text, q.current_version
        """
    static let quizFrom = """
        FROM quizzes q JOIN course_items i ON i.id = q.id JOIN quiz_versions v ON v.quiz_id = q.id AND v.version = q.current_version
        """
    typealias QuizRow = (UUID, UUID, UUID, Int, Date?, Bool, String?, String, String, Int)

    static func quiz(_ row: QuizRow) throws -> StoredQuiz {
        StoredQuiz(
            id: row.0, courseID: row.1, moduleID: row.2, position: row.3, releaseAt: row.4, requiresPrevious: row.5, key: row.6,
            settings: try QuizJSON.decode(QuizSettings.self, from: row.7), content: try QuizJSON.decode(QuizContent.self, from: row.8), version: row.9
        )
    }

    public func create(in module: CourseModule, position: Int?, releaseAt: Date?, requiresPrevious: Bool, settings: QuizSettings, content: QuizContent) async throws -> StoredQuiz {
        return try await database.withTransaction { connection in
            let (id, _, _) = try await CourseContentRepository.insertItem(
                kind: "quiz", in: module, position: position, releaseAt: releaseAt, requiresPrevious: requiresPrevious,
                on: connection
            )
            try await Self.insertQuiz(id, settings: settings, content: content, on: connection)
            return try Self.quiz(try await connection.rows(
                "SELECT \(unescaped: Self.quizColumns) \(unescaped: Self.quizFrom) WHERE q.id = \(id)", as: QuizRow.self
            )[0])
        }
    }

    /// The quiz rows of the course item `id`, its content as version 1.
    /// A quiz whose results open at a moment (after its close) is unsettled until the sweeper
    /// has settled its students once that moment has passed.
    static func insertQuiz(_ id: UUID, settings: QuizSettings, content: QuizContent, on connection: DatabaseConnection) async throws {
        let visibleFrom = QuizRules.resultsVisibleFrom(settings)
        try await connection.run(
            """
            INSERT INTO quizzes (id, settings, results_visible_from, results_settled)
            VALUES (\(id), \(try QuizJSON.encode(settings))::jsonb, \(visibleFrom), \(visibleFrom == nil || visibleFrom == .distantPast))
            """
        )
        try await connection.run(
            "INSERT INTO quiz_versions (quiz_id, version, content) VALUES (\(id), 1, \(try QuizJSON.encode(content))::jsonb)"
        )
    }

    /// Stores when the quiz's results become visible (`QuizRules.resultsVisibleFrom`), after its
    /// settings or an override changed. When that moment moves, the quiz is marked unsettled,
    /// so that the sweeper settles its students' enrolments once it has passed.
    static func storeResultsVisibility(of id: UUID, on connection: DatabaseConnection) async throws {
        let (settingsText, latestExtendedClose) = try await connection.rows(
            "SELECT settings::text, (SELECT max(closes_at) FROM quiz_overrides WHERE quiz_id = \(id)) FROM quizzes WHERE id = \(id) FOR UPDATE",
            as: (String, Date?).self
        )[0]
        let settings = try QuizJSON.decode(QuizSettings.self, from: settingsText)
        let visibleFrom = QuizRules.resultsVisibleFrom(settings, latestExtendedClose: latestExtendedClose)
        try await connection.run(
            """
            UPDATE quizzes SET results_visible_from = \(visibleFrom), results_settled = false
            WHERE id = \(id) AND results_visible_from IS DISTINCT FROM \(visibleFrom)
            """
        )
    }

    /// New settings, and new content as a new version only when it differs from the current one
    /// (compared as jsonb): attempts keep the version they started with. The quiz row is locked
    /// first, so two simultaneous edits make two versions rather than one failing.
    static func storeRevision(of id: UUID, settings: QuizSettings, content: QuizContent, on connection: DatabaseConnection) async throws {
        let contentJSON = try QuizJSON.encode(content)
        try await connection.run("SELECT 1 FROM quizzes WHERE id = \(id) FOR UPDATE")
        let newVersion = try await connection.rows(
            """
            INSERT INTO quiz_versions (quiz_id, version, content)
            SELECT q.id, q.current_version + 1, \(contentJSON)::jsonb
            FROM quizzes q JOIN quiz_versions v ON v.quiz_id = q.id AND v.version = q.current_version
            WHERE q.id = \(id) AND v.content <> \(contentJSON)::jsonb
            RETURNING version
            """,
            as: Int.self
        ).first
        try await connection.run(
            """
            UPDATE quizzes SET settings = \(try QuizJSON.encode(settings))::jsonb, current_version = COALESCE(\(newVersion), current_version)
            WHERE id = \(id)
            """
        )
        try await storeResultsVisibility(of: id, on: connection)
    }

    /// A quiz with its current content. The content comes from the cache when it holds the current
    /// version; only otherwise does the query read (and this instance decode) it.
    public func find(_ id: UUID) async throws -> StoredQuiz? {
        let cached = contents.newest(of: id)
        guard let row = try await database.rows(ByID.self, PostgresBindings(id, cached?.version), as: ByIDRow.self).first else {
            return nil
        }
        return try storedQuiz(row, cached: cached)
    }

    /// A quiz, the standing of the caller ($2) in its course and the caller's override of it, in
    /// one round trip: a quiz start needs all three, and a student's quiz page the first two.
    public func findWithStanding(
        _ id: UUID, of userID: UUID?
    ) async throws -> (quiz: StoredQuiz, standing: CourseStanding, override: QuizOverride?)? {
        let cached = contents.newest(of: id)
        guard let row = try await database.undecodedRows(ByIDWithStanding.self, PostgresBindings(id, userID, cached?.version)).first else {
            return nil
        }
        var columns = ColumnReader(row)
        guard let quiz = try storedQuiz(try columns.read(ByIDRow.self), cached: cached) else { return nil }
        let (hasOverride, timeLimitSeconds, maxAttempts, closesAt) = try columns.read((Bool, Int?, Int?, Date?).self)
        let override = hasOverride ? QuizOverride(timeLimitSeconds: timeLimitSeconds, maxAttempts: maxAttempts, closesAt: closesAt) : nil
        return (quiz, CourseRepository.standing(try columns.read(CourseRepository.StandingRow.self)), override)
    }

    typealias ByIDRow = (UUID, UUID, UUID, Int, Date?, Bool, String?, String, String?, Int)

    /// The quiz of a `byIDColumns` row: its content decoded from the row when the row holds it
    /// (and then cached), else the cached one; nil when neither has the current version.
    private func storedQuiz(_ row: ByIDRow, cached: (version: Int, content: QuizContent)?) throws -> StoredQuiz? {
        let content: QuizContent
        if let text = row.8 {
            content = try QuizJSON.decode(QuizContent.self, from: text)
            contents.store(content, of: row.0, version: row.9)
        } else if let cached, cached.version == row.9 {
            content = cached.content
        } else {
            return nil
        }
        return StoredQuiz(
            id: row.0, courseID: row.1, moduleID: row.2, position: row.3, releaseAt: row.4, requiresPrevious: row.5, key: row.6,
            settings: try contents.settings(of: row.0, decodedFrom: row.7) { try QuizJSON.decode(QuizSettings.self, from: $0) },
            content: content, version: row.9
        )
    }

    /// The columns of a quiz (`q`, `i`), its content only when its current version is not
    /// `cachedVersion` (an SQL expression).
    static func byIDColumns(cachedVersion: String) -> String {
        """
        i.id, i.course_id, i.module_id, i.position, i.release_at, i.requires_previous, i.key, q.settings::text,
            CASE WHEN q.current_version = \(cachedVersion) THEN NULL
                 ELSE (SELECT v.content::text FROM quiz_versions v WHERE v.quiz_id = q.id AND v.version = q.current_version)
            END,
            q.current_version
        """
    }

    /// The quiz ($1) with its content unless its current version is the one cached ($2).
    enum ByID: PreparedSQL {
        static let sql = "SELECT \(byIDColumns(cachedVersion: "$2")) FROM quizzes q JOIN course_items i ON i.id = q.id WHERE q.id = $1"
        static let parameterTypes: [PostgresDataType] = [.uuid, .int8]
    }

    /// The quiz ($1) as `ByID` reads it (the cached version is $3), whether the caller ($2) has
    /// an override and its fields, then the caller's standing in the quiz's course.
    enum ByIDWithStanding: PreparedSQL {
        static let sql = """
            SELECT \(byIDColumns(cachedVersion: "$3")),
                o.quiz_id IS NOT NULL, o.time_limit_seconds, o.max_attempts, o.closes_at,
                s.*
            FROM quizzes q JOIN course_items i ON i.id = q.id
            LEFT JOIN quiz_overrides o ON o.quiz_id = q.id AND o.user_id = $2
            CROSS JOIN LATERAL (\(CourseRepository.standingSQL(course: "i.course_id"))) s
            WHERE q.id = $1
            """
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid, .int8]
    }

    public func quizzes(of courseID: UUID) async throws -> [StoredQuiz] {
        return try await database.rows(
            """
            SELECT \(unescaped: Self.quizColumns) \(unescaped: Self.quizFrom) JOIN course_modules m ON m.id = i.module_id
            WHERE i.course_id = \(courseID) ORDER BY m.position, i.position
            """,
            as: QuizRow.self
        ).map(Self.quiz)
    }

    /// The content `attempt` started with: the quiz's current content, already loaded, unless
    /// the quiz was edited since (most saves and submits need no query here).
    public func content(for attempt: QuizAttempt, of quiz: StoredQuiz) async throws -> QuizContent {
        if attempt.version == quiz.version { return quiz.content }
        guard let content = try await content(of: quiz.id, version: attempt.version) else {
            throw AcademyError.notFound("The quiz's content is missing.")
        }
        return content
    }

    /// The content of one version of a quiz.
    public func content(of quizID: UUID, version: Int) async throws -> QuizContent? {
        if let cached = contents.content(of: quizID, version: version) { return cached }
        guard let text = try await database.rows(
            "SELECT content::text FROM quiz_versions WHERE quiz_id = \(quizID) AND version = \(version)", as: String.self
        ).first else { return nil }
        let content = try QuizJSON.decode(QuizContent.self, from: text)
        contents.store(content, of: quizID, version: version)
        return content
    }

    /// New settings, and new content as a new version when it changed: attempts keep theirs.
    public func update(_ quiz: StoredQuiz, settings: QuizSettings, content: QuizContent, releaseAt: Date?, requiresPrevious: Bool) async throws -> StoredQuiz {
        return try await database.withTransaction { connection in
            try await connection.run(
                """
                UPDATE course_items SET release_at = \(releaseAt), requires_previous = \(requiresPrevious), updated_at = now(),
                    calendar_sequence = calendar_sequence + 1
                WHERE id = \(quiz.id)
                """
            )
            try await Self.storeRevision(of: quiz.id, settings: settings, content: content, on: connection)
            return try Self.quiz(try await connection.rows(
                "SELECT \(unescaped: Self.quizColumns) \(unescaped: Self.quizFrom) WHERE q.id = \(quiz.id)", as: QuizRow.self
            )[0])
        }
    }

    public func delete(_ quiz: StoredQuiz) async throws {
        try await CourseContentRepository.deleteItem(quiz.id, at: quiz.position, in: quiz.moduleID, from: database)
    }

    // MARK: Overrides

    /// The latest close date any student's override gives this quiz (nil: none does).
    public func latestOverrideClose(quizID: UUID) async throws -> Date? {
        return try await database.rows(
            "SELECT max(closes_at) FROM quiz_overrides WHERE quiz_id = \(quizID)", as: Date?.self
        )[0]
    }

    /// Every student's accommodations on this quiz, by name: few per quiz, so not paged.
    public func overrides(quizID: UUID) async throws -> [(userID: UUID, email: String, displayName: String, override: QuizOverride)] {
        try await database.rows(
            """
            SELECT u.id, u.email, u.display_name, o.time_limit_seconds, o.max_attempts, o.closes_at
            FROM quiz_overrides o JOIN users u ON u.id = o.user_id
            WHERE o.quiz_id = \(quizID) ORDER BY u.display_name, u.email LIMIT 1000
            """,
            as: (UUID, String, String, Int?, Int?, Date?).self
        ).map { (userID: $0.0, email: $0.1, displayName: $0.2, override: QuizOverride(timeLimitSeconds: $0.3, maxAttempts: $0.4, closesAt: $0.5)) }
    }

    public func setOverride(_ override: QuizOverride, quizID: UUID, userID: UUID) async throws {
        try await database.withTransaction { connection in
            try await connection.run(
                """
                INSERT INTO quiz_overrides (quiz_id, user_id, time_limit_seconds, max_attempts, closes_at)
                VALUES (\(quizID), \(userID), \(override.timeLimitSeconds), \(override.maxAttempts), \(override.closesAt))
                ON CONFLICT (quiz_id, user_id) DO UPDATE SET time_limit_seconds = EXCLUDED.time_limit_seconds,
                    max_attempts = EXCLUDED.max_attempts, closes_at = EXCLUDED.closes_at
                """
            )
            try await Self.storeResultsVisibility(of: quizID, on: connection)
        }
    }

    public func deleteOverride(quizID: UUID, userID: UUID) async throws -> Bool {
        try await database.withTransaction { connection in
            let deleted = !(try await connection.rows(
                "DELETE FROM quiz_overrides WHERE quiz_id = \(quizID) AND user_id = \(userID) RETURNING user_id", as: UUID.self
            ).isEmpty)
            try await Self.storeResultsVisibility(of: quizID, on: connection)
            return deleted
        }
    }

    /// Quizzes whose results became visible since their students' enrolments were last settled,
    /// with the moment they became visible.
    public func quizzesWithNewlyVisibleResults() async throws -> [(quizID: UUID, visibleFrom: Date)] {
        try await database.rows(
            "SELECT id, results_visible_from FROM quizzes WHERE NOT results_settled AND results_visible_from <= now()",
            as: (UUID, Date).self
        ).map { (quizID: $0.0, visibleFrom: $0.1) }
    }

    /// Marks the quiz settled, unless its results moment changed meanwhile.
    public func markResultsSettled(_ quizID: UUID, visibleFrom: Date) async throws {
        try await database.run(
            "UPDATE quizzes SET results_settled = true WHERE id = \(quizID) AND results_visible_from = \(visibleFrom)"
        )
    }
}
