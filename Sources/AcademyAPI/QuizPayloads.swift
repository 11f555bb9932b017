import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

/// `POST /courses/{course}/quizzes` and `PATCH /quizzes/{id}`: the quiz itself (as a course
/// folder writes it too) and its place in the course.
struct QuizRequest: Decodable {
    let draft: QuizDraft
    let moduleId: UUID?
    let position: Int?
    let releaseAt: Date?
    let requiresPrevious: Bool?

    enum CodingKeys: String, CodingKey {
        case moduleId, position, releaseAt, requiresPrevious
    }

    init(from decoder: any Decoder) throws {
        draft = try QuizDraft(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        moduleId = try container.decodeIfPresent(UUID.self, forKey: .moduleId)
        position = try container.decodeIfPresent(Int.self, forKey: .position)
        releaseAt = try container.decodeIfPresent(Date.self, forKey: .releaseAt)
        requiresPrevious = try container.decodeIfPresent(Bool.self, forKey: .requiresPrevious)
    }
}

struct AnswerSave: Decodable {
    let response: QuestionResponse
    let seq: Int
}

/// A quiz for its editors: everything, answers included.
struct QuizAuthoringResponse: ResponseEncodable {
    let quiz: StoredQuiz

    enum CodingKeys: String, CodingKey {
        case id, courseId, moduleId, position, releaseAt, requiresPrevious, version, settings, translations, questions
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(quiz.id.apiString, forKey: .id)
        try container.encode(quiz.courseID.apiString, forKey: .courseId)
        try container.encode(quiz.moduleID.apiString, forKey: .moduleId)
        try container.encode(quiz.position, forKey: .position)
        try container.encode(quiz.releaseAt, forKey: .releaseAt)
        try container.encode(quiz.requiresPrevious, forKey: .requiresPrevious)
        try container.encode(quiz.version, forKey: .version)
        try container.encode(quiz.settings, forKey: .settings)
        try container.encode(quiz.content.translations, forKey: .translations)
        try container.encode(quiz.content.questions, forKey: .questions)
    }
}

/// A quiz for students: its rules and texts in one language, never a question or an answer
/// (questions come with an attempt, in its order, without answers).
struct QuizStudentResponse: ResponseEncodable {
    let quiz: StoredQuiz
    let choice: LanguageChoice

    enum CodingKeys: String, CodingKey {
        case id, courseId, language, direction, availableLanguages, title, instructions, questionCount
        case timeLimitSeconds, graceSeconds, maxAttempts, grading, passPercent, required, opensAt, closesAt, review
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let text = choice.text(quiz.content.translations)
        let settings = quiz.settings
        try container.encode(quiz.id.apiString, forKey: .id)
        try container.encode(quiz.courseID.apiString, forKey: .courseId)
        try container.encode(choice.language, forKey: .language)
        try container.encode(choice.direction, forKey: .direction)
        try container.encode(choice.available, forKey: .availableLanguages)
        try container.encode(text?.title ?? "", forKey: .title)
        try container.encode(text?.instructions, forKey: .instructions)
        try container.encode(settings.questionsPerAttempt ?? quiz.content.questions.count, forKey: .questionCount)
        try container.encode(settings.timeLimitSeconds, forKey: .timeLimitSeconds)
        try container.encode(settings.graceSeconds, forKey: .graceSeconds)
        try container.encode(settings.maxAttempts, forKey: .maxAttempts)
        try container.encode(settings.grading, forKey: .grading)
        try container.encode(settings.passPercent, forKey: .passPercent)
        try container.encode(settings.required, forKey: .required)
        try container.encode(settings.opensAt, forKey: .opensAt)
        try container.encode(settings.closesAt, forKey: .closesAt)
        try container.encode(settings.review, forKey: .review)
    }
}

/// An attempt as its student or the course's staff see it. Questions (in the attempt's order,
/// without answers) while it runs; results per question only when the review policy allows.
struct AttemptResponse: ResponseEncodable {
    let attempt: QuizAttempt
    let content: QuizContent
    let answers: [SavedAnswer]
    let choice: LanguageChoice
    let showResults: Bool

    enum CodingKeys: String, CodingKey {
        case id, quizId, userId, number, state, startedAt, deadline, graceSeconds, submittedAt
        case score, maxScore, percent, passed, questions, answers, results
    }
    enum QuestionKeys: String, CodingKey { case id, kind, points, prompt, options }
    enum AnswerKeys: String, CodingKey { case questionId, response, seq, savedAt }
    enum ResultKeys: String, CodingKey { case id, correct, points, feedback }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(attempt.id.apiString, forKey: .id)
        try container.encode(attempt.quizID.apiString, forKey: .quizId)
        try container.encode(attempt.userID.apiString, forKey: .userId)
        try container.encode(attempt.number, forKey: .number)
        try container.encode(attempt.state, forKey: .state)
        try container.encode(attempt.startedAt, forKey: .startedAt)
        try container.encode(attempt.deadline, forKey: .deadline)
        try container.encode(attempt.graceSeconds, forKey: .graceSeconds)
        try container.encode(attempt.submittedAt, forKey: .submittedAt)
        // Scores say how many answers were right: shown only when the review policy allows.
        let result = showResults ? attempt.result : nil
        try container.encode(result?.score, forKey: .score)
        try container.encode(result?.maxScore, forKey: .maxScore)
        try container.encode(result?.percent, forKey: .percent)
        try container.encode(result?.passed, forKey: .passed)
        let questions = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
        var list = container.nestedUnkeyedContainer(forKey: .questions)
        for item in attempt.plan.items {
            guard let question = questions[item.questionId] else { continue }
            let text = choice.text(question.translations)
            var entry = list.nestedContainer(keyedBy: QuestionKeys.self)
            try entry.encode(question.id, forKey: .id)
            try entry.encode(question.kind, forKey: .kind)
            try entry.encode(question.points, forKey: .points)
            try entry.encode(text?.prompt ?? "", forKey: .prompt)
            if let order = item.optionIds, let options = text?.options {
                let byID = Dictionary(uniqueKeysWithValues: options.map { ($0.id, $0) })
                try entry.encode(order.compactMap { byID[$0] }, forKey: .options)
            }
        }
        var saved = container.nestedUnkeyedContainer(forKey: .answers)
        for answer in answers {
            var entry = saved.nestedContainer(keyedBy: AnswerKeys.self)
            try entry.encode(answer.questionID, forKey: .questionId)
            try entry.encode(answer.response, forKey: .response)
            try entry.encode(answer.seq, forKey: .seq)
            try entry.encode(answer.savedAt, forKey: .savedAt)
        }
        if showResults, let result = attempt.result {
            var results = container.nestedUnkeyedContainer(forKey: .results)
            for entry in result.questions {
                var item = results.nestedContainer(keyedBy: ResultKeys.self)
                try item.encode(entry.id, forKey: .id)
                try item.encode(entry.correct, forKey: .correct)
                try item.encode(entry.points, forKey: .points)
                let text = questions[entry.id].flatMap { choice.text($0.translations) }
                try item.encode(text?.feedback, forKey: .feedback)
            }
        }
    }
}
