public import Foundation

/// A course's grades: one row per enrolled student, one column per quiz, each cell the quiz's
/// grade across the student's finished attempts as its `grading` says (nil: not attempted).
public struct Gradebook: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public let quizID: UUID
        public let title: String
        public let grading: AttemptGrading
        public let passPercent: Double
        public let required: Bool

        public init(quizID: UUID, title: String, grading: AttemptGrading, passPercent: Double, required: Bool) {
            self.quizID = quizID
            self.title = title
            self.grading = grading
            self.passPercent = passPercent
            self.required = required
        }
    }

    public struct Row: Sendable, Equatable {
        public let user: User
        public let enrollment: Enrollment
        public let progress: CourseProgress
        /// Aligned with `columns`: the grade across graded attempts.
        public let grades: [Double?]
        /// Aligned with `columns`: whether an attempt's essay waits for an instructor.
        public let needsGrading: [Bool]
    }

    /// A finished attempt's percent (nil while an essay waits for its grade); attempts come in
    /// the order they were made.
    public struct FinishedAttempt: Sendable, Equatable {
        public let userID: UUID
        public let quizID: UUID
        public let percent: Double?

        public init(userID: UUID, quizID: UUID, percent: Double?) {
            self.userID = userID
            self.quizID = quizID
            self.percent = percent
        }
    }

    public let columns: [Column]
    public let rows: [Row]

    public init(columns: [Column], students: [(user: User, enrollment: Enrollment, progress: CourseProgress)], attempts: [FinishedAttempt]) {
        var percents: [UUID: [UUID: [Double]]] = [:]
        var waiting: [UUID: Set<UUID>] = [:]
        for attempt in attempts {
            if let percent = attempt.percent {
                percents[attempt.userID, default: [:]][attempt.quizID, default: []].append(percent)
            } else {
                waiting[attempt.userID, default: []].insert(attempt.quizID)
            }
        }
        self.columns = columns
        rows = students.map { student in
            let mine = percents[student.user.id] ?? [:]
            let mineWaiting = waiting[student.user.id] ?? []
            return Row(
                user: student.user, enrollment: student.enrollment, progress: student.progress,
                grades: columns.map { $0.grading.combine(mine[$0.quizID] ?? []) },
                needsGrading: columns.map { mineWaiting.contains($0.quizID) }
            )
        }
    }

    /// For spreadsheets: a header, then a row per student.
    public var table: [[String]] {
        let header = ["email", "display_name", "status", "lessons_percent"] + columns.map { "\($0.title) (%)" }
        return [header] + rows.map { row in
            [row.user.email, row.user.displayName, row.enrollment.status.rawValue, String(row.progress.percent)]
                + zip(row.grades, row.needsGrading).map { grade, waiting in
                    grade.map { String(format: "%.2f", $0) } ?? (waiting ? "needs grading" : "")
                }
        }
    }
}
