public import AcademyStore
import AcademyCore
public import Foundation
import Logging
import ServiceLifecycle

/// Ends attempts: grades them from their stored answers (once) and settles the enrolment when a
/// pass finishes the course. Used by the submit route, by reads of an attempt past its deadline,
/// and by the sweeper, so each path ends an attempt the same way.
public struct AttemptFinisher: Sendable {
    let quizzes: QuizRepository
    let attempts: AttemptRepository
    let enrollments: EnrollmentRepository
    let certificates: CertificateService

    public init(database: Database, users: UserRepository) {
        quizzes = QuizRepository(database: database)
        attempts = AttemptRepository(database: database)
        enrollments = EnrollmentRepository(database: database)
        certificates = CertificateService(database: database, users: users)
    }

    /// The content is read before the attempt's row is locked: grading inside the transaction
    /// must not wait for a second pooled connection, or a burst of submits starves the pool.
    func finish(_ attempt: QuizAttempt, quiz: StoredQuiz, as state: AttemptState, now: Date) async throws -> QuizAttempt {
        let content = try await quizzes.content(for: attempt, of: quiz)
        let passPercent = quiz.settings.passPercent
        let (attempt, finishedNow) = try await attempts.finish(attempt.id, as: state, now: now) { attempt, answers in
            AttemptResult.grade(plan: attempt.plan, content: content, answers: answers, passPercent: passPercent)
        }
        if finishedNow, attempt.result?.passed == true,
           let enrollment = try await enrollments.find(userID: attempt.userID, courseID: quiz.courseID),
           try await enrollments.settle(enrollment).finishedCourse {
            _ = try await certificates.issue(for: enrollment)
        }
        return attempt
    }

    func finishIfExpired(_ attempt: QuizAttempt, quiz: StoredQuiz, now: Date = Date()) async throws -> QuizAttempt {
        guard attempt.state == .inProgress, !attempt.isOpen(at: now) else { return attempt }
        return try await finish(attempt, quiz: quiz, as: .expiredSubmitted, now: now)
    }

    /// Grades every attempt whose deadline and grace have passed, in batches; returns how many.
    public func finishExpired(now: Date = Date(), batch: Int = 500) async throws -> Int {
        var finished = 0
        while true {
            let due = try await attempts.expired(now: now, limit: batch)
            for id in due {
                guard let attempt = try await attempts.find(id), let quiz = try await quizzes.find(attempt.quizID) else { continue }
                _ = try await finish(attempt, quiz: quiz, as: .expiredSubmitted, now: now)
                finished += 1
            }
            if due.count < batch { return finished }
        }
    }
}

/// Grades abandoned attempts soon after their deadline, so the gradebook and course completion
/// never wait for the student to come back.
struct AttemptSweeper: Service {
    let finisher: AttemptFinisher
    let interval: Duration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let finished = try await finisher.finishExpired()
                if finished > 0 {
                    logger.info("Graded expired quiz attempts", metadata: ["count": "\(finished)"])
                }
            } catch {
                // The database may be starting or briefly gone; the next round retries.
                logger.warning("Could not sweep expired attempts", metadata: ["reason": "\(ProblemMiddleware.loggable(error))"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
