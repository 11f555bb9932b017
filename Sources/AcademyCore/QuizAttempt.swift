public import Foundation

/// A quiz as stored: its place in the course, its settings and its current content.
public struct StoredQuiz: Sendable, Equatable {
    public let id: UUID
    public let courseID: UUID
    public let moduleID: UUID
    public let position: Int
    public let releaseAt: Date?
    public let requiresPrevious: Bool
    /// The stable key of course folders (nil until the course is first exported).
    public let key: String?
    public let settings: QuizSettings
    public let content: QuizContent
    public let version: Int

    public init(
        id: UUID, courseID: UUID, moduleID: UUID, position: Int, releaseAt: Date?, requiresPrevious: Bool, key: String?,
        settings: QuizSettings, content: QuizContent, version: Int
    ) {
        self.id = id
        self.courseID = courseID
        self.moduleID = moduleID
        self.position = position
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
        self.key = key
        self.settings = settings
        self.content = content
        self.version = version
    }
}

public enum AttemptState: String, Sendable, Codable {
    case inProgress = "in_progress"
    case submitted
    case expiredSubmitted = "expired_submitted"
}

/// One student's attempt at a quiz: the questions and order drawn at its start, its deadline, and
/// once finished, its result.
public struct QuizAttempt: Sendable, Equatable {
    public let id: UUID
    public let quizID: UUID
    public let userID: UUID
    public let number: Int
    public let version: Int
    public let plan: AttemptPlan
    public let state: AttemptState
    public let startedAt: Date
    public let deadline: Date?
    public let graceSeconds: Int
    public let submittedAt: Date?
    public let result: AttemptResult?

    public init(
        id: UUID, quizID: UUID, userID: UUID, number: Int, version: Int, plan: AttemptPlan, state: AttemptState,
        startedAt: Date, deadline: Date?, graceSeconds: Int, submittedAt: Date?, result: AttemptResult?
    ) {
        self.id = id
        self.quizID = quizID
        self.userID = userID
        self.number = number
        self.version = version
        self.plan = plan
        self.state = state
        self.startedAt = startedAt
        self.deadline = deadline
        self.graceSeconds = graceSeconds
        self.submittedAt = submittedAt
        self.result = result
    }

    /// After this, saves are refused and the attempt is graded as it stands. The grace absorbs a
    /// slow connection's last save, never more. (The store's save and sweep statements apply the
    /// same bound to the row itself, where it cannot change underneath them.)
    public var closesAt: Date? { deadline.map { $0.addingTimeInterval(Double(graceSeconds)) } }

    public func isOpen(at now: Date) -> Bool {
        state == .inProgress && (closesAt.map { now <= $0 } ?? true)
    }

    /// The state as the API and the pages name it: a finished attempt whose essays wait for a
    /// person `needs_grading`.
    public var shownState: String {
        result?.needsGrading == true ? "needs_grading" : state.rawValue
    }

    /// Whether a read at `now` must first grade the attempt from its saved answers.
    public func isExpiredUngraded(at now: Date) -> Bool {
        state == .inProgress && !isOpen(at: now)
    }
}

/// One stored answer of an attempt, with the sequence number that orders a student's saves.
public struct SavedAnswer: Sendable, Equatable {
    public let questionID: String
    public let response: QuestionResponse
    public let seq: Int
    public let savedAt: Date

    public init(questionID: String, response: QuestionResponse, seq: Int, savedAt: Date) {
        self.questionID = questionID
        self.response = response
        self.seq = seq
        self.savedAt = savedAt
    }
}

extension SavedAnswer {
    /// As the API shows a saved answer, keys sorted.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.member("question_id", questionID)
            json.key("response")
            response.write(to: &json)
            json.member("saved_at", savedAt)
            json.member("seq", seq)
        }
    }
}

/// What a start request does, given the student's attempts so far (under the store's lock).
public enum AttemptStart: Sendable, Equatable {
    /// An attempt is still open: hand it back rather than start a second one.
    case resume(QuizAttempt)
    /// Start attempt number `number`.
    case start(number: Int)

    /// The open attempt if there is one; otherwise a new one while attempts remain. An attempt
    /// past its deadline counts as used even before it is graded.
    public static func decide(existing attempts: [QuizAttempt], maxAttempts: Int?, now: Date) throws(AcademyError) -> AttemptStart {
        if let open = attempts.last(where: { $0.isOpen(at: now) }) {
            return .resume(open)
        }
        if let maxAttempts, attempts.count >= maxAttempts {
            throw .conflict("You have used all \(maxAttempts) attempts of this quiz.")
        }
        return .start(number: attempts.count + 1)
    }
}

/// How an answer save is checked before it reaches the store: the question must be one the
/// attempt drew, the response must fit its kind, and `seq` is never negative.
public enum AnswerRules {
    /// The question of `questionID`, if the attempt drew it.
    public static func question(_ questionID: String, of attempt: QuizAttempt, in content: QuizContent) throws(AcademyError) -> QuizQuestion {
        guard attempt.plan.items.contains(where: { $0.questionId == questionID }),
              let question = content.questions.first(where: { $0.id == questionID })
        else {
            throw .notFound("This attempt has no question \(questionID).")
        }
        return question
    }

    public static func validate(
        _ response: QuestionResponse, seq: Int, questionID: String, attempt: QuizAttempt, content: QuizContent
    ) throws(AcademyError) {
        let question = try question(questionID, of: attempt, in: content)
        var validation = FieldValidation()
        if !QuizRules.response(response, fits: question) {
            validation.add(FieldError(field: "response", message: "does not fit a \(question.kind.rawValue) question"))
        }
        if seq < 0 {
            validation.add(FieldError(field: "seq", message: "must be 0 or more"))
        }
        try validation.finish()
    }
}
