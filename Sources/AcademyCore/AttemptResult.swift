/// The outcome of grading an attempt from its stored answers.
public struct AttemptResult: Sendable, Equatable, Codable {
    public struct QuestionResult: Sendable, Equatable, Codable {
        public var id: String
        public var correct: Bool
        public var points: Double
        public var maxPoints: Double
    }

    public var score: Double
    public var maxScore: Double
    public var percent: Double
    public var passed: Bool
    public var questions: [QuestionResult]

    /// Grades every question of the plan (unanswered ones earn nothing) against the content the
    /// attempt started with.
    public static func grade(plan: AttemptPlan, content: QuizContent, answers: [String: QuestionResponse], passPercent: Double) -> AttemptResult {
        let questions = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
        var results: [QuestionResult] = []
        for item in plan.items {
            guard let question = questions[item.questionId], let key = question.key else { continue }
            let grade = Grading.grade(answers[item.questionId], against: key, points: question.points)
            results.append(QuestionResult(id: question.id, correct: grade.correct, points: grade.points, maxPoints: question.points))
        }
        let score = results.reduce(0) { $0 + $1.points }
        let maxScore = results.reduce(0) { $0 + $1.maxPoints }
        let percent = maxScore > 0 ? (score / maxScore * 10_000).rounded() / 100 : 0
        return AttemptResult(score: score, maxScore: maxScore, percent: percent, passed: percent >= passPercent, questions: results)
    }
}
