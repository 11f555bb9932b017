public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// A course folder, validated and rendered, ready to be written.
public struct CourseImportPlan: Sendable {
    public struct ModulePlan: Sendable {
        public var key: String
        public var titles: [String: String]
        public var items: [ItemPlan]

        public init(key: String, titles: [String: String], items: [ItemPlan]) {
            self.key = key
            self.titles = titles
            self.items = items
        }
    }

    public struct ItemPlan: Sendable {
        public enum Content: Sendable {
            /// Title and Markdown by language (the HTML is rendered once attachment ids are
            /// known), and files already written under their hashes, by file name.
            case lesson(translations: [String: (title: String, markdown: String)], attachments: [AttachmentFile])
            case quiz(QuizSettings, QuizContent)
            /// Settings, and title and Markdown description by language.
            case liveSession(LiveSessionSettings, translations: [String: (title: String, markdown: String)])

            var kind: CourseItem.Kind {
                switch self {
                case .lesson: .lesson
                case .quiz: .quiz
                case .liveSession: .liveSession
                }
            }
        }

        public var key: String
        public var releaseAt: Date?
        public var requiresPrevious: Bool
        public var content: Content

        public init(key: String, releaseAt: Date?, requiresPrevious: Bool, content: Content) {
            self.key = key
            self.releaseAt = releaseAt
            self.requiresPrevious = requiresPrevious
            self.content = content
        }
    }

    public struct AttachmentFile: Sendable {
        public var filename: String
        public var sha256: String
        public var size: Int
        public var contentType: String

        public init(filename: String, sha256: String, size: Int, contentType: String) {
            self.filename = filename
            self.sha256 = sha256
            self.size = size
            self.contentType = contentType
        }
    }

    public var course: CourseDraft
    public var status: CourseStatus
    /// The course's bank questions, by id; quizzes' content already holds what they take.
    public var bank: [BankQuestion]
    public var modules: [ModulePlan]

    public init(course: CourseDraft, status: CourseStatus, bank: [BankQuestion] = [], modules: [ModulePlan]) {
        self.course = course
        self.status = status
        self.bank = bank
        self.modules = modules
    }
}

/// What an import did to one course.
public struct CourseImportOutcome: Sendable, Equatable {
    public var created = false
    public var modulesCreated = 0
    public var modulesUpdated = 0
    public var lessonsCreated = 0
    public var lessonsUpdated = 0
    public var quizzesCreated = 0
    public var quizzesUpdated = 0
    public var liveSessionsCreated = 0
    public var liveSessionsUpdated = 0
    public var bankQuestions = 0
    /// Modules and items in the database but not in the folder: kept (with whatever students
    /// did with them), placed after the folder's.
    public var modulesKept = 0
    public var itemsKept = 0
}

public struct CourseImportRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Writes the plan in one transaction: the course by slug, its modules and lessons by key,
    /// attachments by file name, updated in place when they exist, so progress and links tied to
    /// their ids survive a re-import. `render` turns a lesson's Markdown into HTML given the ids of
    /// its attachments by file name.
    public func apply(
        _ plan: CourseImportPlan, instructor: UUID?, offered: [String],
        render: @escaping @Sendable (_ markdown: String, _ attachments: [String: UUID], _ field: String) async throws -> String
    ) async throws -> CourseImportOutcome {
        return try await database.withTransaction { connection in
            var outcome = CourseImportOutcome()
            let draft = plan.course
            let existing = try await connection.rows(
                "SELECT id, enrollment_key_hash IS NOT NULL FROM courses WHERE slug = \(draft.slug) FOR UPDATE",
                as: (UUID, Bool).self
            ).first
            if draft.enrollmentMode == .key, existing?.1 != true {
                throw AcademyError.conflict("\(draft.slug) uses enrollment mode key but has no key: set the key on the course first, then import again")
            }
            let courseID: UUID
            if let existing {
                courseID = existing.0
                try await connection.run(
                    """
                    UPDATE courses SET default_language = \(draft.defaultLanguage), enrollment_mode = \(draft.enrollmentMode.rawValue),
                        capacity = \(draft.capacity), starts_at = \(draft.startsAt), ends_at = \(draft.endsAt), updated_at = now()
                    WHERE id = \(courseID)
                    """
                )
            } else {
                outcome.created = true
                courseID = try await connection.rows(
                    """
                    INSERT INTO courses (slug, default_language, enrollment_mode, capacity, starts_at, ends_at, created_by)
                    VALUES (\(draft.slug), \(draft.defaultLanguage), \(draft.enrollmentMode.rawValue), \(draft.capacity),
                            \(draft.startsAt), \(draft.endsAt), \(instructor))
                    RETURNING id
                    """,
                    as: UUID.self
                )[0]
            }
            if let instructor {
                try await connection.run(
                    "INSERT INTO course_instructors (course_id, user_id) VALUES (\(courseID), \(instructor)) ON CONFLICT DO NOTHING"
                )
            }
            try await CourseRepository.replaceTranslations(of: courseID, with: draft.translations, on: connection)
            outcome.bankQuestions = try await Self.upsertBank(plan.bank, of: courseID, on: connection)

            let modules = Dictionary(uniqueKeysWithValues: try await connection.rows(
                "SELECT key, id FROM course_modules WHERE course_id = \(courseID) AND key IS NOT NULL",
                as: (String, UUID).self
            ))
            var items: [String: (id: UUID, kind: CourseItem.Kind)] = [:]
            for (key, id, kind) in try await connection.rows(
                "SELECT key, id, kind FROM course_items WHERE course_id = \(courseID) AND key IS NOT NULL",
                as: (String, UUID, String).self
            ) {
                items[key] = (id, CourseItem.Kind(rawValue: kind) ?? .lesson)
            }
            var placedModules: [UUID] = []
            var placedItems: Set<UUID> = []
            for (moduleIndex, module) in plan.modules.enumerated() {
                let moduleID: UUID
                if let id = modules[module.key] {
                    moduleID = id
                    outcome.modulesUpdated += 1
                    try await connection.run("UPDATE course_modules SET position = \(moduleIndex + 1) WHERE id = \(id)")
                } else {
                    outcome.modulesCreated += 1
                    moduleID = try await connection.rows(
                        "INSERT INTO course_modules (course_id, position, key) VALUES (\(courseID), \(moduleIndex + 1), \(module.key)) RETURNING id",
                        as: UUID.self
                    )[0]
                }
                placedModules.append(moduleID)
                try await CourseContentRepository.replaceModuleTitles(of: moduleID, with: module.titles, on: connection)
                for (itemIndex, item) in module.items.enumerated() {
                    let existing = items[item.key]
                    if let existing, existing.kind != item.content.kind {
                        throw AcademyError.conflict("\(item.key) is a \(existing.kind.rawValue) in \(draft.slug) but a \(item.content.kind.rawValue) in the folder: give the \(item.content.kind.rawValue) another key")
                    }
                    let itemID: UUID
                    if let existing {
                        itemID = existing.id
                        try await connection.run(
                            """
                            UPDATE course_items SET module_id = \(moduleID), position = \(itemIndex + 1), release_at = \(item.releaseAt),
                                requires_previous = \(item.requiresPrevious), updated_at = now()
                            WHERE id = \(itemID)
                            """
                        )
                    } else {
                        itemID = try await connection.rows(
                            """
                            INSERT INTO course_items (course_id, module_id, kind, position, release_at, requires_previous, key)
                            VALUES (\(courseID), \(moduleID), \(item.content.kind.rawValue), \(itemIndex + 1), \(item.releaseAt), \(item.requiresPrevious), \(item.key))
                            RETURNING id
                            """,
                            as: UUID.self
                        )[0]
                    }
                    placedItems.insert(itemID)
                    switch item.content {
                    case .lesson(let translations, let attachments):
                        if existing == nil { outcome.lessonsCreated += 1 } else { outcome.lessonsUpdated += 1 }
                        let attachmentIDs = try await Self.upsertAttachments(attachments, of: itemID, on: connection)
                        var texts: [String: LessonText] = [:]
                        for (language, text) in translations {
                            let html = try await render(text.markdown, attachmentIDs, "\(item.key)/\(language).md")
                            texts[language] = LessonText(title: text.title, bodyMarkdown: text.markdown, bodyHTML: html)
                        }
                        try await CourseContentRepository.replaceLessonTexts(of: itemID, with: texts, on: connection)
                    case .quiz(let settings, let content):
                        if existing == nil {
                            outcome.quizzesCreated += 1
                            try await QuizRepository.insertQuiz(itemID, settings: settings, content: content, on: connection)
                        } else {
                            outcome.quizzesUpdated += 1
                            try await QuizRepository.storeRevision(of: itemID, settings: settings, content: content, on: connection)
                        }
                    case .liveSession(let settings, let translations):
                        var texts: [String: LiveSessionText] = [:]
                        for (language, text) in translations {
                            let html = try await render(text.markdown, [:], "live-sessions/\(item.key).yaml translations.\(language).description_markdown")
                            texts[language] = LiveSessionText(title: text.title, descriptionMarkdown: text.markdown, descriptionHTML: html)
                        }
                        if existing == nil {
                            outcome.liveSessionsCreated += 1
                            try await LiveSessionRepository.insertSettings(of: itemID, settings, on: connection)
                        } else {
                            outcome.liveSessionsUpdated += 1
                            // Calendars learn of a change (a new SEQUENCE) only when there is one.
                            let titlesBefore = try await LiveSessionRepository.titles(of: itemID, on: connection)
                            let changed = try await LiveSessionRepository.updateSettings(of: itemID, settings, on: connection)
                            if changed || titlesBefore != texts.mapValues(\.title) {
                                try await connection.run("UPDATE course_items SET calendar_sequence = calendar_sequence + 1 WHERE id = \(itemID)")
                            }
                        }
                        try await LiveSessionRepository.replaceTexts(of: itemID, with: texts, on: connection)
                    }
                }
            }
            try await placeKept(courseID: courseID, placedModules: placedModules, placedItems: placedItems, outcome: &outcome, on: connection)
            // Quizzes the folder does not hold may take from the bank it changed.
            try await QuestionBankRepository.refreshQuizzes(of: courseID, defaultLanguage: draft.defaultLanguage, offered: offered, on: connection)
            try await connection.run(
                """
                UPDATE courses SET status = \(plan.status.rawValue),
                    published_at = CASE WHEN \(plan.status.rawValue) = 'published' THEN COALESCE(published_at, now()) ELSE published_at END
                WHERE id = \(courseID)
                """
            )
            return outcome
        }
    }

    /// The folder's bank questions by id: updated in place (a new version when changed), or
    /// created with the folder's id. Questions the folder does not hold are kept.
    static func upsertBank(_ bank: [BankQuestion], of courseID: UUID, on connection: DatabaseConnection) async throws -> Int {
        let writer = BankWriter(courseID: courseID, connection: connection)
        for question in bank {
            try await writer.ensureCategory(question.category)
            try await writer.recordImages(of: question.question)
            let json = try QuizJSON.encode(question.question)
            let written = try await connection.rows(
                """
                INSERT INTO bank_questions AS b (id, course_id, category, name, question)
                VALUES (\(question.id), \(courseID), \(question.category), \(question.name), \(json)::jsonb)
                ON CONFLICT (id) DO UPDATE SET category = EXCLUDED.category, name = EXCLUDED.name, question = EXCLUDED.question,
                    version = b.version + CASE WHEN b.question = EXCLUDED.question THEN 0 ELSE 1 END, updated_at = now()
                WHERE b.course_id = EXCLUDED.course_id
                RETURNING 1
                """,
                as: Int.self
            )
            if written.isEmpty {
                throw AcademyError.conflict("Question \(question.id.apiString) of question-bank.yaml is in another course's bank: give it a new id")
            }
        }
        return bank.count
    }

    /// A lesson's attachments by file name: the same name keeps its id (and its links) with the
    /// new bytes; attachments the folder does not hold are kept, like lessons.
    static func upsertAttachments(_ files: [CourseImportPlan.AttachmentFile], of lessonID: UUID, on connection: DatabaseConnection) async throws -> [String: UUID] {
        // Two attachments may share a name (uploaded twice); the newest one is the name's.
        let existing = try await connection.rows(
            "SELECT filename, id FROM lesson_attachments WHERE lesson_id = \(lessonID) ORDER BY created_at, id",
            as: (String, UUID).self
        )
        var ids = Dictionary(existing.map { ($0.0, $0.1) }, uniquingKeysWith: { _, newest in newest })
        for file in files {
            try await connection.run(
                "INSERT INTO blobs (sha256, size) VALUES (\(file.sha256), \(file.size)) ON CONFLICT (sha256) DO NOTHING"
            )
            if let id = ids[file.filename] {
                try await connection.run(
                    "UPDATE lesson_attachments SET sha256 = \(file.sha256), size = \(file.size), content_type = \(file.contentType) WHERE id = \(id)"
                )
            } else {
                ids[file.filename] = try await connection.rows(
                    """
                    INSERT INTO lesson_attachments (lesson_id, sha256, filename, content_type, size)
                    VALUES (\(lessonID), \(file.sha256), \(file.filename), \(file.contentType), \(file.size)) RETURNING id
                    """,
                    as: UUID.self
                )[0]
            }
        }
        return ids
    }

    /// Modules and items the folder does not list move behind the listed ones, in their old order.
    private func placeKept(
        courseID: UUID, placedModules: [UUID], placedItems: Set<UUID>, outcome: inout CourseImportOutcome,
        on connection: DatabaseConnection
    ) async throws {
        let keptModules = try await connection.rows(
            "SELECT id FROM course_modules WHERE course_id = \(courseID) AND NOT (id = ANY(\(placedModules))) ORDER BY position",
            as: UUID.self
        )
        for (index, id) in keptModules.enumerated() {
            try await connection.run("UPDATE course_modules SET position = \(placedModules.count + index + 1) WHERE id = \(id)")
        }
        outcome.modulesKept = keptModules.count
        let items = try await connection.rows(
            "SELECT id, module_id FROM course_items WHERE course_id = \(courseID) ORDER BY module_id, position",
            as: (UUID, UUID).self
        )
        var counts: [UUID: Int] = [:]
        for (id, moduleID) in items where placedItems.contains(id) {
            counts[moduleID, default: 0] += 1
        }
        for (id, moduleID) in items where !placedItems.contains(id) {
            counts[moduleID, default: 0] += 1
            outcome.itemsKept += 1
            try await connection.run("UPDATE course_items SET position = \(counts[moduleID] ?? 1) WHERE id = \(id)")
        }
    }
}
