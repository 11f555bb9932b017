public import AcademyCore
public import Foundation
import PostgresNIO

/// A course's question bank: categories and questions. Every change runs in one transaction with
/// the quizzes that take from the bank: each gets a new version when what it takes changed
/// (attempts keep theirs), and a change that would leave a quiz unable to draw is refused whole.
public struct QuestionBankRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public struct Category: Sendable, Equatable {
        public let id: UUID
        public let path: String
        /// Questions in this category itself, not below it.
        public let questionCount: Int
    }

    static let columns = "b.id, b.category, b.name, b.question::text, b.version"
    typealias Row = (UUID, String, String?, String, Int)

    static func question(_ row: Row) throws -> BankQuestion {
        BankQuestion(id: row.0, category: row.1, name: row.2, question: try QuizJSON.decode(QuizQuestion.self, from: row.3), version: row.4)
    }

    /// Every category of the course, by path.
    public func categories(of courseID: UUID) async throws -> [Category] {
        try await database.rows(
            """
            SELECT c.id, c.path, (SELECT count(*) FROM bank_questions b WHERE b.course_id = c.course_id AND b.category = c.path)::int
            FROM question_categories c WHERE c.course_id = \(courseID) ORDER BY c.path
            """,
            as: (UUID, String, Int).self
        ).map { Category(id: $0.0, path: $0.1, questionCount: $0.2) }
    }

    public func question(_ id: UUID, courseID: UUID) async throws -> BankQuestion? {
        try await database.rows(
            "SELECT \(unescaped: Self.columns) FROM bank_questions b WHERE b.id = \(id) AND b.course_id = \(courseID)", as: Row.self
        ).first.map(Self.question)
    }

    /// A page of the bank in its order, from `category` and below when given.
    public func questions(of courseID: UUID, under category: String?, page: PageRequest) async throws -> Page<BankQuestion> {
        let after = page.after.flatMap { Int64($0.sortKey) }
        let rows = try await database.rows(
            """
            SELECT \(unescaped: Self.columns), b.seq FROM bank_questions b
            WHERE b.course_id = \(courseID) AND (\(category)::text IS NULL OR b.category = \(category) OR b.category LIKE \(category.map(Self.below)))
              AND b.seq > \(after ?? 0)
            ORDER BY b.seq LIMIT \(page.limit + 1)
            """,
            as: (UUID, String, String?, String, Int, Int64).self
        )
        let questions = try rows.map { (try Self.question(($0.0, $0.1, $0.2, $0.3, $0.4)), $0.5) }
        let page = Page(rows: questions, request: page) { PageCursor(sortKey: String($0.1), id: $0.0.id) }
        return Page(items: page.items.map(\.0), nextCursor: page.nextCursor)
    }

    /// Every question from `category` and below (the whole bank when nil), in the bank's order:
    /// an export. At most `limit`.
    public func allQuestions(of courseID: UUID, under category: String?, limit: Int) async throws -> [BankQuestion] {
        try await database.withConnection { connection in
            try await Self.questions(of: courseID, under: category, limit: limit, on: connection)
        }
    }

    static func questions(of courseID: UUID, under category: String?, limit: Int, on connection: DatabaseConnection) async throws -> [BankQuestion] {
        try await connection.rows(
            """
            SELECT \(unescaped: Self.columns) FROM bank_questions b
            WHERE b.course_id = \(courseID) AND (\(category)::text IS NULL OR b.category = \(category) OR b.category LIKE \(category.map(Self.below)))
            ORDER BY b.seq LIMIT \(limit)
            """,
            as: Row.self
        ).map(Self.question)
    }

    /// The LIKE pattern of every category below `path`.
    static func below(_ path: String) -> String {
        path.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "/%"
    }

    /// An image some question of the course's bank shows, by its SHA-256.
    public func image(_ sha256: String, courseID: UUID) async throws -> QuestionImage? {
        let pattern = #"[{"sha256": "\#(sha256)"}]"#
        let rows = try await database.rows(
            "SELECT b.question::text FROM bank_questions b WHERE b.course_id = \(courseID) AND b.question->'images' @> \(pattern)::jsonb LIMIT 1",
            as: String.self
        )
        return try rows.first.flatMap { try QuizJSON.decode(QuizQuestion.self, from: $0).images?.first { $0.sha256 == sha256 } }
    }

    /// The questions a quiz names by id and those of the categories it draws from (each
    /// category itself only), in the bank's order.
    public func questions(of courseID: UUID, ids: [UUID], categories: [String]) async throws -> [BankQuestion] {
        guard !ids.isEmpty || !categories.isEmpty else { return [] }
        return try await database.withConnection { connection in
            try await Self.questions(of: courseID, ids: ids, categories: categories, on: connection)
        }
    }

    static func questions(of courseID: UUID, ids: [UUID], categories: [String], on connection: DatabaseConnection) async throws -> [BankQuestion] {
        try await connection.rows(
            """
            SELECT \(unescaped: Self.columns) FROM bank_questions b
            WHERE b.course_id = \(courseID) AND (b.id = ANY(\(ids)) OR b.category = ANY(\(categories)))
            ORDER BY b.seq
            """,
            as: Row.self
        ).map(Self.question)
    }

    /// Runs `change` on the bank in one transaction, then brings every quiz of the course that
    /// takes from the bank up to date (`QuizContent.resolving` with the quiz's own items).
    /// `defaultLanguage` and `offered` check the quizzes' new content as a quiz save would.
    @discardableResult
    public func change<Result: Sendable>(
        courseID: UUID, defaultLanguage: String, offered: [String], _ change: @escaping @Sendable (BankWriter) async throws -> Result
    ) async throws -> Result {
        try await database.withTransaction { connection in
            // One change to a course's bank at a time: quizzes are brought up to date in order.
            try await connection.run("SELECT 1 FROM courses WHERE id = \(courseID) FOR UPDATE")
            let result = try await change(BankWriter(courseID: courseID, connection: connection))
            try await Self.refreshQuizzes(of: courseID, defaultLanguage: defaultLanguage, offered: offered, on: connection)
            return result
        }
    }

    static func refreshQuizzes(of courseID: UUID, defaultLanguage: String, offered: [String], on connection: DatabaseConnection) async throws {
        let quizzes = try await connection.rows(
            """
            SELECT \(unescaped: QuizRepository.quizColumns) \(unescaped: QuizRepository.quizFrom)
            WHERE i.course_id = \(courseID) AND v.content ? 'bank_picks'
            """,
            as: QuizRepository.QuizRow.self
        ).map(QuizRepository.quiz)
        for quiz in quizzes {
            let items = quiz.content.items
            let needs = items.bankNeeds
            let bank = try await questions(of: courseID, ids: needs.ids, categories: needs.categories, on: connection)
            var validation = FieldValidation()
            let content = QuizContent.resolving(items, translations: quiz.content.translations, bank: bank, into: &validation)
            QuizRules.validate(settings: quiz.settings, content: content, defaultLanguage: defaultLanguage, offered: offered, into: &validation)
            if let problem = validation.errors.first {
                let title = Languages.text(quiz.content.translations, in: defaultLanguage, fallback: defaultLanguage)?.title ?? quiz.id.apiString
                throw AcademyError.conflict("The quiz “\(title)” takes from the bank and would break: \(problem.field) \(problem.message). Change the quiz first.")
            }
            if content != quiz.content {
                try await QuizRepository.storeRevision(of: quiz.id, settings: quiz.settings, content: content, on: connection)
            }
        }
    }
}

/// The writes of one bank change, on its transaction.
public struct BankWriter: Sendable {
    let courseID: UUID
    let connection: DatabaseConnection

    public func questionCount() async throws -> Int {
        try await connection.rows("SELECT count(*)::int FROM bank_questions WHERE course_id = \(courseID)", as: Int.self)[0]
    }

    /// Creates `path` and every category above it that is missing; how many were new.
    @discardableResult
    public func ensureCategory(_ path: String) async throws -> Int {
        var created = 0
        for category in QuestionBank.ancestry(of: path) {
            created += try await connection.rows(
                "INSERT INTO question_categories (course_id, path) VALUES (\(courseID), \(category)) ON CONFLICT DO NOTHING RETURNING 1",
                as: Int.self
            ).count
        }
        return created
    }

    /// A question's images in the table of stored files, as attachments are.
    func recordImages(of question: QuizQuestion) async throws {
        for image in question.images ?? [] {
            try await connection.run("INSERT INTO blobs (sha256, size) VALUES (\(image.sha256), \(image.size)) ON CONFLICT (sha256) DO NOTHING")
        }
    }

    public func insert(category: String, name: String?, question: QuizQuestion) async throws -> BankQuestion {
        try await ensureCategory(category)
        try await recordImages(of: question)
        let id = UUID()
        var stored = question
        stored.id = id.apiString
        let row = try await connection.rows(
            """
            INSERT INTO bank_questions AS b (id, course_id, category, name, question)
            VALUES (\(id), \(courseID), \(category), \(name), \(try QuizJSON.encode(stored))::jsonb)
            RETURNING \(unescaped: QuestionBankRepository.columns)
            """,
            as: QuestionBankRepository.Row.self
        )
        return try QuestionBankRepository.question(row[0])
    }

    /// Many questions at once, in their order (an import): one statement, after their categories.
    public func insert(_ questions: [(category: String, name: String?, question: QuizQuestion)]) async throws {
        for category in Set(questions.map(\.category)) { try await ensureCategory(category) }
        var ids: [UUID] = [], categories: [String] = [], names: [String] = [], documents: [String] = []
        for entry in questions {
            let id = UUID()
            var stored = entry.question
            stored.id = id.apiString
            try await recordImages(of: stored)
            ids.append(id)
            categories.append(entry.category)
            names.append(entry.name ?? "")
            documents.append(try QuizJSON.encode(stored))
        }
        try await connection.run(
            """
            INSERT INTO bank_questions (id, course_id, category, name, question)
            SELECT q.id, \(courseID), q.category, NULLIF(q.name, ''), q.question::jsonb
            FROM unnest(\(ids)::uuid[], \(categories)::text[], \(names)::text[], \(documents)::text[]) WITH ORDINALITY AS q(id, category, name, question, position)
            ORDER BY q.position
            """
        )
    }

    /// A new version of the question; nil when it is not in this course's bank.
    public func update(_ id: UUID, category: String, name: String?, question: QuizQuestion) async throws -> BankQuestion? {
        try await ensureCategory(category)
        try await recordImages(of: question)
        var stored = question
        stored.id = id.apiString
        return try await connection.rows(
            """
            UPDATE bank_questions b SET category = \(category), name = \(name), question = \(try QuizJSON.encode(stored))::jsonb,
                version = b.version + CASE WHEN b.question = \(try QuizJSON.encode(stored))::jsonb THEN 0 ELSE 1 END, updated_at = now()
            WHERE b.id = \(id) AND b.course_id = \(courseID)
            RETURNING \(unescaped: QuestionBankRepository.columns)
            """,
            as: QuestionBankRepository.Row.self
        ).first.map(QuestionBankRepository.question)
    }

    public func delete(_ id: UUID) async throws -> Bool {
        !(try await connection.rows("DELETE FROM bank_questions WHERE id = \(id) AND course_id = \(courseID) RETURNING 1", as: Int.self).isEmpty)
    }

    /// Deletes an empty category (no question, no category below it); false when there is no such category.
    public func deleteCategory(_ id: UUID) async throws -> Bool {
        guard let path = try await connection.rows(
            "SELECT path FROM question_categories WHERE id = \(id) AND course_id = \(courseID)", as: String.self
        ).first else { return false }
        let busy = try await connection.rows(
            """
            SELECT EXISTS (SELECT FROM bank_questions WHERE course_id = \(courseID) AND (category = \(path) OR category LIKE \(QuestionBankRepository.below(path))))
                OR EXISTS (SELECT FROM question_categories WHERE course_id = \(courseID) AND path LIKE \(QuestionBankRepository.below(path)))
            """,
            as: Bool.self
        )[0]
        if busy { throw AcademyError.conflict("The category “\(path)” still holds questions or categories: move or delete them first.") }
        try await connection.run("DELETE FROM question_categories WHERE id = \(id)")
        return true
    }
}
