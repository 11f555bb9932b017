public import Foundation

/// The rules for a quiz as authors submit it: impossible quizzes are refused with every reason.
public enum QuizRules {
    /// An essay's longest answer when its author sets none, and the most an author may allow
    /// (a save carries it whole; 20,000 characters of Arabic are about 40 KB).
    public static let essayLength = 5_000
    public static let longestEssay = 20_000

    public static func validate(
        settings: QuizSettings, content: QuizContent, defaultLanguage: String, offered: [String], into validation: inout FieldValidation
    ) {
        if let limit = settings.timeLimitSeconds, !(10...86_400).contains(limit) {
            validation.add(FieldError(field: "time_limit_seconds", message: "must be from 10 to 86400"))
        }
        if !(0...3_600).contains(settings.graceSeconds) {
            validation.add(FieldError(field: "grace_seconds", message: "must be from 0 to 3600"))
        }
        if let attempts = settings.maxAttempts, !(1...100).contains(attempts) {
            validation.add(FieldError(field: "max_attempts", message: "must be from 1 to 100"))
        }
        if !(0...100).contains(settings.passPercent) {
            validation.add(FieldError(field: "pass_percent", message: "must be from 0 to 100"))
        }
        if let opens = settings.opensAt, let closes = settings.closesAt, closes <= opens {
            validation.add(FieldError(field: "closes_at", message: "must be after opens_at"))
        }
        CourseRules.translations(content.translations, defaultLanguage: defaultLanguage, offered: offered, into: &validation) { text, path, validation in
            _ = validation.check(CourseRules.title(text.title, field: "\(path).title"))
        }
        let slots = content.slotCount
        if content.questions.isEmpty {
            validation.add(FieldError(field: "questions", message: "must hold at least one question"))
        }
        if content.questions.count > 500 {
            validation.add(FieldError(field: "questions", message: "must hold at most 500 questions, counting every question a draw picks among"))
        }
        if let draw = settings.questionsPerAttempt, !(1...max(1, slots)).contains(draw) {
            validation.add(FieldError(field: "questions_per_attempt", message: "must be from 1 to the number of questions (\(slots))"))
        }
        var ids: Set<String> = []
        // Bank questions were checked when the bank took them; the quiz's own are checked here.
        for (index, item) in content.items.enumerated() {
            guard case .question(let question) = item else { continue }
            let path = "questions.\(index)"
            if !ids.insert(question.id).inserted {
                validation.add(FieldError(field: "\(path).id", message: "is used by another question"))
            }
            validate(question: question, path: path, defaultLanguage: defaultLanguage, offered: offered, into: &validation)
            if question.images != nil {
                validation.add(FieldError(field: "\(path).images", message: "come with bank questions imported from a file: take the question from the bank"))
            }
        }
    }

    /// One question, its fields named below `path` (a quiz's `questions.N`; nil: the body itself,
    /// as a bank question is sent). A bank question's id is the bank's, not its author's.
    public static func validate(question: QuizQuestion, path: String?, defaultLanguage: String, offered: [String], into validation: inout FieldValidation) {
        let prefix = path.map { "\($0)." } ?? ""
        if path != nil, !(1...64).contains(question.id.count) || !question.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            validation.add(FieldError(field: "\(prefix)id", message: "must be 1–64 letters, digits, - or _"))
        }
        if question.kind == .description {
            if question.points != 0 { validation.add(FieldError(field: "\(prefix)points", message: "must be 0: a description is not answered")) }
        } else if !(question.points > 0 && question.points <= 1000) {
            validation.add(FieldError(field: "\(prefix)points", message: "must be more than 0 and at most 1000"))
        }
        if let images = question.images {
            let wellFormed = images.allSatisfy { image in
                QuestionImage.mediaTypes.contains(image.mediaType) && image.size > 0 && AttachmentRules.isSHA256(image.sha256)
                    && (try? AttachmentRules.filename(image.name).get()) == image.name
            }
            if images.count > QuestionImage.maximumCount || !wellFormed {
                validation.add(FieldError(field: "\(prefix)images", message: "must be at most \(QuestionImage.maximumCount) png, jpeg, gif or webp images, each with its name, sha256 and size"))
            }
        }
        validateQuestion(question, prefix: prefix, defaultLanguage: defaultLanguage, offered: offered, into: &validation)
    }

    private static func validateQuestion(_ question: QuizQuestion, prefix: String, defaultLanguage: String, offered: [String], into validation: inout FieldValidation) {
        var optionSets: [Set<String>] = []
        var matchSets: [Set<String>] = []
        CourseRules.translations(question.translations, defaultLanguage: defaultLanguage, offered: offered, into: &validation) { text, textPath, validation in
            if text.prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || text.prompt.count > 10_000 {
                validation.add(FieldError(field: "\(prefix)\(textPath).prompt", message: "must be 1 to 10000 characters"))
            }
            if question.kind.hasOptions {
                let options = text.options ?? []
                if options.count < 2 || options.count > 26 {
                    validation.add(FieldError(field: "\(prefix)\(textPath).options", message: "must hold 2 to 26 options"))
                }
                let ids = Set(options.map(\.id))
                if ids.count != options.count || options.contains(where: { $0.id.isEmpty || $0.text.isEmpty }) {
                    validation.add(FieldError(field: "\(prefix)\(textPath).options", message: "need distinct ids and a text each"))
                }
                optionSets.append(ids)
            } else if text.options != nil {
                validation.add(FieldError(field: "\(prefix)\(textPath).options", message: "belong to choice, ordering and matching questions only"))
            }
            if let feedback = text.answerFeedback,
               feedback.count > 100 || feedback.contains(where: { $0.answer.isEmpty || $0.answer.count > 1_000 || $0.feedback.isEmpty || $0.feedback.count > 10_000 })
            {
                validation.add(FieldError(field: "\(prefix)\(textPath).answer_feedback", message: "must hold at most 100 answers, each with a feedback of 1 to 10000 characters"))
            }
            if question.kind == .matching {
                let matches = text.matches ?? []
                let ids = Set(matches.map(\.id))
                if matches.count < 2 || matches.count > 26 || ids.count != matches.count || matches.contains(where: { $0.id.isEmpty || $0.text.isEmpty }) {
                    validation.add(FieldError(field: "\(prefix)\(textPath).matches", message: "must hold 2 to 26 matches with distinct ids and a text each"))
                }
                matchSets.append(ids)
            } else if text.matches != nil {
                validation.add(FieldError(field: "\(prefix)\(textPath).matches", message: "belong to matching questions only"))
            }
        }
        if question.kind.hasOptions, Set(optionSets).count > 1 {
            validation.add(FieldError(field: "\(prefix)translations", message: "every language must offer the same option ids"))
        }
        let options = optionSets.first ?? []
        let answer = question.answer
        switch question.kind {
        case .singleChoice:
            if answer.optionId.map({ !options.contains($0) }) ?? true {
                validation.add(FieldError(field: "\(prefix)answer.option_id", message: "must be one of the question's options"))
            }
        case .multipleChoice:
            if let ids = answer.optionIds, !ids.isEmpty, Set(ids).isSubset(of: options) {
                break
            }
            validation.add(FieldError(field: "\(prefix)answer.option_ids", message: "must be one or more of the question's options"))
        case .ordering:
            if let order = answer.optionIds, order.count == options.count, Set(order) == Set(options) { break }
            validation.add(FieldError(field: "\(prefix)answer.option_ids", message: "must list every item once, in the right order"))
        case .description:
            break
        case .essay:
            if let length = answer.maxLength, !(1...longestEssay).contains(length) {
                validation.add(FieldError(field: "\(prefix)answer.max_length", message: "must be from 1 to \(longestEssay)"))
            }
        case .matching:
            if Set(matchSets).count > 1 {
                validation.add(FieldError(field: "\(prefix)translations", message: "every language must offer the same match ids"))
            }
            let matches = matchSets.first ?? []
            let pairs = answer.pairs ?? []
            if pairs.count != options.count || Set(pairs.map(\.optionId)) != Set(options) || !Set(pairs.map(\.matchId)).isSubset(of: matches) {
                validation.add(FieldError(field: "\(prefix)answer.pairs", message: "must pair every option once with one of the matches"))
            }
        case .trueFalse:
            if case .bool = answer.value { break }
            validation.add(FieldError(field: "\(prefix)answer.value", message: "must be true or false"))
        case .shortText:
            if answer.accepted.map({ $0.isEmpty || $0.contains { $0.trimmingCharacters(in: .whitespaces).isEmpty } }) ?? true {
                validation.add(FieldError(field: "\(prefix)answer.accepted", message: "must list one or more non-empty answers"))
            }
        case .numeric:
            guard case .number(let value) = answer.value, value.isFinite else {
                validation.add(FieldError(field: "\(prefix)answer.value", message: "must be a number"))
                break
            }
            if let tolerance = answer.tolerance, !(tolerance >= 0 && tolerance.isFinite) {
                validation.add(FieldError(field: "\(prefix)answer.tolerance", message: "must be 0 or more"))
            }
        }
        if question.kind != .essay, answer.maxLength != nil {
            validation.add(FieldError(field: "\(prefix)answer.max_length", message: "belongs to essay questions only"))
        }
        validatePartialCredit(question, options: Set(options), prefix: prefix, into: &validation)
    }

    /// Weights belong to choice questions, partly right texts to short text, partly right numbers
    /// to numeric; each credit is a fraction of the points.
    private static func validatePartialCredit(_ question: QuizQuestion, options: Set<String>, prefix: String, into validation: inout FieldValidation) {
        let answer = question.answer
        if let weights = answer.weights {
            let field = "\(prefix)answer.weights"
            if !question.kind.hasOptions {
                validation.add(FieldError(field: field, message: "belong to choice questions only"))
            } else if Set(weights.map(\.optionId)).count != weights.count || !Set(weights.map(\.optionId)).isSubset(of: options) {
                validation.add(FieldError(field: field, message: "must name each of the question's options at most once"))
            } else if weights.contains(where: { !$0.credit.isFinite || !(-1...1).contains($0.credit) }) {
                validation.add(FieldError(field: field, message: "must be credits from -1 to 1"))
            } else if question.kind == .singleChoice, let right = answer.optionId, let credit = weights.first(where: { $0.optionId == right })?.credit, credit != 1 {
                validation.add(FieldError(field: field, message: "must give the right option (option_id) the whole credit, 1"))
            } else if question.kind == .multipleChoice {
                let positive = weights.filter { $0.credit > 0 }
                if abs(positive.reduce(0) { $0 + $1.credit } - 1) > 0.001 {
                    validation.add(FieldError(field: field, message: "must have positive credits adding up to 1"))
                } else if Set(positive.map(\.optionId)) != Set(answer.optionIds ?? []) {
                    validation.add(FieldError(field: field, message: "must give credit to exactly the right options (option_ids)"))
                }
            }
        }
        func checkCredit(_ credit: Double, _ field: String) {
            if !(credit > 0 && credit < 1) {
                validation.add(FieldError(field: field, message: "must be a credit between 0 and 1 (the right answers earn 1)"))
            }
        }
        if let texts = answer.partiallyAccepted {
            if question.kind != .shortText {
                validation.add(FieldError(field: "\(prefix)answer.partially_accepted", message: "belong to short-text questions only"))
            }
            for (index, text) in texts.enumerated() {
                if text.text.trimmingCharacters(in: .whitespaces).isEmpty {
                    validation.add(FieldError(field: "\(prefix)answer.partially_accepted.\(index).text", message: "must not be empty"))
                }
                checkCredit(text.credit, "\(prefix)answer.partially_accepted.\(index).credit")
            }
        }
        if let values = answer.partialValues {
            if question.kind != .numeric {
                validation.add(FieldError(field: "\(prefix)answer.partial_values", message: "belong to numeric questions only"))
            }
            for (index, value) in values.enumerated() {
                if !value.value.isFinite || !((value.tolerance ?? 0) >= 0 && (value.tolerance ?? 0).isFinite) {
                    validation.add(FieldError(field: "\(prefix)answer.partial_values.\(index)", message: "must be a number with a tolerance of 0 or more"))
                }
                checkCredit(value.credit, "\(prefix)answer.partial_values.\(index).credit")
            }
        }
    }

    /// Whether a response has the shape its question's kind takes (and names its options).
    public static func response(_ response: QuestionResponse, fits question: QuizQuestion) -> Bool {
        let options = Set(question.optionIDs)
        switch (question.kind, response) {
        case (.singleChoice, .option(let id)): return options.contains(id)
        case (.multipleChoice, .options(let ids)): return ids.isSubset(of: options)
        case (.trueFalse, .value): return true
        case (.shortText, .text(let text)): return text.count <= 1_000
        case (.essay, .text(let text)): return text.count <= question.essayLength
        case (.numeric, .number(let number)): return number.isFinite
        case (.ordering, .order(let ids)): return ids.count == options.count && Set(ids) == options
        case (.matching, .pairs(let pairs)): return Set(pairs.keys).isSubset(of: options) && Set(pairs.values).isSubset(of: Set(question.matchIDs))
        default: return false
        }
    }

    /// A change to a quiz keeps it where it is: its module and its position are not its to change
    /// (attempts and locks refer to its place in the course).
    public static func keepPlace(of quiz: StoredQuiz, moduleID: UUID?, position: Int?, into validation: inout FieldValidation) {
        if moduleID != quiz.moduleID { validation.add(FieldError(field: "module_id", message: "cannot be changed: a quiz stays in its module")) }
        if position != quiz.position { validation.add(FieldError(field: "position", message: "cannot be changed: a quiz keeps its place")) }
    }

    /// Overrides are checked like the quiz's own settings, with room for longer accommodations.
    public static func validate(override: QuizOverride, into validation: inout FieldValidation) {
        if let limit = override.timeLimitSeconds, !(10...604_800).contains(limit) {
            validation.add(FieldError(field: "time_limit_seconds", message: "must be from 10 to 604800"))
        }
        if let attempts = override.maxAttempts, !(1...100).contains(attempts) {
            validation.add(FieldError(field: "max_attempts", message: "must be from 1 to 100"))
        }
    }

    /// A new attempt may start only between the quiz's opening and (this student's) close.
    public static func requireOpenForStart(_ settings: QuizSettings, now: Date) throws(AcademyError) {
        if let opensAt = settings.opensAt, now < opensAt {
            throw .forbidden("The quiz opens at \(RFC3339.string(from: opensAt)).")
        }
        if let closesAt = settings.closesAt, now >= closesAt {
            throw .forbidden("The quiz closed at \(RFC3339.string(from: closesAt)).")
        }
    }

    /// From when a student may learn a finished attempt's result, by any sign: its score and
    /// feedback, and equally the quiz counting as passed in the outline, the next item unlocking
    /// or the course completing. `afterSubmit`: at once (the distant past). `afterClose`: once
    /// nobody can answer any more, that is the latest close any student's override grants, plus
    /// the grace during which saves are still accepted. Nil: never (`never`, or `afterClose` with
    /// no close date); such a quiz counts as done once submitted, pass or fail, so that nothing
    /// reveals its result.
    public static func resultsVisibleFrom(_ settings: QuizSettings, latestExtendedClose: Date? = nil) -> Date? {
        switch settings.review {
        case .never:
            return nil
        case .afterSubmit:
            return .distantPast
        case .afterClose:
            guard let closesAt = settings.closesAt else { return nil }
            return max(closesAt, latestExtendedClose ?? closesAt).addingTimeInterval(Double(settings.graceSeconds))
        }
    }

    /// Whether a submission counts as the quiz done, pass or fail: when results are never shown.
    /// (Its SQL form, with the rest of what counts as done, is `EnrollmentRepository.quizDone`.)
    public static func submissionCounts(_ settings: QuizSettings) -> Bool {
        resultsVisibleFrom(settings) == nil
    }

    /// Whether a student may see a finished attempt's correctness and feedback now.
    public static func reviewIsOpen(_ settings: QuizSettings, latestExtendedClose: Date? = nil, now: Date) -> Bool {
        resultsVisibleFrom(settings, latestExtendedClose: latestExtendedClose).map { now >= $0 } ?? false
    }
}

extension QuestionResponse: Decodable {
    enum CodingKeys: String, CodingKey { case optionId, optionIds, value, text, order, pairs }

    /// `{option_id}`, `{option_ids}`, `{value: true|false}`, `{text}`, `{value: number}`, `{order}`
    /// or `{pairs:[{option_id, match_id}]}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let id = try container.decodeIfPresent(String.self, forKey: .optionId) {
            self = .option(id)
        } else if let ids = try container.decodeIfPresent([String].self, forKey: .optionIds) {
            self = .options(Set(ids))
        } else if let text = try container.decodeIfPresent(String.self, forKey: .text) {
            self = .text(text)
        } else if let order = try container.decodeIfPresent([String].self, forKey: .order) {
            self = .order(order)
        } else if let pairs = try container.decodeIfPresent([MatchPair].self, forKey: .pairs) {
            // Each option matched at most once: a repeated option keeps its first match.
            self = .pairs(Dictionary(pairs.map { ($0.optionId, $0.matchId) }, uniquingKeysWith: { first, _ in first }))
        } else {
            switch try container.decode(AnswerValue.self, forKey: .value) {
            case .bool(let bool): self = .value(bool)
            case .number(let number): self = .number(number)
            }
        }
    }

    /// The shape it is read in, written as the API and the database keep it.
    public func write(to json: inout JSONWriter) {
        json.object { json in
            switch self {
            case .option(let id):
                json.member("option_id", id)
            case .options(let ids):
                json.key("option_ids")
                json.array { json in
                    for id in ids.sorted() { json.string(id) }
                }
            case .value(let bool):
                json.member("value", bool)
            case .text(let text):
                json.member("text", text)
            case .number(let number):
                json.member("value", number)
            case .order(let ids):
                json.key("order")
                json.array { json in
                    for id in ids { json.string(id) }
                }
            case .pairs(let pairs):
                json.key("pairs")
                json.array { json in
                    for (option, match) in pairs.sorted(by: { $0.key < $1.key }) {
                        json.object { json in
                            json.member("match_id", match)
                            json.member("option_id", option)
                        }
                    }
                }
            }
        }
    }

    public var json: String {
        var json = JSONWriter(capacity: 64)
        write(to: &json)
        return json.text
    }
}
