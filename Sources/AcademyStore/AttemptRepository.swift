public import AcademyCore
public import Foundation
import Logging
import PostgresNIO

/// Quiz attempts: started under a lock (so `max_attempts` holds however many starts race),
/// answers upserted by sequence number (an older or repeated save never overwrites a newer one),
/// and graded once from what is stored, by the student, on the next touch, or by the sweeper.
public struct AttemptRepository: Sendable {
    let database: Database
    let started = StartedAttempts()
    let answerWriter: AnswerWriter

    public init(database: Database) {
        self.database = database
        answerWriter = AnswerWriter(database: database)
    }

    static let columns = """
        a.id, a.quiz_id, a.user_id, a.number, a.version, a.plan::text, a.state, a.started_at, a.deadline, a.grace_seconds,
        a.submitted_at, a.results::text
        """
    typealias Row = (UUID, UUID, UUID, Int, Int, String, String, Date, Date?, Int, Date?, String?)

    /// The attempt of a row. Its plan never changes, so the one this instance already holds is
    /// taken rather than decoded again (a submit read and locked the row, decoding it twice).
    func attempt(_ row: Row) throws -> QuizAttempt {
        QuizAttempt(
            id: row.0, quizID: row.1, userID: row.2, number: row.3, version: row.4,
            plan: try started.attempt(row.0)?.plan ?? QuizJSON.decode(AttemptPlan.self, from: row.5),
            state: AttemptState(rawValue: row.6) ?? .inProgress,
            startedAt: row.7, deadline: row.8, graceSeconds: row.9, submittedAt: row.10,
            result: try row.11.map { try QuizJSON.decode(AttemptResult.self, from: $0) }
        )
    }

    // The statements of an exam's starts, reads and submits, prepared (see `PreparedSQL`).

    enum ByID: PreparedSQL {
        static let sql = "SELECT \(columns) FROM quiz_attempts a WHERE a.id = $1"
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    /// Locks the attempt for grading.
    enum Lock: PreparedSQL {
        static let sql = "SELECT \(columns) FROM quiz_attempts a WHERE a.id = $1 FOR UPDATE"
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    /// A student's attempts at a quiz, in order.
    enum OfStudent: PreparedSQL {
        static let sql = "SELECT \(columns) FROM quiz_attempts a WHERE a.quiz_id = $1 AND a.user_id = $2 ORDER BY a.number"
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid]
    }

    enum Insert: PreparedSQL {
        static let sql = """
            INSERT INTO quiz_attempts AS a (quiz_id, user_id, number, version, plan, started_at, deadline, grace_seconds)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)
            RETURNING a.id
            """
        static let parameterTypes: [PostgresDataType] = [.uuid, .uuid, .int8, .int8, .text, .timestamptz, .timestamptz, .int8]
    }

    enum Answers: PreparedSQL {
        static let sql = "SELECT question_id, response::text, seq, saved_at FROM attempt_answers WHERE attempt_id = $1 ORDER BY question_id"
        static let parameterTypes: [PostgresDataType] = [.uuid]
    }

    enum Answer: PreparedSQL {
        static let sql = "SELECT question_id, response::text, seq, saved_at FROM attempt_answers WHERE attempt_id = $1 AND question_id = $2"
        static let parameterTypes: [PostgresDataType] = [.uuid, .text]
    }

    /// Ends the attempt ($1) with its state and result.
    enum Grade: PreparedSQL {
        static let sql = """
            UPDATE quiz_attempts a SET state = $2, submitted_at = $3, score = $4, max_score = $5, percent = $6, passed = $7,
                results = $8::jsonb
            WHERE a.id = $1
            """
        static let parameterTypes: [PostgresDataType] = [.uuid, .text, .timestamptz, .float8, .float8, .float8, .bool, .text]
    }

    /// Until every essay has its grade, an attempt has no percent and no pass: the gradebook and
    /// every progress query (`a.passed`) leave it out.
    static func gradeBindings(_ attemptID: UUID, state: AttemptState, submittedAt: Date?, result: AttemptResult, resultJSON: String) -> PostgresBindings {
        let settled = !result.needsGrading
        return PostgresBindings(
            attemptID, state.rawValue, submittedAt, result.score, result.maxScore, settled ? result.percent : nil, settled ? result.passed : nil, resultJSON
        )
    }

    public enum StartOutcome: Sendable {
        case started(QuizAttempt)
        case resumed(QuizAttempt)
    }

    /// Returns the student's open attempt, or starts one if attempts remain (`AttemptStart`). No
    /// lock: attempt numbers are unique per student and quiz, so of starts that race for the
    /// same number one inserts and the others decide again, seeing it (they resume it, or find
    /// the attempts used up). An attempt past its deadline still counts as used; the sweeper or
    /// its next read grades it.
    public func start(
        quizID: UUID, userID: UUID, version: Int, maxAttempts: Int?, now: Date,
        plan: AttemptPlan, deadline: Date?, graceSeconds: Int
    ) async throws -> StartOutcome {
        let planJSON = plan.json
        for _ in 0..<3 {
            let outcome: StartOutcome? = try await database.withConnection { connection in
                let attempts = try await connection.rows(OfStudent.self, PostgresBindings(quizID, userID), as: Row.self).map(attempt)
                switch try AttemptStart.decide(existing: attempts, maxAttempts: maxAttempts, now: now) {
                case .resume(let open):
                    started.store(open)
                    return .resumed(open)
                case .start(let number):
                    do {
                        let id = try await connection.rows(
                            Insert.self, PostgresBindings(quizID, userID, number, version, planJSON, now, deadline, graceSeconds), as: UUID.self
                        )[0]
                        // Built from what was stored rather than decoded back from it.
                        let attempt = QuizAttempt(
                            id: id, quizID: quizID, userID: userID, number: number, version: version, plan: plan, state: .inProgress,
                            startedAt: now, deadline: deadline, graceSeconds: graceSeconds, submittedAt: nil, result: nil
                        )
                        started.store(attempt)
                        return .started(attempt)
                    } catch let error as PSQLError where error.isUniqueViolation {
                        return nil
                    }
                }
            }
            if let outcome { return outcome }
        }
        throw AcademyError.unavailable(reason: "Too many starts of this attempt at once.", retryAfterSeconds: 1)
    }

    /// The attempt as it started: its owner, quiz version and questions drawn, which never change,
    /// from memory once this instance has started or read it. Its state and deadline are as of
    /// that read; whatever depends on them must check them in the database, as `save` does.
    public func asStarted(_ id: UUID) async throws -> QuizAttempt? {
        if let held = started.attempt(id) {
            return held
        }
        let attempt = try await find(id)
        if let attempt, attempt.state == .inProgress {
            started.store(attempt)
        }
        return attempt
    }

    public func find(_ id: UUID) async throws -> QuizAttempt? {
        return try await database.rows(ByID.self, PostgresBindings(id), as: Row.self).first.map(attempt)
    }

    /// A quiz's attempts by student, then attempt number, a page at a time.
    public func attempts(of quizID: UUID, page: PageRequest) async throws -> Page<QuizAttempt> {
        // The cursor's sort key is "<user id> <attempt number>".
        let after = page.after.map { $0.sortKey.split(separator: " ") }
        let afterUser = after.flatMap { $0.first.flatMap { UUID(uuidString: String($0)) } }
        let afterNumber = after.flatMap { $0.last.flatMap { Int($0) } }
        let rows = try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM quiz_attempts a
                WHERE a.quiz_id = \(quizID)
                  AND (\(afterUser)::uuid IS NULL OR (a.user_id, a.number) > (\(afterUser)::uuid, \(afterNumber)::int))
                ORDER BY a.user_id, a.number
                LIMIT \(page.limit + 1)
                """,
                as: Row.self
            ).map(attempt)
        }
        return Page(rows: rows, request: page) { PageCursor(sortKey: "\($0.userID.uuidString) \($0.number)", id: $0.id) }
    }

    public func hasAttempts(quizID: UUID) async throws -> Bool {
        return try await database.rows(
            "SELECT EXISTS (SELECT 1 FROM quiz_attempts WHERE quiz_id = \(quizID))", as: Bool.self
        )[0]
    }

    public enum SaveOutcome: Sendable, Equatable {
        /// Stored; `seq` is the newest the server holds (the one just sent, or a newer one kept).
        case saved(SavedAnswer)
        /// The attempt is over (submitted, or past its deadline and grace).
        case closed
    }

    /// Upserts one answer unless a newer `seq` is stored (durable when it returns), while the
    /// attempt is open (`QuizAttempt.isOpen`, checked on the row itself: in progress, `now` within
    /// deadline and grace), with the saves that arrive meanwhile (`AnswerWriter`).
    public func save(attemptID: UUID, questionID: String, response: QuestionResponse, seq: Int, now: Date) async throws -> SaveOutcome {
        let written = try await answerWriter.write(
            AnswerWriter.Save(attemptID: attemptID, questionID: questionID, responseJSON: response.json, seq: seq, now: now)
        )
        guard written.isOpen else { return .closed }
        if let savedAt = written.savedAt {
            return .saved(SavedAnswer(questionID: questionID, response: response, seq: seq, savedAt: savedAt))
        }
        // Not written: an answer with this seq or a newer one is stored (a retry, or a newer save
        // that won). Read it, afresh: it may have committed after the write began.
        let stored = try await database.withConnection { connection in
            try await Self.answers(of: attemptID, question: questionID, on: connection).first
        }
        return stored.map(SaveOutcome.saved) ?? .closed
    }

    public func answers(of attemptID: UUID) async throws -> [SavedAnswer] {
        return try await database.withConnection { connection in
            try await Self.answers(of: attemptID, on: connection)
        }
    }

    /// The saved answers of several attempts at once, by attempt.
    public func answers(ofAttempts ids: [UUID]) async throws -> [UUID: [SavedAnswer]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.rows(
            "SELECT attempt_id, question_id, response::text, seq, saved_at FROM attempt_answers WHERE attempt_id = ANY(\(ids)) ORDER BY attempt_id, question_id",
            as: (UUID, String, String, Int, Date).self
        )
        var result: [UUID: [SavedAnswer]] = [:]
        for row in rows {
            result[row.0, default: []].append(SavedAnswer(questionID: row.1, response: try QuizJSON.decode(QuestionResponse.self, from: row.2), seq: row.3, savedAt: row.4))
        }
        return result
    }

    /// The attempt's saved answers, or only the one to `question` when it is given.
    static func answers(of attemptID: UUID, question: String? = nil, on connection: DatabaseConnection) async throws -> [SavedAnswer] {
        let rows = if let question {
            try await connection.rows(Answer.self, PostgresBindings(attemptID, question), as: (String, String, Int, Date).self)
        } else {
            try await connection.rows(Answers.self, PostgresBindings(attemptID), as: (String, String, Int, Date).self)
        }
        return try rows.map { SavedAnswer(questionID: $0.0, response: try QuizJSON.decode(QuestionResponse.self, from: $0.1), seq: $0.2, savedAt: $0.3) }
    }

    /// Grades the attempt from its stored answers, once: a finished attempt is returned as it is.
    /// `grade` turns the answers into the result; `state` says how it ended. The answers come back
    /// too, so that whoever shows the attempt need not read them again.
    public func finish(
        _ attemptID: UUID, as state: AttemptState, now: Date,
        grade: @escaping @Sendable (QuizAttempt, [String: QuestionResponse]) throws -> AttemptResult
    ) async throws -> (attempt: QuizAttempt, answers: [SavedAnswer], finishedNow: Bool) {
        return try await database.withTransaction { connection in
            guard let attempt = try await connection.rows(Lock.self, PostgresBindings(attemptID), as: Row.self).first.map(attempt) else {
                throw AcademyError.notFound("No such attempt.")
            }
            let answers = try await Self.answers(of: attemptID, on: connection)
            guard attempt.state == .inProgress else { return (attempt, answers, false) }
            let result = try grade(attempt, Dictionary(uniqueKeysWithValues: answers.map { ($0.questionID, $0.response) }))
            let resultJSON = try QuizJSON.encode(result)
            try await connection.run(Grade.self, Self.gradeBindings(attemptID, state: state, submittedAt: now, result: result, resultJSON: resultJSON))
            let finished = QuizAttempt(
                id: attempt.id, quizID: attempt.quizID, userID: attempt.userID, number: attempt.number, version: attempt.version,
                plan: attempt.plan, state: state, startedAt: attempt.startedAt, deadline: attempt.deadline,
                graceSeconds: attempt.graceSeconds, submittedAt: now, result: result
            )
            return (finished, answers, true)
        }
    }

    /// Changes a finished attempt's result (an instructor grading an essay): `regrade` gets the
    /// attempt as locked and returns its new result.
    public func regrade(_ attemptID: UUID, _ regrade: @escaping @Sendable (QuizAttempt) throws -> AttemptResult) async throws -> QuizAttempt {
        return try await database.withTransaction { connection in
            guard let attempt = try await connection.rows(Lock.self, PostgresBindings(attemptID), as: Row.self).first.map(attempt) else {
                throw AcademyError.notFound("No such attempt.")
            }
            let result = try regrade(attempt)
            try await connection.run(
                Grade.self, Self.gradeBindings(attemptID, state: attempt.state, submittedAt: attempt.submittedAt, result: result, resultJSON: try QuizJSON.encode(result))
            )
            return QuizAttempt(
                id: attempt.id, quizID: attempt.quizID, userID: attempt.userID, number: attempt.number, version: attempt.version,
                plan: attempt.plan, state: attempt.state, startedAt: attempt.startedAt, deadline: attempt.deadline,
                graceSeconds: attempt.graceSeconds, submittedAt: attempt.submittedAt, result: result
            )
        }
    }

    /// A quiz's finished attempts whose essays wait for a grade, oldest first, with their
    /// students' names and emails.
    public func awaitingGrading(quizID: UUID, limit: Int) async throws -> [(attempt: QuizAttempt, name: String, email: String)] {
        try await database.withConnection { connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns), u.display_name, u.email FROM quiz_attempts a JOIN users u ON u.id = a.user_id
                WHERE a.quiz_id = \(quizID) AND a.state <> 'in_progress' AND a.results IS NOT NULL AND a.percent IS NULL
                ORDER BY a.submitted_at, a.id LIMIT \(limit)
                """,
                as: (UUID, UUID, UUID, Int, Int, String, String, Date, Date?, Int, Date?, String?, String, String).self
            ).map { row in
                (try attempt((row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8, row.9, row.10, row.11)), row.12, row.13)
            }
        }
    }

    /// Every finished attempt in a course (its percent nil while an essay waits for its grade),
    /// in the order each student made them.
    public func finishedAttempts(courseID: UUID) async throws -> [Gradebook.FinishedAttempt] {
        return try await database.rows(
            """
            SELECT a.user_id, a.quiz_id, a.percent FROM quiz_attempts a JOIN course_items i ON i.id = a.quiz_id
            WHERE i.course_id = \(courseID) AND a.state <> 'in_progress'
            ORDER BY a.user_id, a.quiz_id, a.number
            """,
            as: (UUID, UUID, Double?).self
        ).map { Gradebook.FinishedAttempt(userID: $0.0, quizID: $0.1, percent: $0.2) }
    }

    /// An attempt past its deadline and grace, as the sweeper needs it.
    public struct ExpiredAttempt: Sendable, Equatable {
        public let id: UUID
        public let quizID: UUID
        public let version: Int
    }

    /// Attempts past their deadline and grace, oldest first, for the sweeper; `skipping` those it
    /// could not grade this round.
    public func expired(now: Date, limit: Int, skipping: [UUID] = []) async throws -> [ExpiredAttempt] {
        return try await database.rows(
            """
            SELECT id, quiz_id, version FROM quiz_attempts
            WHERE state = 'in_progress' AND deadline < \(now) AND deadline + grace_seconds * interval '1 second' < \(now)
                AND NOT (id = ANY(\(skipping)))
            ORDER BY deadline LIMIT \(limit)
            """,
            as: (UUID, UUID, Int).self
        ).map { ExpiredAttempt(id: $0.0, quizID: $0.1, version: $0.2) }
    }

    /// Runs `sweep` unless another instance is sweeping (nil then): a session advisory lock, held on
    /// a connection of its own while `sweep` works on others, and released with it if it dies.
    public func whileHoldingSweepLock<Result: Sendable>(_ sweep: @escaping @Sendable () async throws -> Result) async throws -> Result? {
        try await database.ifFreeWhileHoldingAdvisoryLock(Self.sweepLockKey, sweep)
    }

    /// Arbitrary, fixed, and not the migrator's: every instance takes the same lock to sweep.
    public static let sweepLockKey: Int64 = 0x4143_4144_5357_4550
}
