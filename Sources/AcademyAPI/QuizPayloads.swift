package import AcademyCore
import AcademyStore
package import Foundation
import Hummingbird

/// `POST /courses/{course}/quizzes` and `PATCH /quizzes/{id}`: the quiz itself (as a course
/// folder writes it too) and its place in the course.
package struct QuizRequest: Codable, Sendable {
    var draft: QuizDraft
    let moduleId: UUID?
    let position: Int?
    let releaseAt: Date?
    let requiresPrevious: Bool?

    enum CodingKeys: String, CodingKey {
        case moduleId, position, releaseAt, requiresPrevious
    }

    package init(draft: QuizDraft, moduleId: UUID?, position: Int?, releaseAt: Date?, requiresPrevious: Bool?) {
        self.draft = draft
        self.moduleId = moduleId
        self.position = position
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
    }

    /// The document `PATCH /quizzes/{id}` merges into: the quiz as its author would write it.
    init(editing quiz: StoredQuiz) {
        draft = QuizDraft(settings: quiz.settings, content: quiz.content)
        moduleId = quiz.moduleID
        position = quiz.position
        releaseAt = quiz.releaseAt
        requiresPrevious = quiz.requiresPrevious
    }

    package init(from decoder: any Decoder) throws {
        draft = try QuizDraft(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        moduleId = try container.decodeIfPresent(UUID.self, forKey: .moduleId)
        position = try container.decodeIfPresent(Int.self, forKey: .position)
        releaseAt = try container.decodeIfPresent(Date.self, forKey: .releaseAt)
        requiresPrevious = try container.decodeIfPresent(Bool.self, forKey: .requiresPrevious)
    }

    package func encode(to encoder: any Encoder) throws {
        try draft.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(moduleId, forKey: .moduleId)
        try container.encodeIfPresent(position, forKey: .position)
        try container.encodeIfPresent(releaseAt, forKey: .releaseAt)
        try container.encodeIfPresent(requiresPrevious, forKey: .requiresPrevious)
    }
}

struct AnswerSave: Decodable {
    let response: QuestionResponse
    let seq: Int
}

/// `PUT /attempts/{id}/grades/{question_id}`: an instructor's grade for an essay.
struct EssayGrade: Decodable {
    let points: Double
    let comment: String?
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
        try container.encode(quiz.content.items, forKey: .questions)
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
        try container.encode(settings.questionsPerAttempt ?? quiz.content.slotCount, forKey: .questionCount)
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
/// An attempt as its student or the course's staff see it, written directly (`JSONWriter`): a
/// start and a submit answer with it, thousands of times in an exam's first and last minutes.
struct AttemptResponse: ResponseGenerator {
    let attempt: QuizAttempt
    let content: QuizContent
    let answers: [SavedAnswer]
    let choice: LanguageChoice
    let showResults: Bool

    func response(from request: Request, context: some RequestContext) throws -> Response {
        .json(json)
    }

    /// Members in key order, as the API's encoder sorts them.
    var json: String {
        var json = JSONWriter(capacity: 4096)
        // Scores say how many answers were right: shown only when the review policy allows.
        let result = showResults ? attempt.result : nil
        // A percent and a pass only once every essay has its grade.
        let settled = result.flatMap { $0.needsGrading ? nil : $0 }
        let questions = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
        json.object { json in
            json.key("answers")
            json.array { json in
                for answer in answers {
                    answer.write(to: &json)
                }
            }
            json.member("deadline", attempt.deadline)
            json.member("grace_seconds", attempt.graceSeconds)
            json.member("id", attempt.id.apiString)
            json.member("max_score", result?.maxScore)
            json.member("number", attempt.number)
            json.member("passed", settled?.passed)
            json.member("percent", settled?.percent)
            json.key("questions")
            json.array { json in
                for item in attempt.plan.items {
                    guard let question = questions[item.questionId] else { continue }
                    let text = choice.text(question.translations)
                    json.object { json in
                        json.member("id", question.id)
                        if let images = question.images, !images.isEmpty {
                            json.key("images")
                            json.array { json in
                                for image in images {
                                    json.object { json in
                                        json.member("name", image.name)
                                        json.member("url", "/api/v1/attempts/\(attempt.id.apiString)/images/\(image.sha256)")
                                    }
                                }
                            }
                        }
                        json.member("kind", question.kind.rawValue)
                        if let order = item.matchIds, let matches = text?.matches {
                            Self.write("matches", matches, in: order, to: &json)
                        }
                        if question.kind == .essay {
                            json.member("max_length", question.essayLength)
                        }
                        if let order = item.optionIds, let options = text?.options {
                            Self.write("options", options, in: order, to: &json)
                        }
                        json.member("points", question.points)
                        json.member("prompt", text?.prompt ?? "")
                    }
                }
            }
            json.member("quiz_id", attempt.quizID.apiString)
            if let result {
                let responses = Dictionary(answers.map { ($0.questionID, $0.response) }, uniquingKeysWith: { first, _ in first })
                json.key("results")
                json.array { json in
                    for entry in result.questions {
                        let question = questions[entry.id]
                        let text = question.flatMap { choice.text($0.translations) }
                        json.object { json in
                            if let question, let text {
                                json.key("answer_feedback")
                                json.array { json in
                                    for feedback in question.answerFeedback(for: responses[entry.id], in: text) { json.string(feedback) }
                                }
                            }
                            json.member("comment", entry.comment)
                            json.member("correct", entry.correct)
                            json.member("feedback", text?.feedback)
                            json.member("id", entry.id)
                            json.member("needs_grading", entry.pending == true)
                            json.member("points", entry.points)
                        }
                    }
                }
            }
            json.member("score", result?.score)
            json.member("started_at", attempt.startedAt)
            json.member("state", attempt.shownState)
            json.member("submitted_at", attempt.submittedAt)
            json.member("user_id", attempt.userID.apiString)
        }
        return json.text
    }
}

extension AttemptResponse {
    /// Options or matches as the attempt drew them: `order` holds their ids.
    static func write(_ key: String, _ options: [QuizOption], in order: [String], to json: inout JSONWriter) {
        let byID = Dictionary(uniqueKeysWithValues: options.map { ($0.id, $0) })
        json.key(key)
        json.array { json in
            for option in order.compactMap({ byID[$0] }) {
                json.object { json in
                    json.member("id", option.id)
                    json.member("text", option.text)
                }
            }
        }
    }
}
