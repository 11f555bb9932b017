import Foundation

/// The outcome of grading an attempt from its stored answers. Essays wait for a person: until
/// each has its points the attempt needs grading, and neither its percent nor its pass counts.
public struct AttemptResult: Sendable, Equatable, Codable {
    public struct QuestionResult: Sendable, Equatable, Codable {
        public var id: String
        public var correct: Bool
        public var points: Double
        public var maxPoints: Double
        /// An essay no one has graded yet.
        public var pending: Bool?
        /// What the grader wrote to the student.
        public var comment: String?

        public init(id: String, correct: Bool, points: Double, maxPoints: Double, pending: Bool? = nil, comment: String? = nil) {
            self.id = id
            self.correct = correct
            self.points = points
            self.maxPoints = maxPoints
            self.pending = pending
            self.comment = comment
        }
    }

    public var score: Double
    public var maxScore: Double
    public var percent: Double
    public var passed: Bool
    public var questions: [QuestionResult]

    /// Whether an essay still waits for its grade.
    public var needsGrading: Bool { questions.contains { $0.pending == true } }

    /// Grades every question of the plan (unanswered ones earn nothing) against the content the
    /// attempt started with; essays wait for a person.
    public static func grade(plan: AttemptPlan, content: QuizContent, answers: [String: QuestionResponse], passPercent: Double) -> AttemptResult {
        let questions = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
        var results: [QuestionResult] = []
        for item in plan.items {
            guard let question = questions[item.questionId] else { continue }
            if question.kind == .essay {
                // An essay left empty has nothing to grade: it earns nothing at once.
                let answered = if case .text(let text)? = answers[item.questionId] { !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } else { false }
                results.append(QuestionResult(id: question.id, correct: false, points: 0, maxPoints: question.points, pending: answered ? true : nil))
                continue
            }
            guard let key = question.key else { continue }
            let grade = Grading.grade(answers[item.questionId], against: key, points: question.points)
            results.append(QuestionResult(id: question.id, correct: grade.correct, points: grade.points, maxPoints: question.points))
        }
        return totals(of: results, passPercent: passPercent)
    }

    /// An instructor's grade for one essay (given again, it replaces the last): `points` from 0
    /// to the question's, and a comment for the student.
    public func grading(essay questionID: String, points: Double, comment: String?, content: QuizContent, passPercent: Double) throws(AcademyError) -> AttemptResult {
        guard let index = questions.firstIndex(where: { $0.id == questionID }),
              content.questions.first(where: { $0.id == questionID })?.kind == .essay
        else {
            throw .notFound("This attempt has no essay \(questionID).")
        }
        var validation = FieldValidation()
        let maxPoints = questions[index].maxPoints
        if !(points.isFinite && points >= 0 && points <= maxPoints) {
            validation.add(FieldError(field: "points", message: "must be from 0 to \(TypedNumber.text(maxPoints))"))
        }
        if let comment, comment.count > 10_000 {
            validation.add(FieldError(field: "comment", message: "must be at most 10000 characters"))
        }
        try validation.finish()
        var graded = questions
        let rounded = (points * 100).rounded() / 100
        graded[index] = QuestionResult(
            id: questionID, correct: rounded == maxPoints, points: rounded, maxPoints: maxPoints,
            comment: comment.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 }
        )
        return Self.totals(of: graded, passPercent: passPercent)
    }

    private static func totals(of results: [QuestionResult], passPercent: Double) -> AttemptResult {
        let score = results.reduce(0) { $0 + $1.points }
        let maxScore = results.reduce(0) { $0 + $1.maxPoints }
        let percent = maxScore > 0 ? (score / maxScore * 10_000).rounded() / 100 : 0
        let waiting = results.contains { $0.pending == true }
        return AttemptResult(score: score, maxScore: maxScore, percent: percent, passed: !waiting && percent >= passPercent, questions: results)
    }
}
