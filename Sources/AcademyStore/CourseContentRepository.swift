public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// Modules and lessons of courses. Positions are kept gapless (1, 2, 3 …) per course for modules
/// and per module for items; the unique constraints on them are deferred to the end of each
/// transaction, so shifting a run of positions by one never trips over itself.
public struct CourseContentRepository: Sendable {
    let database: Database
    /// Shared by the copies of this repository, so one per instance of the app.
    let lessonCache = LessonCache()

    public init(database: Database) {
        self.database = database
    }

    // MARK: Modules

    public func modules(of courseID: UUID) async throws -> [CourseModule] {
        return try await database.withConnection { connection in
            let rows = try await connection.rows(
                "SELECT id, position, key FROM course_modules WHERE course_id = \(courseID) ORDER BY position",
                as: (UUID, Int, String?).self
            )
            let titles = try await Self.moduleTitles(of: rows.map(\.0), on: connection)
            return rows.map { CourseModule(id: $0.0, courseID: courseID, position: $0.1, titles: titles[$0.0] ?? [:], key: $0.2) }
        }
    }

    public func module(_ id: UUID) async throws -> CourseModule? {
        return try await database.withConnection { connection in
            guard let row = try await connection.rows(
                "SELECT id, course_id, position, key FROM course_modules WHERE id = \(id)", as: (UUID, UUID, Int, String?).self
            ).first else { return nil }
            let titles = try await Self.moduleTitles(of: [id], on: connection)
            return CourseModule(id: row.0, courseID: row.1, position: row.2, titles: titles[id] ?? [:], key: row.3)
        }
    }

    public func createModule(in courseID: UUID, position: Int?, titles: [String: String]) async throws -> CourseModule {
        return try await database.withTransaction { connection in
            let count = try await connection.rows(
                "SELECT count(*)::int FROM course_modules WHERE course_id = \(courseID)", as: Int.self
            )[0]
            let target = placement(requested: position, count: count)
            try await connection.run(
                "UPDATE course_modules SET position = position + 1 WHERE course_id = \(courseID) AND position >= \(target)"
            )
            let id = try await connection.rows(
                "INSERT INTO course_modules (course_id, position) VALUES (\(courseID), \(target)) RETURNING id",
                as: UUID.self
            )[0]
            try await Self.replaceModuleTitles(of: id, with: titles, on: connection)
            return CourseModule(id: id, courseID: courseID, position: target, titles: titles)
        }
    }

    /// Moves the module and/or replaces its titles.
    public func updateModule(_ module: CourseModule, position: Int?, titles: [String: String]?) async throws -> CourseModule {
        return try await database.withTransaction { connection in
            var updated = module
            if let position {
                let count = try await connection.rows(
                    "SELECT count(*)::int FROM course_modules WHERE course_id = \(module.courseID)", as: Int.self
                )[0]
                let target = placement(requested: position, count: count - 1)
                try await connection.run(
                    """
                    UPDATE course_modules SET position = CASE
                        WHEN id = \(module.id) THEN \(target)
                        WHEN \(target) < \(module.position) AND position >= \(target) AND position < \(module.position) THEN position + 1
                        WHEN \(target) > \(module.position) AND position <= \(target) AND position > \(module.position) THEN position - 1
                        ELSE position END
                    WHERE course_id = \(module.courseID)
                    """
                )
                updated.position = target
            }
            if let titles {
                try await Self.replaceModuleTitles(of: module.id, with: titles, on: connection)
                updated.titles = titles
            }
            return updated
        }
    }

    /// Deletes an empty module; one that still holds items is refused, so no lesson disappears
    /// with it by accident.
    public func deleteModule(_ module: CourseModule) async throws {
        try await database.withTransaction { connection in
            let items = try await connection.rows(
                "SELECT count(*)::int FROM course_items WHERE module_id = \(module.id)", as: Int.self
            )[0]
            try CourseRules.requireDeletable(moduleHolding: items)
            try await connection.run("DELETE FROM course_modules WHERE id = \(module.id)")
            try await connection.run(
                "UPDATE course_modules SET position = position - 1 WHERE course_id = \(module.courseID) AND position > \(module.position)"
            )
        }
    }

    /// Gives modules and lessons made through the API the stable keys a course folder needs:
    /// `module-N` by position, `NN-lesson`, `NN-quiz` or `NN-live-session` by the item's place in the course, skipping keys
    /// already taken. Done once, in one transaction; the keys stay from then on.
    public func assignMissingKeys(of courseID: UUID) async throws {
        try await database.withTransaction { connection in
            let existingModuleKeys: [String] = try await connection.rows(
                "SELECT key FROM course_modules WHERE course_id = \(courseID) AND key IS NOT NULL", as: String.self
            )
            var moduleKeys = Set(existingModuleKeys)
            for (id, position) in try await connection.rows(
                "SELECT id, position FROM course_modules WHERE course_id = \(courseID) AND key IS NULL ORDER BY position",
                as: (UUID, Int).self
            ) {
                let key = Self.firstFree("module-\(position)", in: moduleKeys)
                moduleKeys.insert(key)
                try await connection.run("UPDATE course_modules SET key = \(key) WHERE id = \(id)")
            }
            let items = try await connection.rows(
                """
                SELECT i.id, i.key, i.kind FROM course_items i JOIN course_modules m ON m.id = i.module_id
                WHERE i.course_id = \(courseID) ORDER BY m.position, i.position
                """,
                as: (UUID, String?, String).self
            )
            var itemKeys = Set(items.compactMap(\.1))
            for (index, (id, key, kind)) in items.enumerated() where key == nil {
                // Keys are slugs: `live_session` becomes `live-session`.
                let assigned = Self.firstFree(String(format: "%02d-", index + 1) + kind.replacingOccurrences(of: "_", with: "-"), in: itemKeys)
                itemKeys.insert(assigned)
                try await connection.run("UPDATE course_items SET key = \(assigned) WHERE id = \(id)")
            }
        }
    }

    static func firstFree(_ key: String, in taken: Set<String>) -> String {
        var candidate = key
        var suffix = 2
        while taken.contains(candidate) {
            candidate = "\(key)-\(suffix)"
            suffix += 1
        }
        return candidate
    }

    /// The titles of item `i` by language, as a jsonb object, whatever its kind.
    static let itemTitlesSQL = """
        COALESCE(CASE i.kind
            WHEN 'lesson' THEN (SELECT jsonb_object_agg(t.language, t.title) FROM lesson_translations t WHERE t.lesson_id = i.id)
            WHEN 'live_session' THEN (SELECT jsonb_object_agg(t.language, t.title) FROM live_session_translations t WHERE t.session_id = i.id)
            ELSE (SELECT jsonb_object_agg(e.key, e.value->>'title')
                  FROM quizzes q JOIN quiz_versions v ON v.quiz_id = q.id AND v.version = q.current_version,
                       jsonb_each(v.content->'translations') e
                  WHERE q.id = i.id)
        END, '{}')
        """

    /// The course's lessons, quizzes and live sessions in course order, with their titles in every language:
    /// one query for the outline, which shows them.
    public func items(of courseID: UUID) async throws -> [CourseItem] {
        return try await database.rows(
            """
            SELECT i.id, i.kind, i.module_id, i.position, i.release_at, i.requires_previous, \(unescaped: Self.itemTitlesSQL)::text
            FROM course_items i JOIN course_modules m ON m.id = i.module_id
            WHERE i.course_id = \(courseID)
            ORDER BY m.position, i.position
            """,
            as: (UUID, String, UUID, Int, Date?, Bool, String).self
        ).map { row in
            CourseItem(
                id: row.0, kind: CourseItem.Kind(rawValue: row.1) ?? .lesson, moduleID: row.2, position: row.3,
                releaseAt: row.4, requiresPrevious: row.5, titles: try JSONDecoder().decode([String: String].self, from: Data(row.6.utf8))
            )
        }
    }

    // MARK: Lessons

    /// One lesson with its texts (as parallel arrays from one pass over them), in one prepared
    /// query: every lesson read starts here.
    public func lesson(_ id: UUID) async throws -> Lesson? {
        try await database.rows(LessonByID.self, PostgresBindings(id), as: LessonRow.self).first.map(Self.lesson)
    }

    /// A lesson with its files (in upload order) and the standing of the caller ($2) in its
    /// course, in one round trip: a student's lesson read (the request of the day) paid one for
    /// the lesson, one for its files and one for the course. A lesson this instance has read
    /// before costs only a smaller query, the caller's standing with the course's content version
    /// (`LessonCache`); one read afresh, or changed since, the whole one (a second round trip).
    public func lessonWithStanding(
        _ id: UUID, of userID: UUID?
    ) async throws -> (lesson: Lesson, attachments: [Attachment], standing: CourseStanding)? {
        if let kept = lessonCache.entry(for: id) {
            let bindings = PostgresBindings(id, userID)
            guard let row = try await database.rows(StandingOfLesson.self, bindings, as: StandingOfLessonRow.self).first else {
                return nil
            }
            let (contentVersion, teaches) = (row.0, row.1)
            if contentVersion == kept.contentVersion {
                let enrollment = EnrollmentRepository.enrollmentWithDone((row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9))
                let standing = CourseStanding(
                    course: kept.course, relation: CourseRepository.relation(teaches: teaches), enrollment: enrollment,
                    schedule: kept.schedule, contentVersion: contentVersion
                )
                return (kept.lesson, kept.attachments, standing)
            }
        }
        guard let row = try await database.undecodedRows(LessonWithStanding.self, PostgresBindings(id, userID)).first else {
            return nil
        }
        var columns = ColumnReader(row)
        let lesson = Self.lesson(try columns.read(LessonRow.self))
        let (ids, sha256s, filenames, contentTypes, sizes, created) = try columns.read(([UUID], [String], [String], [String], [Int], [Date]).self)
        let attachments = ids.indices.map { index in
            Attachment(
                id: ids[index], lessonID: lesson.id, sha256: sha256s[index], filename: filenames[index],
                contentType: contentTypes[index], size: sizes[index], createdAt: created[index]
            )
        }
        let standing = CourseRepository.standing(try columns.read(CourseRepository.StandingRow.self))
        lessonCache.store(LessonCache.Entry(
            contentVersion: standing.contentVersion, lesson: lesson, attachments: attachments, course: standing.course, schedule: standing.schedule
        ))
        return (lesson, attachments, standing)
    }

    /// `lessonSQL`'s lesson columns: the item, then its texts as parallel arrays by language.
    typealias LessonRow = (UUID, UUID, UUID, Int, Date?, Bool, Date, String?, [String], [String], [String], [String])

    private static func lesson(_ row: LessonRow) -> Lesson {
        let (id, courseID, moduleID, position, releaseAt, requiresPrevious, updatedAt, key, languages, titles, markdowns, htmls) = row
        var texts: [String: LessonText] = [:]
        for (index, language) in languages.enumerated() {
            texts[language] = LessonText(title: titles[index], bodyMarkdown: markdowns[index], bodyHTML: htmls[index])
        }
        return Lesson(
            id: id, courseID: courseID, moduleID: moduleID, position: position, releaseAt: releaseAt, requiresPrevious: requiresPrevious,
            translations: texts, updatedAt: updatedAt, key: key
        )
    }

    /// The lesson row and its texts; for a reader, its files too (in upload order), then the
    /// standing of the caller ($2) in its course (`CourseRepository.standingSQL`).
    static func lessonSQL(forReader: Bool) -> String {
        """
        SELECT i.id, i.course_id, i.module_id, i.position, i.release_at, i.requires_previous, i.updated_at, i.key,
            COALESCE(t.languages, '{}'), COALESCE(t.titles, '{}'), COALESCE(t.markdowns, '{}'), COALESCE(t.htmls, '{}')\(forReader ? """
            ,
                COALESCE(a.ids, '{}'), COALESCE(a.sha256s, '{}'), COALESCE(a.filenames, '{}'), COALESCE(a.content_types, '{}'),
                COALESCE(a.sizes, '{}'), COALESCE(a.created, '{}'), s.*
            """ : "")
        FROM course_items i
        LEFT JOIN LATERAL (
            SELECT array_agg(language ORDER BY language) AS languages, array_agg(title ORDER BY language) AS titles,
                array_agg(body_markdown ORDER BY language) AS markdowns, array_agg(body_html ORDER BY language) AS htmls
            FROM lesson_translations WHERE lesson_id = i.id
        ) t ON true\(forReader ? """

            LEFT JOIN LATERAL (
                SELECT array_agg(id ORDER BY created_at, id) AS ids, array_agg(sha256 ORDER BY created_at, id) AS sha256s,
                    array_agg(filename ORDER BY created_at, id) AS filenames, array_agg(content_type ORDER BY created_at, id) AS content_types,
                    array_agg(size ORDER BY created_at, id) AS sizes, array_agg(created_at ORDER BY created_at, id) AS created
                FROM lesson_attachments WHERE lesson_id = i.id
            ) a ON true
            CROSS JOIN LATERAL (\(CourseRepository.standingSQL(course: "i.course_id"))) s
            """ : "")
        WHERE i.id = $1 AND i.kind = 'lesson'
        """
    }

    enum LessonByID: PreparedSQL {
        static let sql = lessonSQL(forReader: false)
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    enum LessonWithStanding: PreparedSQL {
        static let sql = lessonSQL(forReader: true)
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid]
    }

    /// What a kept lesson (`LessonCache`) still needs: its course's content version, and the
    /// caller's ($2) relation to the course (`CourseRepository.foundColumns`) and enrolment with
    /// what they have done (`EnrollmentRepository.columnsWithDone`).
    enum StandingOfLesson: PreparedSQL {
        static let sql = """
            SELECT c.content_version, ci.user_id IS NOT NULL, \(EnrollmentRepository.columnsWithDone)
            FROM course_items i JOIN courses c ON c.id = i.course_id
            LEFT JOIN course_instructors ci ON ci.course_id = c.id AND ci.user_id = $2
            LEFT JOIN enrollments e ON e.course_id = c.id AND e.user_id = $2
            WHERE i.id = $1 AND i.kind = 'lesson'
            """
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid]
    }

    typealias StandingOfLessonRow = (Int64, Bool, UUID?, UUID?, UUID?, String?, Date?, Date?, Date?, [UUID]?)

    public func lessons(of courseID: UUID) async throws -> [Lesson] {
        return try await database.withConnection { connection in
            let rows = try await connection.rows(
                """
                SELECT i.id, i.course_id, i.module_id, i.position, i.release_at, i.requires_previous, i.updated_at, i.key
                FROM course_items i JOIN course_modules m ON m.id = i.module_id
                WHERE i.kind = 'lesson' AND i.course_id = \(courseID)
                ORDER BY m.position, i.position
                """,
                as: (UUID, UUID, UUID, Int, Date?, Bool, Date, String?).self
            )
            guard !rows.isEmpty else { return [] }
            var texts: [UUID: [String: LessonText]] = [:]
            for (lessonID, language, title, markdown, html) in try await connection.rows(
                "SELECT lesson_id, language, title, body_markdown, body_html FROM lesson_translations WHERE lesson_id = ANY(\(rows.map(\.0)))",
                as: (UUID, String, String, String, String).self
            ) {
                texts[lessonID, default: [:]][language] = LessonText(title: title, bodyMarkdown: markdown, bodyHTML: html)
            }
            return rows.map {
                Lesson(id: $0.0, courseID: $0.1, moduleID: $0.2, position: $0.3, releaseAt: $0.4, requiresPrevious: $0.5, translations: texts[$0.0] ?? [:], updatedAt: $0.6, key: $0.7)
            }
        }
    }

    /// Creates a lesson (with the attachments its upload brought, already on disk) in one transaction.
    public func createLesson(
        in module: CourseModule, position: Int?, releaseAt: Date?, requiresPrevious: Bool, translations: [String: LessonText],
        attachments: [PendingAttachment] = []
    ) async throws -> Lesson {
        return try await database.withTransaction { connection in
            let (id, target, updatedAt) = try await Self.insertItem(
                kind: "lesson", in: module, position: position, releaseAt: releaseAt, requiresPrevious: requiresPrevious,
                on: connection
            )
            try await Self.replaceLessonTexts(of: id, with: translations, on: connection)
            for attachment in attachments {
                try await AttachmentRepository.record(attachment, lessonID: id, on: connection)
            }
            return Lesson(id: id, courseID: module.courseID, moduleID: module.id, position: target, releaseAt: releaseAt, requiresPrevious: requiresPrevious, translations: translations, updatedAt: updatedAt)
        }
    }

    /// Replaces a lesson's settings and translations; a new module or position moves it, closing
    /// the gap it leaves.
    public func updateLesson(_ lesson: Lesson, to target: CourseModule, position: Int?, releaseAt: Date?, requiresPrevious: Bool, translations: [String: LessonText]) async throws -> Lesson {
        return try await database.withTransaction { connection in
            var updated = lesson
            if let place = try await Self.moveItem(lesson.id, from: lesson.moduleID, at: lesson.position, to: target, position: position, on: connection) {
                updated.moduleID = target.id
                updated.position = place
            }
            updated.updatedAt = try await connection.rows(
                """
                UPDATE course_items SET release_at = \(releaseAt), requires_previous = \(requiresPrevious), updated_at = now()
                WHERE id = \(lesson.id) RETURNING updated_at
                """,
                as: Date.self
            )[0]
            try await Self.replaceLessonTexts(of: lesson.id, with: translations, on: connection)
            updated.releaseAt = releaseAt
            updated.requiresPrevious = requiresPrevious
            updated.translations = translations
            return updated
        }
    }

    public func deleteLesson(_ lesson: Lesson) async throws {
        try await Self.deleteItem(lesson.id, at: lesson.position, in: lesson.moduleID, from: database)
    }

    /// Deletes a lesson, quiz or live session (what hangs on it goes with it) and closes the gap
    /// it leaves in its module.
    static func deleteItem(_ id: UUID, at position: Int, in moduleID: UUID, from database: Database) async throws {
        try await database.withTransaction { connection in
            try await connection.run("DELETE FROM course_items WHERE id = \(id)")
            try await closeGap(after: position, in: moduleID, on: connection)
        }
    }

    /// A new lesson or quiz at `position` in its module (the end when nil), making room after it.
    static func insertItem(
        kind: String, in module: CourseModule, position: Int?, releaseAt: Date?, requiresPrevious: Bool,
        on connection: DatabaseConnection
    ) async throws -> (id: UUID, position: Int, updatedAt: Date) {
        let count = try await connection.rows(
            "SELECT count(*)::int FROM course_items WHERE module_id = \(module.id)", as: Int.self
        )[0]
        let target = placement(requested: position, count: count)
        try await connection.run(
            "UPDATE course_items SET position = position + 1 WHERE module_id = \(module.id) AND position >= \(target)"
        )
        let (id, updatedAt) = try await connection.rows(
            """
            INSERT INTO course_items (course_id, module_id, kind, position, release_at, requires_previous)
            VALUES (\(module.courseID), \(module.id), \(kind), \(target), \(releaseAt), \(requiresPrevious))
            RETURNING id, updated_at
            """,
            as: (UUID, Date).self
        )[0]
        return (id, target, updatedAt)
    }

    /// Moves an item to `position` in `target` (the end when nil) when that changes its place,
    /// closing the gap it leaves; returns its new position, nil when it stayed.
    @discardableResult
    static func moveItem(
        _ id: UUID, from moduleID: UUID, at current: Int, to target: CourseModule, position: Int?, on connection: DatabaseConnection
    ) async throws -> Int? {
        guard target.id != moduleID || position != nil && position != current else { return nil }
        try await closeGap(after: current, in: moduleID, on: connection)
        let count = try await connection.rows(
            "SELECT count(*)::int FROM course_items WHERE module_id = \(target.id) AND id <> \(id)", as: Int.self
        )[0]
        let place = placement(requested: position, count: count)
        try await connection.run(
            "UPDATE course_items SET position = position + 1 WHERE module_id = \(target.id) AND id <> \(id) AND position >= \(place)"
        )
        try await connection.run("UPDATE course_items SET module_id = \(target.id), position = \(place) WHERE id = \(id)")
        return place
    }

    static func closeGap(after position: Int, in moduleID: UUID, on connection: DatabaseConnection) async throws {
        try await connection.run(
            "UPDATE course_items SET position = position - 1 WHERE module_id = \(moduleID) AND position > \(position)"
        )
    }

    static func moduleTitles(of moduleIDs: [UUID], on connection: DatabaseConnection) async throws -> [UUID: [String: String]] {
        guard !moduleIDs.isEmpty else { return [:] }
        var titles: [UUID: [String: String]] = [:]
        for (moduleID, language, title) in try await connection.rows(
            "SELECT module_id, language, title FROM module_translations WHERE module_id = ANY(\(moduleIDs))",
            as: (UUID, String, String).self
        ) {
            titles[moduleID, default: [:]][language] = title
        }
        return titles
    }

    static func replaceModuleTitles(of moduleID: UUID, with titles: [String: String], on connection: DatabaseConnection) async throws {
        try await connection.run("DELETE FROM module_translations WHERE module_id = \(moduleID)")
        for (language, title) in titles {
            try await connection.run(
                "INSERT INTO module_translations (module_id, language, title) VALUES (\(moduleID), \(language), \(title))"
            )
        }
    }

    static func replaceLessonTexts(of lessonID: UUID, with texts: [String: LessonText], on connection: DatabaseConnection) async throws {
        try await connection.run("DELETE FROM lesson_translations WHERE lesson_id = \(lessonID)")
        for (language, text) in texts {
            try await connection.run(
                """
                INSERT INTO lesson_translations (lesson_id, language, title, body_markdown, body_html)
                VALUES (\(lessonID), \(language), \(text.title), \(text.bodyMarkdown), \(text.bodyHTML))
                """
            )
        }
    }
}
