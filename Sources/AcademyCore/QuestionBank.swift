public import Foundation

/// A question of a course's bank: a quiz question with its category, an optional name (Moodle's
/// question name), and a version that grows with every edit. Its id is its quiz question id too
/// wherever a quiz takes it.
public struct BankQuestion: Sendable, Equatable {
    public let id: UUID
    public let category: String
    public let name: String?
    public let question: QuizQuestion
    public let version: Int

    public init(id: UUID, category: String, name: String?, question: QuizQuestion, version: Int) {
        self.id = id
        self.category = category
        self.name = name
        var question = question
        question.id = id.apiString
        self.question = question
        self.version = version
    }
}

/// The rules of a course's question bank.
public enum QuestionBank {
    public static let maximumDepth = 8
    public static let maximumNameLength = 255
    /// A course's bank holds at most this many questions; one imported file at most `maximumImport`.
    public static let maximumQuestions = 5_000
    public static let maximumImport = 2_000

    /// Whether a bank holding `held` questions takes `adding` more (an import: at most
    /// `maximumImport` of them).
    public static func requireRoom(held: Int, adding: Int, importing: Bool = false) throws(AcademyError) {
        if importing, adding > maximumImport {
            throw .validationFailed([FieldError(field: "", message: "holds \(adding) questions; import at most \(maximumImport) at a time")])
        }
        if held + adding > maximumQuestions {
            throw .conflict("A course's bank holds at most \(maximumQuestions) questions; this one holds \(held).")
        }
    }

    /// A category path as stored: `Grammar/Verbs`, each part trimmed, no empty part; "" is the
    /// bank's top. At most eight levels of 100 characters.
    public static func categoryPath(_ raw: String, field: String = "category") -> Result<String, FieldError> {
        let parts = raw.precomposedStringWithCanonicalMapping.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if parts == [""] { return .success("") }
        guard parts.count <= maximumDepth, parts.allSatisfy({ (1...100).contains($0.count) && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
            return .failure(FieldError(field: field, message: "must be up to \(maximumDepth) names of 1 to 100 printable characters, separated by /"))
        }
        return .success(parts.joined(separator: "/"))
    }

    /// Every category a path stands in: `a/b/c` is in `a`, `a/b` and `a/b/c`.
    public static func ancestry(of path: String) -> [String] {
        guard !path.isEmpty else { return [] }
        let parts = path.split(separator: "/").map(String.init)
        return (1...parts.count).map { parts.prefix($0).joined(separator: "/") }
    }

    /// A bank question as its author sends it, checked as a quiz question is. Images come only
    /// with imported files: an author may keep or drop the ones in `keepable` (nil: an import's
    /// own, any).
    public static func validate(
        _ question: QuizQuestion, name: String?, defaultLanguage: String, offered: [String], keepable: [QuestionImage]? = nil,
        into validation: inout FieldValidation
    ) {
        if let name, name.count > maximumNameLength {
            validation.add(FieldError(field: "name", message: "must be at most \(maximumNameLength) characters"))
        }
        if let keepable, let images = question.images, !images.allSatisfy({ keepable.contains($0) }) {
            validation.add(FieldError(field: "images", message: "come with questions imported from a file: keep or drop the question's own"))
        }
        QuizRules.validate(question: question, path: nil, defaultLanguage: defaultLanguage, offered: offered, into: &validation)
    }
}

/// One entry of a quiz's `questions` as its author writes it: a question of its own, a question
/// of the course's bank, or `count` questions drawn at random, for each attempt, from a bank
/// category.
public enum QuizItem: Sendable, Equatable, Codable {
    case question(QuizQuestion)
    case bankQuestion(UUID)
    case draw(category: String, count: Int)

    enum CodingKeys: String, CodingKey { case bankQuestionId, fromCategory, count }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(UUID.self, forKey: .bankQuestionId) {
            self = .bankQuestion(id)
        } else if let category = try container.decodeIfPresent(String.self, forKey: .fromCategory) {
            self = .draw(category: category, count: try container.decode(Int.self, forKey: .count))
        } else {
            self = .question(try QuizQuestion(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .question(let question):
            try question.encode(to: encoder)
        case .bankQuestion(let id):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id.apiString, forKey: .bankQuestionId)
        case .draw(let category, let count):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(category, forKey: .fromCategory)
            try container.encode(count, forKey: .count)
        }
    }
}

/// Where a quiz's bank questions came from, kept with its content: a fixed bank question, or a
/// draw with the pool of questions it draws from (the category's questions when the quiz was
/// saved; the bank changing makes a new version of the quiz).
public struct BankPick: Sendable, Equatable, Codable {
    public var bankQuestionId: UUID?
    public var fromCategory: String?
    public var count: Int?
    /// The quiz questions the pick brought in: the fixed one, or the draw's pool, in the bank's order.
    public var questionIds: [String]

    public init(bankQuestionId: UUID? = nil, fromCategory: String? = nil, count: Int? = nil, questionIds: [String]) {
        self.bankQuestionId = bankQuestionId
        self.fromCategory = fromCategory
        self.count = count
        self.questionIds = questionIds
    }

    var isDraw: Bool { fromCategory != nil }
}

extension QuizContent {
    /// The questions as their author wrote them: a bank pick where its questions stand.
    public var items: [QuizItem] {
        let picks = bankPicks ?? []
        var pickOf: [String: Int] = [:]
        for (index, pick) in picks.enumerated() {
            for id in pick.questionIds { pickOf[id] = index }
        }
        var written: Set<Int> = []
        return questions.compactMap { question in
            guard let index = pickOf[question.id] else { return .question(question) }
            guard written.insert(index).inserted else { return nil }
            let pick = picks[index]
            if let category = pick.fromCategory { return .draw(category: category, count: pick.count ?? 0) }
            return pick.bankQuestionId.map(QuizItem.bankQuestion)
        }
    }

    /// How many questions an attempt gets before `questions_per_attempt`: each question, a
    /// draw's pool counting as its `count`.
    public var slotCount: Int {
        let picks = bankPicks ?? []
        let pooled = picks.filter(\.isDraw).reduce(0) { $0 + $1.questionIds.count }
        let drawn = picks.filter(\.isDraw).reduce(0) { $0 + ($1.count ?? 0) }
        return questions.count - pooled + drawn
    }

    /// The draw each pooled question belongs to, by question id.
    var drawOfQuestion: [String: Int] {
        var result: [String: Int] = [:]
        for (index, pick) in (bankPicks ?? []).enumerated() where pick.isDraw {
            for id in pick.questionIds { result[id] = index }
        }
        return result
    }

    /// The content `items` give, taking bank questions from `bank` (the course's questions they
    /// name or draw from): inline questions as written, a bank question as it is now, a draw's
    /// pool as its category holds it (less the questions the quiz takes on their own). Problems
    /// name the item (`questions.N…`).
    public static func resolving(
        _ items: [QuizItem], translations: [String: Text], bank: [BankQuestion], into validation: inout FieldValidation
    ) -> QuizContent {
        let byID = Dictionary(bank.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let fixed = Set(items.compactMap { if case .bankQuestion(let id) = $0 { id } else { nil } })
        var questions: [QuizQuestion] = []
        var picks: [BankPick] = []
        var taken: Set<UUID> = []
        var drawn: Set<String> = []
        for (index, item) in items.enumerated() {
            let path = "questions.\(index)"
            switch item {
            case .question(let question):
                questions.append(question)
            case .bankQuestion(let id):
                guard let stored = byID[id] else {
                    validation.add(FieldError(field: "\(path).bank_question_id", message: "is no question of this course's bank"))
                    continue
                }
                guard taken.insert(id).inserted else {
                    validation.add(FieldError(field: "\(path).bank_question_id", message: "is taken twice"))
                    continue
                }
                questions.append(stored.question)
                picks.append(BankPick(bankQuestionId: id, questionIds: [stored.question.id]))
            case .draw(let raw, let count):
                guard let category = validation.check(QuestionBank.categoryPath(raw, field: "\(path).from_category")) else { continue }
                guard drawn.insert(category).inserted else {
                    validation.add(FieldError(field: "\(path).from_category", message: "is drawn from twice: draw more from it once"))
                    continue
                }
                let pool = bank.filter { $0.category == category && !fixed.contains($0.id) }
                if !(1...max(1, pool.count)).contains(count) || pool.isEmpty {
                    validation.add(FieldError(
                        field: "\(path).count", message: "must be from 1 to the \(pool.count) questions category “\(category)” holds (besides those the quiz takes on their own)"
                    ))
                    continue
                }
                questions += pool.map(\.question)
                picks.append(BankPick(fromCategory: category, count: count, questionIds: pool.map(\.question.id)))
            }
        }
        return QuizContent(translations: translations, questions: questions, bankPicks: picks.isEmpty ? nil : picks)
    }
}

extension [QuizItem] {
    /// What a quiz's items need from the bank: the questions taken by id and the categories drawn from.
    public var bankNeeds: (ids: [UUID], categories: [String]) {
        var ids: [UUID] = []
        var categories: [String] = []
        for item in self {
            switch item {
            case .question: break
            case .bankQuestion(let id): ids.append(id)
            case .draw(let category, _):
                if case .success(let path) = QuestionBank.categoryPath(category) { categories.append(path) }
            }
        }
        return (ids, categories)
    }
}

/// A bank question as its author writes it: the quiz question's fields, with `category` and
/// `name`. Its `id` is the bank's (a course folder keeps it, for its quizzes to name).
public struct BankQuestionDraft: Sendable, Equatable, Codable {
    public var category: String?
    public var name: String?
    public var question: QuizQuestion

    enum CodingKeys: String, CodingKey { case category, name }

    public init(category: String?, name: String?, question: QuizQuestion) {
        self.category = category
        self.name = name
        self.question = question
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        question = try QuizQuestion(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try question.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(category, forKey: .category)
        try container.encodeIfPresent(name, forKey: .name)
    }
}
