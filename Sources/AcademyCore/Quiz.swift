public import Foundation

public enum QuestionKind: String, Sendable, Codable, CaseIterable {
    case singleChoice = "single_choice"
    case multipleChoice = "multiple_choice"
    case trueFalse = "true_false"
    case shortText = "short_text"
    case numeric
    /// Put the options in order: `answer.option_ids` is the right order.
    case ordering
    /// Text only: nothing to answer, no points.
    case description
    /// Match each option (a premise) with one of `matches`; a share of the points per right pair.
    case matching
    /// Free text up to `answer.max_length` characters, graded by an instructor: the attempt
    /// needs grading until then.
    case essay

    /// Options in every language: choices, or the items to order.
    public var hasOptions: Bool { self == .singleChoice || self == .multipleChoice || self == .ordering || self == .matching }
}

public enum ReviewPolicy: String, Sendable, Codable {
    case never
    case afterSubmit = "after_submit"
    case afterClose = "after_close"
}

/// A quiz's rules, apart from its questions.
public struct QuizSettings: Sendable, Equatable, Codable {
    public var timeLimitSeconds: Int?
    public var graceSeconds: Int
    public var maxAttempts: Int?
    public var grading: AttemptGrading
    public var passPercent: Double
    public var required: Bool
    public var shuffleQuestions: Bool
    public var shuffleOptions: Bool
    public var questionsPerAttempt: Int?
    public var opensAt: Date?
    public var closesAt: Date?
    public var review: ReviewPolicy

    public init(
        timeLimitSeconds: Int? = nil, graceSeconds: Int = 30, maxAttempts: Int? = nil, grading: AttemptGrading = .highest,
        passPercent: Double, required: Bool = false, shuffleQuestions: Bool = false, shuffleOptions: Bool = false,
        questionsPerAttempt: Int? = nil, opensAt: Date? = nil, closesAt: Date? = nil, review: ReviewPolicy = .afterSubmit
    ) {
        self.timeLimitSeconds = timeLimitSeconds
        self.graceSeconds = graceSeconds
        self.maxAttempts = maxAttempts
        self.grading = grading
        self.passPercent = passPercent
        self.required = required
        self.shuffleQuestions = shuffleQuestions
        self.shuffleOptions = shuffleOptions
        self.questionsPerAttempt = questionsPerAttempt
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.review = review
    }
}

/// Accommodations for one student: each field, when set, replaces the quiz's own.
public struct QuizOverride: Sendable, Equatable, Codable {
    public var timeLimitSeconds: Int?
    public var maxAttempts: Int?
    public var closesAt: Date?

    public init(timeLimitSeconds: Int?, maxAttempts: Int?, closesAt: Date?) {
        self.timeLimitSeconds = timeLimitSeconds
        self.maxAttempts = maxAttempts
        self.closesAt = closesAt
    }
}

extension QuizSettings {
    /// The settings one student takes the quiz under.
    public func applying(_ override: QuizOverride?) -> QuizSettings {
        guard let override else { return self }
        var settings = self
        settings.timeLimitSeconds = override.timeLimitSeconds ?? timeLimitSeconds
        settings.maxAttempts = override.maxAttempts ?? maxAttempts
        settings.closesAt = override.closesAt ?? closesAt
        return settings
    }
}

public struct QuizOption: Sendable, Equatable, Codable {
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

public struct QuestionText: Sendable, Equatable, Codable {
    public var prompt: String
    public var options: [QuizOption]?
    /// A matching question's answers to match the options with (extra ones mislead).
    public var matches: [QuizOption]?
    /// Shown in review whatever the response.
    public var feedback: String?
    /// Shown in review to whoever gave a particular answer (Moodle's per-answer feedback).
    public var answerFeedback: [AnswerFeedback]?

    public init(
        prompt: String, options: [QuizOption]? = nil, matches: [QuizOption]? = nil, feedback: String? = nil, answerFeedback: [AnswerFeedback]? = nil
    ) {
        self.prompt = prompt
        self.options = options
        self.matches = matches
        self.feedback = feedback
        self.answerFeedback = answerFeedback
    }
}

/// What a student who gave `answer` reads in review. `answer` names it as the question's key
/// does: an option id (choice), `true` or `false`, a short text as accepted (with `*`), or a
/// number as written in `value` or `partial_values`.
public struct AnswerFeedback: Sendable, Equatable, Codable {
    public var answer: String
    public var feedback: String

    public init(answer: String, feedback: String) {
        self.answer = answer
        self.feedback = feedback
    }
}

/// A true/false answer is a boolean, a numeric one a number: one JSON field, `value`, for both.
public enum AnswerValue: Sendable, Equatable, Codable {
    case bool(Bool)
    case number(Double)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .number(try container.decode(Double.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .bool(let bool): try container.encode(bool)
        case .number(let number): try container.encode(number)
        }
    }
}

/// The `answer` of a question as authors write it; which fields apply depends on the kind.
/// Beyond the fully right answer, `weights` give each option of a choice question its credit
/// (Moodle's fractions: 0.5 is half the points, -0.33 takes a third back; a question never
/// scores below 0), and `partially_accepted` / `partial_values` list short texts and numbers
/// worth part of the points.
public struct QuestionAnswer: Sendable, Equatable, Codable {
    public var optionId: String?
    public var optionIds: [String]?
    public var value: AnswerValue?
    public var accepted: [String]?
    public var caseSensitive: Bool?
    public var normalize: TextNormalization?
    public var tolerance: Double?
    public var weights: [OptionCredit]?
    public var partiallyAccepted: [CreditedText]?
    public var partialValues: [CreditedValue]?
    /// A matching question's right pairs: every option with its match.
    public var pairs: [MatchPair]?
    /// An essay's longest answer, in characters (`QuizRules.essayLength` when not given).
    public var maxLength: Int?

    public init(
        optionId: String? = nil, optionIds: [String]? = nil, value: AnswerValue? = nil, accepted: [String]? = nil, caseSensitive: Bool? = nil,
        normalize: TextNormalization? = nil, tolerance: Double? = nil, weights: [OptionCredit]? = nil, partiallyAccepted: [CreditedText]? = nil,
        partialValues: [CreditedValue]? = nil, pairs: [MatchPair]? = nil, maxLength: Int? = nil
    ) {
        self.optionId = optionId
        self.optionIds = optionIds
        self.value = value
        self.accepted = accepted
        self.caseSensitive = caseSensitive
        self.normalize = normalize
        self.tolerance = tolerance
        self.weights = weights
        self.partiallyAccepted = partiallyAccepted
        self.partialValues = partialValues
        self.pairs = pairs
        self.maxLength = maxLength
    }
}

/// An option of a matching question and the match that belongs to it.
public struct MatchPair: Sendable, Equatable, Hashable, Codable {
    public var optionId: String
    public var matchId: String

    public init(optionId: String, matchId: String) {
        self.optionId = optionId
        self.matchId = matchId
    }
}

/// An option's credit in a choice question (a list, not a map: option ids stay as written).
public struct OptionCredit: Sendable, Equatable, Codable {
    public var optionId: String
    public var credit: Double

    public init(optionId: String, credit: Double) {
        self.optionId = optionId
        self.credit = credit
    }
}

/// A short text worth part of the points; `*` in it stands for any run of characters.
public struct CreditedText: Sendable, Equatable, Codable {
    public var text: String
    public var credit: Double

    public init(text: String, credit: Double) {
        self.text = text
        self.credit = credit
    }
}

/// A number worth part of the points, within its own tolerance.
public struct CreditedValue: Sendable, Equatable, Codable {
    public var value: Double
    public var tolerance: Double?
    public var credit: Double

    public init(value: Double, tolerance: Double? = nil, credit: Double) {
        self.value = value
        self.tolerance = tolerance
        self.credit = credit
    }
}

/// An image shown with a question in every language (as Moodle XML embeds them), stored like
/// attachments under its SHA-256.
public struct QuestionImage: Sendable, Equatable, Codable {
    public var name: String
    public var sha256: String
    public var mediaType: String
    public var size: Int

    public init(name: String, sha256: String, mediaType: String, size: Int) {
        self.name = name
        self.sha256 = sha256
        self.mediaType = mediaType
        self.size = size
    }

    /// What a question may show: pictures a browser draws itself.
    public static let mediaTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]
    public static let maximumCount = 10
}

public struct QuizQuestion: Sendable, Equatable, Codable {
    public var id: String
    public var kind: QuestionKind
    public var points: Double
    public var partialCredit: Bool?
    public var translations: [String: QuestionText]
    public var answer: QuestionAnswer
    /// Images that come with the question from an imported file (never from an author's JSON:
    /// a bank question keeps the ones it has).
    public var images: [QuestionImage]?

    public init(id: String, kind: QuestionKind, points: Double, partialCredit: Bool? = nil, translations: [String: QuestionText], answer: QuestionAnswer) {
        self.id = id
        self.kind = kind
        self.points = points
        self.partialCredit = partialCredit
        self.translations = translations
        self.answer = answer
    }

    enum CodingKeys: String, CodingKey { case id, kind, points, partialCredit, translations, answer, images }

    /// A question without an id reads as one with an empty id, which validation refuses for a
    /// quiz's own question and a bank question never needs (the bank gives it its own).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        kind = try container.decode(QuestionKind.self, forKey: .kind)
        points = try container.decode(Double.self, forKey: .points)
        partialCredit = try container.decodeIfPresent(Bool.self, forKey: .partialCredit)
        translations = try container.decode([String: QuestionText].self, forKey: .translations)
        answer = try container.decode(QuestionAnswer.self, forKey: .answer)
        images = try container.decodeIfPresent([QuestionImage].self, forKey: .images)
    }

    /// The grading key; nil for a description (nothing to grade), an essay (graded by a person)
    /// or an answer that validation would refuse.
    public var key: AnswerKey? {
        switch kind {
        case .essay:
            return nil
        case .ordering:
            return answer.optionIds.map { .ordering(order: $0, partialCredit: partialCredit ?? false) }
        case .description:
            return nil
        case .matching:
            return answer.pairs.map { .matching(pairs: Dictionary($0.map { ($0.optionId, $0.matchId) }, uniquingKeysWith: { first, _ in first })) }
        case .singleChoice:
            return answer.optionId.map { .singleChoice(optionID: $0, credits: credits) }
        case .multipleChoice:
            return answer.optionIds.map { .multipleChoice(optionIDs: Set($0), partialCredit: partialCredit ?? false, credits: credits) }
        case .trueFalse:
            if case .bool(let value) = answer.value { return .trueFalse(value) }
            return nil
        case .shortText:
            return answer.accepted.map {
                .shortText(
                    accepted: $0, caseSensitive: answer.caseSensitive ?? false, normalization: answer.normalize ?? .standard,
                    partial: answer.partiallyAccepted ?? []
                )
            }
        case .numeric:
            if case .number(let value) = answer.value {
                return .numeric(value: value, tolerance: answer.tolerance ?? 0, partial: answer.partialValues ?? [])
            }
            return nil
        }
    }

    /// Each weighted option's credit (empty when the question has no weights).
    private var credits: [String: Double] {
        Dictionary((answer.weights ?? []).map { ($0.optionId, $0.credit) }, uniquingKeysWith: { first, _ in first })
    }

    /// The longest answer an essay takes, in characters.
    public var essayLength: Int { answer.maxLength ?? QuizRules.essayLength }

    /// Option ids of the question (the same in every language).
    public var optionIDs: [String] {
        translations.values.first?.options?.map(\.id) ?? []
    }

    /// A matching question's match ids (the same in every language).
    public var matchIDs: [String] {
        translations.values.first?.matches?.map(\.id) ?? []
    }
}

/// What a quiz asks, in every language: its titles and its questions. Versioned: an attempt keeps
/// the content it started with, whatever is edited later.
public struct QuizContent: Sendable, Equatable, Codable {
    public struct Text: Sendable, Equatable, Codable {
        public var title: String
        public var instructions: String?

        public init(title: String, instructions: String? = nil) {
            self.title = title
            self.instructions = instructions
        }
    }

    public var translations: [String: Text]
    /// Every question an attempt may get: the quiz's own, and those it takes from the course's
    /// bank (`bankPicks` says which, and which a draw picks among).
    public var questions: [QuizQuestion]
    public var bankPicks: [BankPick]?

    public init(translations: [String: Text], questions: [QuizQuestion], bankPicks: [BankPick]? = nil) {
        self.translations = translations
        self.questions = questions
        self.bankPicks = bankPicks
    }
}

extension QuizContent {
    /// The image of `sha256` that a question `plan` drew shows; nil when none does.
    public func image(_ sha256: String, drawnIn plan: AttemptPlan) -> QuestionImage? {
        let drawn = Set(plan.items.map(\.questionId))
        return questions.lazy.filter { drawn.contains($0.id) }.compactMap { $0.images?.first { $0.sha256 == sha256 } }.first
    }
}

/// An attempt's fixed selection and order of questions and options, drawn when it starts.
public struct AttemptPlan: Sendable, Equatable, Decodable {
    public struct Item: Sendable, Equatable, Decodable {
        public var questionId: String
        public var optionIds: [String]?
        /// A matching question's matches, in the order drawn (always shuffled).
        public var matchIds: [String]?

        public init(questionId: String, optionIds: [String]?, matchIds: [String]? = nil) {
            self.questionId = questionId
            self.optionIds = optionIds
            self.matchIds = matchIds
        }
    }

    public var items: [Item]

    public init(items: [Item]) {
        self.items = items
    }

    /// As its jsonb column keeps it, keys sorted, written directly: every quiz start stores one
    /// (JSONEncoder took 4.7% of a start's server time for it).
    public var json: String {
        var json = JSONWriter(capacity: 64 * items.count + 16)
        json.object { json in
            json.key("items")
            json.array { json in
                for item in items {
                    json.object { json in
                        if let matchIds = item.matchIds {
                            json.key("match_ids")
                            json.array { json in
                                for id in matchIds { json.string(id) }
                            }
                        }
                        if let optionIds = item.optionIds {
                            json.key("option_ids")
                            json.array { json in
                                for id in optionIds { json.string(id) }
                            }
                        }
                        json.member("question_id", item.questionId)
                    }
                }
            }
        }
        return json.text
    }

    /// Draws each bank draw's questions, then `questionsPerAttempt` questions (all by default),
    /// shuffling questions and options as the settings say.
    public static func draw<Generator: RandomNumberGenerator>(
        from content: QuizContent, settings: QuizSettings, using generator: inout Generator
    ) -> AttemptPlan {
        // Each draw from the bank first: `count` of its pool, where the pool stands.
        var questions = content.questions
        if let picks = content.bankPicks, picks.contains(where: \.isDraw) {
            let drawOf = content.drawOfQuestion
            var drawn: [Int: Set<String>] = [:]
            for (index, pick) in picks.enumerated() where pick.isDraw {
                drawn[index] = Set(pick.questionIds.shuffled(using: &generator).prefix(pick.count ?? 0))
            }
            questions = questions.filter { question in drawOf[question.id].map { drawn[$0]?.contains(question.id) ?? false } ?? true }
        }
        var chosen = questions
        if let count = settings.questionsPerAttempt, count < questions.count {
            chosen = Array(questions.shuffled(using: &generator).prefix(count))
            // Keep the author's order among the drawn ones unless questions are shuffled anyway.
            if !settings.shuffleQuestions {
                let order = Dictionary(uniqueKeysWithValues: questions.enumerated().map { ($1.id, $0) })
                chosen.sort { order[$0.id, default: 0] < order[$1.id, default: 0] }
            }
        }
        if settings.shuffleQuestions {
            chosen.shuffle(using: &generator)
        }
        return AttemptPlan(items: chosen.map { question in
            guard question.kind.hasOptions else { return Item(questionId: question.id, optionIds: nil) }
            // Items to order are always shuffled: in their own order they would give the answer away.
            let ids = question.optionIDs
            let matches = question.kind == .matching ? question.matchIDs.shuffled(using: &generator) : nil
            return Item(
                questionId: question.id, optionIds: settings.shuffleOptions || question.kind == .ordering ? ids.shuffled(using: &generator) : ids,
                matchIds: matches
            )
        })
    }
}

/// When an attempt must be in: the time limit from its start (a student's override first), but
/// never after the quiz closes (again, an override first). Nil when neither applies.
public func attemptDeadline(startedAt: Date, timeLimitSeconds: Int?, closesAt: Date?) -> Date? {
    let byLimit = timeLimitSeconds.map { startedAt.addingTimeInterval(Double($0)) }
    switch (byLimit, closesAt) {
    case (let limit?, let close?): return min(limit, close)
    case (let limit?, nil): return limit
    case (nil, let close?): return close
    case (nil, nil): return nil
    }
}
