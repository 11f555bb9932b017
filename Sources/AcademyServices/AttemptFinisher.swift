public import AcademyStore
public import AcademyCore
public import Foundation
import Logging


/// Ends attempts: grades them from their stored answers (once) and settles the enrolment when a
/// pass finishes the course. Used by the submit route, by reads of an attempt past its deadline,
/// and by the sweeper, so each path ends an attempt the same way.
public struct AttemptFinisher: Sendable {
    let quizzes: QuizRepository
    let attempts: AttemptRepository
    let enrollments: EnrollmentRepository
    let certificates: CertificateService

    public init(quizzes: QuizRepository, attempts: AttemptRepository, enrollments: EnrollmentRepository, certificates: CertificateService) {
        self.quizzes = quizzes
        self.attempts = attempts
        self.enrollments = enrollments
        self.certificates = certificates
    }

    /// The content is read before the attempt's row is locked: grading inside the transaction
    /// must not wait for a second pooled connection, or a burst of submits starves the pool.
    /// The attempt as it ended, with the answers it was graded from.
    public func finish(
        _ attempt: QuizAttempt, quiz: StoredQuiz, as state: AttemptState, now: Date
    ) async throws -> (attempt: QuizAttempt, answers: [SavedAnswer]) {
        try await finish(attempt.id, quiz: quiz, content: try await quizzes.content(for: attempt, of: quiz), as: state, now: now)
    }

    private func finish(
        _ attemptID: UUID, quiz: StoredQuiz, content: QuizContent, as state: AttemptState, now: Date
    ) async throws -> (attempt: QuizAttempt, answers: [SavedAnswer]) {
        let passPercent = quiz.settings.passPercent
        let (attempt, answers, finishedNow) = try await attempts.finish(attemptID, as: state, now: now) { attempt, answers in
            AttemptResult.grade(plan: attempt.plan, content: content, answers: answers, passPercent: passPercent)
        }
        // A pass may complete the course; so may a mere submission when results are never shown.
        let mayCount = attempt.result?.passed == true || QuizRules.submissionCounts(quiz.settings)
        if finishedNow, mayCount, let enrollment = try await enrollments.find(userID: attempt.userID, courseID: quiz.courseID) {
            try await settle(enrollment)
        }
        return (attempt, answers)
    }

    /// An instructor's grade for one essay of a finished attempt. Once its last essay is graded
    /// the attempt has its percent, and a pass may complete the course.
    public func grade(essay questionID: String, of attempt: QuizAttempt, quiz: StoredQuiz, points: Double, comment: String?) async throws -> QuizAttempt {
        let content = try await quizzes.content(for: attempt, of: quiz)
        let passPercent = quiz.settings.passPercent
        let graded = try await attempts.regrade(attempt.id) { attempt in
            guard attempt.state != .inProgress, let result = attempt.result else {
                throw AcademyError.conflict("This attempt is still in progress: its essays are graded once it is submitted.")
            }
            return try result.grading(essay: questionID, points: points, comment: comment, content: content, passPercent: passPercent)
        }
        if graded.result?.passed == true, let enrollment = try await enrollments.find(userID: graded.userID, courseID: quiz.courseID) {
            try await settle(enrollment)
        }
        return graded
    }

    private func settle(_ enrollment: Enrollment) async throws {
        if try await enrollments.settle(enrollment).finishedCourse {
            _ = try await certificates.issue(for: enrollment)
        }
    }

    /// Settles the enrolments of every quiz whose results became visible after its attempts
    /// ended (review after close): passes count from then, and may complete courses. Returns how
    /// many enrolments were settled.
    public func settleNewlyVisibleResults() async throws -> Int {
        var settled = 0
        for (quizID, visibleFrom) in try await quizzes.quizzesWithNewlyVisibleResults() {
            for enrollment in try await enrollments.activeEnrollments(withAttemptsAt: quizID) {
                try await settle(enrollment)
                settled += 1
            }
            try await quizzes.markResultsSettled(quizID, visibleFrom: visibleFrom)
        }
        return settled
    }

    public func finishIfExpired(_ attempt: QuizAttempt, quiz: StoredQuiz, now: Date = Date()) async throws -> QuizAttempt {
        guard attempt.isExpiredUngraded(at: now) else { return attempt }
        return try await finish(attempt, quiz: quiz, as: .expiredSubmitted, now: now).attempt
    }

    /// What one sweep did.
    public struct Sweep: Sendable, Equatable {
        public var finished = 0
        /// Attempts that could not be graded, with the reason; the next sweep tries them again.
        public var failures: [UUID: String] = [:]
        /// Another instance held the sweep lock: it grades the same attempts, so this one rested.
        public var sweptElsewhere = false
    }

    /// Grades every attempt whose deadline and grace have passed, `workers` at a time, in batches.
    /// One instance sweeps at a time. An attempt that cannot be graded is reported and skipped for
    /// the rest of the sweep, so it never holds up the others.
    public func finishExpired(now: Date = Date(), batch: Int = 500, workers: Int = 4) async throws -> Sweep {
        try await attempts.whileHoldingSweepLock {
            var sweep = Sweep()
            while true {
                let due = try await attempts.expired(now: now, limit: batch, skipping: Array(sweep.failures.keys))
                let contents = try await contentsOfQuizzes(for: due)
                let outcomes = await withTaskGroup(of: (UUID, String?).self) { group in
                    var pending = due.makeIterator()
                    var outcomes: [(UUID, String?)] = []
                    func addNext() {
                        guard let next = pending.next() else { return }
                        group.addTask {
                            guard let (quiz, content) = contents[QuizVersion(quizID: next.quizID, version: next.version)] else {
                                return (next.id, "its quiz or the quiz's version \(next.version) is missing")
                            }
                            do {
                                _ = try await finish(next.id, quiz: quiz, content: content, as: .expiredSubmitted, now: now)
                                return (next.id, nil)
                            } catch {
                                return (next.id, "\(Database.loggable(error))")
                            }
                        }
                    }
                    for _ in 0..<workers { addNext() }
                    while let outcome = await group.next() {
                        outcomes.append(outcome)
                        addNext()
                    }
                    return outcomes
                }
                for (id, failure) in outcomes {
                    if let failure { sweep.failures[id] = failure } else { sweep.finished += 1 }
                }
                if due.count < batch { return sweep }
            }
        } ?? Sweep(sweptElsewhere: true)
    }

    private struct QuizVersion: Hashable {
        let quizID: UUID
        let version: Int
    }

    /// Each quiz of a batch once, with the content of each version its attempts started with.
    private func contentsOfQuizzes(for due: [AttemptRepository.ExpiredAttempt]) async throws -> [QuizVersion: (StoredQuiz, QuizContent)] {
        var contents: [QuizVersion: (StoredQuiz, QuizContent)] = [:]
        var loaded: [UUID: StoredQuiz] = [:]
        for key in Set(due.map { QuizVersion(quizID: $0.quizID, version: $0.version) }) {
            let quiz: StoredQuiz
            if let known = loaded[key.quizID] {
                quiz = known
            } else {
                guard let found = try await quizzes.find(key.quizID) else { continue }
                quiz = found
                loaded[key.quizID] = found
            }
            let content = key.version == quiz.version ? quiz.content : try await quizzes.content(of: quiz.id, version: key.version)
            if let content { contents[key] = (quiz, content) }
        }
        return contents
    }
}
