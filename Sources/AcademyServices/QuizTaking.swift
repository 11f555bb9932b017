public import AcademyCore
public import AcademyStore
public import Foundation

/// A student taking a quiz: starting (or resuming) an attempt, autosaving answers, submitting,
/// and what the attempt may show afterwards. The one path behind the API's attempt endpoints and
/// the quiz pages.
public struct QuizTaking: Sendable {
    let access: CourseAccess
    let quizzes: QuizRepository
    let attempts: AttemptRepository
    let finisher: AttemptFinisher

    public init(access: CourseAccess, quizzes: QuizRepository, attempts: AttemptRepository, finisher: AttemptFinisher) {
        self.access = access
        self.quizzes = quizzes
        self.attempts = attempts
        self.finisher = finisher
    }

    /// Starts an attempt, or returns the one still open (`isNew` false). The questions drawn,
    /// their order, the options' order and the deadline are fixed now.
    public func start(
        quiz id: UUID, by principal: Principal?, now: Date = Date()
    ) async throws -> (attempt: QuizAttempt, quiz: StoredQuiz, course: Course, isNew: Bool) {
        let (quiz, course, reader, override) = try await access.openQuiz(id, principal: principal)
        guard case .student(let enrollment, _) = reader else {
            throw AcademyError.forbidden("Only enrolled students take quizzes.")
        }
        let settings = quiz.settings.applying(override)
        try QuizRules.requireOpenForStart(settings, now: now)
        var generator = SystemRandomNumberGenerator()
        let outcome = try await attempts.start(
            quizID: quiz.id, userID: enrollment.userID, version: quiz.version,
            maxAttempts: settings.maxAttempts, now: now,
            plan: AttemptPlan.draw(from: quiz.content, settings: settings, using: &generator),
            deadline: attemptDeadline(startedAt: now, timeLimitSeconds: settings.timeLimitSeconds, closesAt: settings.closesAt),
            graceSeconds: settings.graceSeconds
        )
        return switch outcome {
        case .started(let attempt): (attempt, quiz, course, true)
        case .resumed(let attempt): (attempt, quiz, course, false)
        }
    }

    /// The attempt, for its student or the course's staff; an attempt past its deadline is
    /// graded first, with its saved answers.
    public func attempt(_ id: UUID, for principal: Principal?) async throws -> (attempt: QuizAttempt, quiz: StoredQuiz, course: Course, asStaff: Bool) {
        let (attempt, quiz, course, asStaff) = try await access.attempt(id, principal: principal)
        return (try await finisher.finishIfExpired(attempt, quiz: quiz), quiz, course, asStaff)
    }

    /// Autosaves one answer, durably, before returning; a repeated or older `seq` never
    /// overwrites a newer answer. After the deadline and its grace: 409, and the saved answers
    /// stand. The hot path of an exam: the session, the attempt as it started and the quiz
    /// version's questions come from memory, so a save is one statement. `answer` reads the
    /// request's answer to the question only once the caller is known to own the attempt and
    /// the attempt to hold the question.
    public func save(
        to questionID: String, of attemptID: UUID, by principal: Principal?,
        answer: (QuizQuestion) async throws -> (response: QuestionResponse, seq: Int)
    ) async throws -> SavedAnswer {
        let attempt = try await access.ownAttempt(attemptID, principal: principal)
        guard let content = try await quizzes.content(of: attempt.quizID, version: attempt.version) else {
            throw AcademyError.notFound("The quiz's content is missing.")
        }
        let (response, seq) = try await answer(try AnswerRules.question(questionID, of: attempt, in: content))
        try AnswerRules.validate(response, seq: seq, questionID: questionID, attempt: attempt, content: content)
        if case .saved(let saved) = try await attempts.save(attemptID: attempt.id, questionID: questionID, response: response, seq: seq, now: Date()) {
            return saved
        }
        // Past the deadline, or graded meanwhile: grade it now if nobody has, and refuse.
        _ = try await self.attempt(attemptID, for: principal)
        throw AcademyError.conflict("This attempt is over; the answers saved before its deadline stand.")
    }

    /// Idempotent: a second submit returns the same result.
    public func submit(
        _ attemptID: UUID, by principal: Principal?
    ) async throws -> (attempt: QuizAttempt, quiz: StoredQuiz, course: Course, asStaff: Bool, answers: [SavedAnswer]) {
        let (attempt, quiz, course, asStaff) = try await attempt(attemptID, for: principal)
        try AttemptPolicy.requireStudent(ofAttemptBy: attempt.userID, principal: principal)
        let (finished, answers) = try await finisher.finish(attempt, quiz: quiz, as: .submitted, now: Date())
        return (finished, quiz, course, asStaff, answers)
    }

    /// An instructor grades one essay of a finished attempt (again: the new grade replaces the
    /// last). The course's staff only; never the student.
    public func grade(
        essay questionID: String, of attemptID: UUID, by principal: Principal?, points: Double, comment: String?
    ) async throws -> (attempt: QuizAttempt, quiz: StoredQuiz, course: Course) {
        let (attempt, quiz, course, asStaff) = try await attempt(attemptID, for: principal)
        try AttemptPolicy.requireGrader(asStaff: asStaff)
        return (try await finisher.grade(essay: questionID, of: attempt, quiz: quiz, points: points, comment: comment), quiz, course)
    }

    /// An image of a question the attempt drew, for whoever may read the attempt.
    public func image(_ sha256: String, of attemptID: UUID, for principal: Principal?) async throws -> QuestionImage {
        let (attempt, quiz, _, _) = try await access.attempt(attemptID, principal: principal)
        guard let image = try await quizzes.content(for: attempt, of: quiz).image(sha256, drawnIn: attempt.plan) else {
            throw AcademyError.notFound("No such image.")
        }
        return image
    }

    /// What an attempt shows: the questions it drew, its answers (read unless `known`), and
    /// whether its results may be shown yet (always to staff; to the student per the quiz's
    /// review policy once the attempt is over).
    public func review(
        _ attempt: QuizAttempt, of quiz: StoredQuiz, asStaff: Bool, answers known: [SavedAnswer]? = nil
    ) async throws -> (content: QuizContent, answers: [SavedAnswer], showResults: Bool) {
        let content = try await quizzes.content(for: attempt, of: quiz)
        let answers = if let known { known } else { try await attempts.answers(of: attempt.id) }
        var reviewOpen = asStaff
        if !asStaff, attempt.state != .inProgress {
            let extended = quiz.settings.review == .afterClose ? try await quizzes.latestOverrideClose(quizID: quiz.id) : nil
            reviewOpen = QuizRules.reviewIsOpen(quiz.settings, latestExtendedClose: extended, now: Date())
        }
        return (content, answers, reviewOpen)
    }
}
