public import Foundation

/// A quiz as authors write it, the same fields in a request body (`POST /courses/{course}/quizzes`,
/// `PATCH /quizzes/{id}`, as a merge patch of the quiz's own draft) and in a course folder's
/// `quizzes/KEY.yaml`. Settings left out take their defaults.
public struct QuizDraft: Sendable, Equatable, Codable {
    public var translations: [String: QuizContent.Text]?
    /// The quiz's own questions, bank questions (`{bank_question_id}`) and draws from a bank
    /// category (`{from_category, count}`), in the order an attempt gets them.
    public var questions: [QuizItem]?
    public var timeLimitSeconds: Int?
    public var graceSeconds: Int?
    public var maxAttempts: Int?
    public var grading: AttemptGrading?
    public var passPercent: Double?
    public var required: Bool?
    public var shuffleQuestions: Bool?
    public var shuffleOptions: Bool?
    public var questionsPerAttempt: Int?
    public var opensAt: Date?
    public var closesAt: Date?
    public var review: ReviewPolicy?

    /// The quiz as a draft that, applied over nothing, gives it back. Settings at their defaults
    /// are left out, so that a written quiz shows only what its author chose.
    public init(settings: QuizSettings, content: QuizContent) {
        let defaults = QuizSettings(passPercent: settings.passPercent)
        func chosen<Value: Equatable>(_ keyPath: KeyPath<QuizSettings, Value>) -> Value? {
            settings[keyPath: keyPath] == defaults[keyPath: keyPath] ? nil : settings[keyPath: keyPath]
        }
        translations = content.translations
        questions = content.items
        timeLimitSeconds = settings.timeLimitSeconds
        graceSeconds = chosen(\.graceSeconds)
        maxAttempts = settings.maxAttempts
        grading = chosen(\.grading)
        passPercent = settings.passPercent
        required = chosen(\.required)
        shuffleQuestions = chosen(\.shuffleQuestions)
        shuffleOptions = chosen(\.shuffleOptions)
        questionsPerAttempt = settings.questionsPerAttempt
        opensAt = settings.opensAt
        closesAt = settings.closesAt
        review = chosen(\.review)
    }

    /// The quiz this draft gives (a new quiz needs `translations`, `questions` and `pass_percent`;
    /// every other setting left out takes its default), checked against every rule of `QuizRules`;
    /// nil when a problem was added to `validation`. A PATCH merges into the quiz's own draft
    /// first, so it too arrives here whole. `bank` holds the course's bank questions the draft
    /// names or draws from (`[QuizItem].bankNeeds`).
    public func validated(
        defaultLanguage: String, offered: [String], bank: [BankQuestion] = [], into validation: inout FieldValidation
    ) -> (settings: QuizSettings, content: QuizContent)? {
        let before = validation.errors.count
        validation.require(translations, "translations")
        validation.require(questions, "questions")
        guard let passPercent = validation.require(passPercent, "pass_percent") else { return nil }
        guard validation.errors.count == before else { return nil }
        // The defaults live in QuizSettings.init alone.
        let base = QuizSettings(passPercent: passPercent)
        let settings = QuizSettings(
            timeLimitSeconds: timeLimitSeconds ?? base.timeLimitSeconds,
            graceSeconds: graceSeconds ?? base.graceSeconds,
            maxAttempts: maxAttempts ?? base.maxAttempts,
            grading: grading ?? base.grading,
            passPercent: passPercent,
            required: required ?? base.required,
            shuffleQuestions: shuffleQuestions ?? base.shuffleQuestions,
            shuffleOptions: shuffleOptions ?? base.shuffleOptions,
            questionsPerAttempt: questionsPerAttempt ?? base.questionsPerAttempt,
            opensAt: opensAt ?? base.opensAt,
            closesAt: closesAt ?? base.closesAt,
            review: review ?? base.review
        )
        let content = QuizContent.resolving(questions ?? [], translations: translations ?? [:], bank: bank, into: &validation)
        QuizRules.validate(settings: settings, content: content, defaultLanguage: defaultLanguage, offered: offered, into: &validation)
        return validation.errors.count == before ? (settings, content) : nil
    }
}
