public import AcademyCore
public import Foundation

/// Reads a course's gradebook: its roster, its quizzes and every graded attempt, in three queries.
public struct GradebookReader: Sendable {
    let enrollments: EnrollmentRepository
    let quizzes: QuizRepository
    let attempts: AttemptRepository

    public init(database: Database) {
        enrollments = EnrollmentRepository(database: database)
        quizzes = QuizRepository(database: database)
        attempts = AttemptRepository(database: database)
    }

    /// Quiz titles in `language` when the quiz has it, else in the course's default language.
    public func gradebook(of course: Course, language: String) async throws -> Gradebook {
        let columns = try await quizzes.quizzes(of: course.id).map { quiz in
            let text = Languages.text(quiz.content.translations, in: language, fallback: course.defaultLanguage)
            return Gradebook.Column(
                quizID: quiz.id, title: text?.title ?? quiz.id.uuidString.lowercased(), grading: quiz.settings.grading,
                passPercent: quiz.settings.passPercent, required: quiz.settings.required
            )
        }
        let students = try await enrollments.wholeRoster(of: course.id).map { ($0.user, $0.enrollment, $0.progress) }
        return Gradebook(columns: columns, students: students, attempts: try await attempts.finishedAttempts(courseID: course.id))
    }
}
