import AcademyAPI
import AcademyCore
import AcademyStore
import Foundation

/// A whole quiz as its editing form shows and sends it: settings, title and instructions per
/// language, and every question with its texts per language, options and answer. It stands for
/// the API's `QuizRequest`, whose rules (`QuizDraft.validated`, `QuizRules`) decide; only what a
/// form alone can get wrong (a number or a date that does not read, a single-choice question
/// with two answers ticked) is checked here, named as the API names the field.
struct QuizForm {
    var placement: PlacementForm
    var texts = TranslatedTexts([:])
    var timeLimitMinutes = ""
    var graceSeconds = "30"
    var maxAttempts = ""
    var grading = AttemptGrading.highest.rawValue
    var passPercent = "50"
    var required = false
    var shuffleQuestions = false
    var shuffleOptions = false
    var questionsPerAttempt = ""
    var opensAt = ""
    var closesAt = ""
    var review = ReviewPolicy.afterSubmit.rawValue
    var questions: [QuestionForm] = []

    static let maximumFields = 20_000

    init(moduleID: String) {
        placement = PlacementForm(moduleID: moduleID)
        questions = [QuestionForm(id: "q1")]
    }

    init(_ quiz: StoredQuiz, timeZone: TimeZone) {
        let settings = quiz.settings
        placement = PlacementForm(
            moduleID: quiz.moduleID, position: quiz.position, releaseAt: quiz.releaseAt, requiresPrevious: quiz.requiresPrevious, timeZone: timeZone
        )
        texts = TranslatedTexts(quiz.content.translations.mapValues { ($0.title, $0.instructions ?? "") })
        timeLimitMinutes = settings.timeLimitSeconds.map { TypedNumber.text(Double($0) / 60) } ?? ""
        graceSeconds = String(settings.graceSeconds)
        maxAttempts = settings.maxAttempts.map(String.init) ?? ""
        grading = settings.grading.rawValue
        passPercent = TypedNumber.text(settings.passPercent)
        required = settings.required
        shuffleQuestions = settings.shuffleQuestions
        shuffleOptions = settings.shuffleOptions
        questionsPerAttempt = settings.questionsPerAttempt.map(String.init) ?? ""
        opensAt = LocalDateTime.text(settings.opensAt, in: timeZone)
        closesAt = LocalDateTime.text(settings.closesAt, in: timeZone)
        review = settings.review.rawValue
        let byID = Dictionary(quiz.content.questions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        questions = quiz.content.items.map { item in
            switch item {
            case .question(let question):
                return QuestionForm(question)
            case .bankQuestion(let id):
                let text = byID[id.apiString].flatMap { Languages.text($0.translations, in: "", fallback: quiz.content.translations.keys.sorted().first ?? "") }
                return QuestionForm(bank: .question(id, label: text?.prompt ?? id.apiString))
            case .draw(let category, let count):
                return QuestionForm(bank: .draw(category: category, count: String(count)))
            }
        }
    }

    /// The form as sent; questions ticked for removal are left out.
    init(_ fields: FormFields, languages: [String]) {
        placement = PlacementForm(fields)
        texts = TranslatedTexts(fields: fields, languages: languages)
        timeLimitMinutes = fields.text("time_limit_minutes")
        graceSeconds = fields.text("grace_seconds")
        maxAttempts = fields.text("max_attempts")
        grading = fields.text("grading")
        passPercent = fields.text("pass_percent")
        required = fields.first("required") == "on"
        shuffleQuestions = fields.first("shuffle_questions") == "on"
        shuffleOptions = fields.first("shuffle_options") == "on"
        questionsPerAttempt = fields.text("questions_per_attempt")
        opensAt = fields.text("opens_at")
        closesAt = fields.text("closes_at")
        review = fields.text("review")
        let count = min(Int(fields.text("question_count")) ?? 0, 500)
        questions = (0..<count).compactMap { index in
            fields.first("q\(index)-remove") == "on" ? nil : QuestionForm(fields, prefix: "q\(index)-", languages: languages)
        }
    }

    /// A blank question at the end, with an id no other question has.
    mutating func addQuestion() {
        let taken = Set(questions.map(\.id))
        let number = (1...).first { !taken.contains("q\($0)") } ?? questions.count + 1
        questions.append(QuestionForm(id: "q\(number)"))
    }

    /// The languages the quiz is written in: its main language and every one with a title.
    func languages(defaultLanguage: String, offered: [String]) -> [String] {
        [defaultLanguage] + offered.filter { $0 != defaultLanguage && !(texts.values[$0]?.title.isEmpty ?? true) }
    }

    /// `placement`: a stored quiz's module and position, which its form does not change; a new
    /// quiz's come from the form.
    func request(in timeZone: TimeZone, languages: [String], placement: (moduleID: UUID, position: Int)?) throws(AcademyError) -> QuizRequest {
        var validation = FieldValidation()
        let minutes = FormValue.number(timeLimitMinutes, field: "time_limit_seconds", into: &validation)
        let grace = FormValue.integer(graceSeconds, field: "grace_seconds", into: &validation)
        let attempts = FormValue.integer(maxAttempts, field: "max_attempts", into: &validation)
        let pass = FormValue.number(passPercent, field: "pass_percent", into: &validation)
        let draw = FormValue.integer(questionsPerAttempt, field: "questions_per_attempt", into: &validation)
        let opens = FormValue.date(opensAt, field: "opens_at", in: timeZone, into: &validation)
        let closes = FormValue.date(closesAt, field: "closes_at", in: timeZone, into: &validation)
        // A stored quiz keeps its module and place: its form sends neither.
        let moduleID: UUID?, position: Int?, release: Date?
        if let placement {
            (moduleID, position) = (placement.moduleID, placement.position)
            release = FormValue.date(self.placement.releaseAt, field: "release_at", in: timeZone, into: &validation)
        } else {
            (moduleID, position, release) = self.placement.values(in: timeZone, into: &validation)
        }
        let grading = AttemptGrading(rawValue: grading)
        let review = ReviewPolicy(rawValue: review)
        if grading == nil { validation.add(FieldError(field: "grading", message: "must be highest, latest, first or average")) }
        if review == nil { validation.add(FieldError(field: "review", message: "must be never, after_submit or after_close")) }
        if pass == nil, passPercent.isEmpty { validation.add(FieldError(field: "pass_percent", message: "is required")) }
        let items = questions.enumerated().map { index, question in
            question.item(languages: languages, field: "questions.\(index)", into: &validation)
        }
        try validation.finish()
        let settings = QuizSettings(
            timeLimitSeconds: minutes.map { Int(($0 * 60).rounded()) }, graceSeconds: grace ?? 30, maxAttempts: attempts,
            grading: grading ?? .highest, passPercent: pass ?? 0, required: required, shuffleQuestions: shuffleQuestions,
            shuffleOptions: shuffleOptions, questionsPerAttempt: draw, opensAt: opens, closesAt: closes, review: review ?? .afterSubmit
        )
        let content = QuizContent(
            translations: texts.values.mapValues { QuizContent.Text(title: $0.title, instructions: $0.body.isEmpty ? nil : $0.body) }, questions: []
        )
        var draft = QuizDraft(settings: settings, content: content)
        draft.questions = items.compactMap { $0 }
        return QuizRequest(
            draft: draft, moduleId: moduleID,
            position: position, releaseAt: release, requiresPrevious: self.placement.requiresPrevious
        )
    }
}

/// One question of the quiz form. Its option rows carry their text in every language of the
/// quiz; a row left empty in every language is no option.
struct QuestionForm {
    /// A question the quiz takes from the course's bank, or a draw from a bank category: shown,
    /// not edited here (its count aside).
    enum BankEntry {
        case question(UUID, label: String)
        case draw(category: String, count: String)
    }

    var bank: BankEntry?
    var id: String
    var kind = QuestionKind.singleChoice.rawValue
    var points = "1"
    var partialCredit = false
    var prompts: [String: String] = [:]
    var feedback: [String: String] = [:]
    /// Per-answer feedback by language, a line each: `answer | feedback`.
    var answerFeedback: [String: String] = [:]
    var options: [OptionForm] = []
    var correct: Set<String> = []
    var truth = ""
    var accepted = ""
    var caseSensitive = false
    var arabicFolding = false
    var number = ""
    var tolerance = ""
    var essayLength = ""

    struct OptionForm {
        var id: String
        var texts: [String: String]
        /// A matching question's match for this option, by language (alone in its row: a match
        /// that misleads).
        var matches: [String: String] = [:]
        /// The option's credit in percent (Moodle's weight); empty: 100 when ticked right, else 0.
        var credit = ""
    }

    /// Partly right short texts, a line each: `50% text`.
    var partiallyAccepted = ""
    /// Partly right numbers, a line each: `50% 1822:2` (value, then its tolerance).
    var partialValues = ""

    init(id: String) {
        self.id = id
    }

    init(bank: BankEntry) {
        self.bank = bank
        id = ""
    }

    init(_ question: QuizQuestion) {
        id = question.id
        kind = question.kind.rawValue
        points = TypedNumber.text(question.points)
        partialCredit = question.partialCredit ?? false
        prompts = question.translations.mapValues(\.prompt)
        feedback = question.translations.compactMapValues(\.feedback)
        answerFeedback = question.translations.compactMapValues { text in
            text.answerFeedback.map { $0.map { "\($0.answer) | \($0.feedback)" }.joined(separator: "\n") }
        }
        essayLength = question.answer.maxLength.map(String.init) ?? ""
        let pairs = Dictionary((question.answer.pairs ?? []).map { ($0.optionId, $0.matchId) }, uniquingKeysWith: { first, _ in first })
        func matchTexts(_ matchID: String?) -> [String: String] {
            guard let matchID else { return [:] }
            return question.translations.compactMapValues { text in text.matches?.first { $0.id == matchID }?.text }
        }
        options = question.optionIDs.map { optionID in
            OptionForm(
                id: optionID, texts: question.translations.compactMapValues { text in text.options?.first { $0.id == optionID }?.text },
                matches: matchTexts(pairs[optionID]),
                credit: question.answer.weights?.first { $0.optionId == optionID }.map { TypedNumber.text($0.credit * 100) } ?? ""
            )
        }
        // Matches no option pairs with mislead: each in a row of its own, without an option.
        let free = "abcdefghijklmnopqrstuvwxyz".map(String.init).filter { !question.optionIDs.contains($0) }
        for (matchID, id) in zip(question.matchIDs.filter { !Set(pairs.values).contains($0) }, free) {
            options.append(OptionForm(id: id, texts: [:], matches: matchTexts(matchID)))
        }
        partiallyAccepted = (question.answer.partiallyAccepted ?? []).map { "\(TypedNumber.text($0.credit * 100))% \($0.text)" }.joined(separator: "\n")
        partialValues = (question.answer.partialValues ?? []).map { value in
            "\(TypedNumber.text(value.credit * 100))% \(TypedNumber.text(value.value))" + (value.tolerance.map { ":\(TypedNumber.text($0))" } ?? "")
        }.joined(separator: "\n")
        let answer = question.answer
        correct = Set(answer.optionIds ?? []).union(answer.optionId.map { [$0] } ?? [])
        switch answer.value {
        case .bool(let value): truth = value ? "true" : "false"
        case .number(let value): number = TypedNumber.text(value)
        case nil: break
        }
        accepted = (answer.accepted ?? []).joined(separator: "\n")
        caseSensitive = answer.caseSensitive ?? false
        arabicFolding = answer.normalize == .arabic
        tolerance = answer.tolerance.map(TypedNumber.text) ?? ""
    }

    init(_ fields: FormFields, prefix: String, languages: [String]) {
        if let category = fields.first(prefix + "from-category") {
            bank = .draw(category: category, count: fields.text(prefix + "count"))
        } else if let raw = fields.first(prefix + "bank-question"), let id = UUID(uuidString: raw) {
            bank = .question(id, label: fields.text(prefix + "bank-label"))
        }
        id = fields.text(prefix + "id")
        kind = fields.text(prefix + "kind")
        points = fields.text(prefix + "points")
        partialCredit = fields.first(prefix + "partial") == "on"
        for language in languages {
            prompts[language] = fields.text("\(prefix)prompt-\(language)")
            feedback[language] = fields.text("\(prefix)feedback-\(language)")
            answerFeedback[language] = fields.first("\(prefix)answer-feedback-\(language)") ?? ""
        }
        let rows = min(Int(fields.text(prefix + "option-count")) ?? 0, 26)
        options = (0..<rows).compactMap { row in
            let id = fields.text("\(prefix)o\(row)-id")
            var texts: [String: String] = [:]
            var matches: [String: String] = [:]
            for language in languages {
                texts[language] = fields.text("\(prefix)o\(row)-\(language)")
                matches[language] = fields.text("\(prefix)o\(row)-match-\(language)")
            }
            if kind != QuestionKind.matching.rawValue { matches = [:] }
            guard !texts.values.allSatisfy(\.isEmpty) || !matches.values.allSatisfy(\.isEmpty) else { return nil }
            return OptionForm(id: id, texts: texts, matches: matches, credit: fields.text("\(prefix)o\(row)-credit"))
        }
        partiallyAccepted = fields.first(prefix + "partially-accepted") ?? ""
        partialValues = fields.first(prefix + "partial-values") ?? ""
        correct = Set(fields.all(prefix + "correct"))
        truth = fields.text(prefix + "truth")
        accepted = fields.first(prefix + "accepted") ?? ""
        caseSensitive = fields.first(prefix + "case") == "on"
        arabicFolding = fields.first(prefix + "arabic") == "on"
        number = fields.text(prefix + "number")
        tolerance = fields.text(prefix + "tolerance")
        essayLength = fields.text(prefix + "essay-length")
    }

    /// The options' credits when any row has one typed (a row without: 100% when ticked right,
    /// else nothing); nil when none has, so that no weights are stored.
    private func weights(field: String, into validation: inout FieldValidation) -> [OptionCredit]? {
        guard options.contains(where: { !$0.credit.isEmpty }) else { return nil }
        return options.compactMap { option in
            if option.credit.isEmpty { return correct.contains(option.id) ? OptionCredit(optionId: option.id, credit: 1) : nil }
            let text = option.credit.hasSuffix("%") ? String(option.credit.dropLast()) : option.credit
            return FormValue.number(text, field: field, into: &validation).map { OptionCredit(optionId: option.id, credit: $0 / 100) }
        }
    }

    /// Lines of `answer | feedback` in `language`; nil for none.
    private func answerFeedback(in language: String, field: String, into validation: inout FieldValidation) -> [AnswerFeedback]? {
        let lines = (answerFeedback[language] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        return lines.compactMap { line in
            guard let bar = line.firstIndex(of: "|") else {
                validation.add(FieldError(field: field, message: "each line is an answer, a bar, then its feedback, such as b | \(line)"))
                return nil
            }
            return AnswerFeedback(
                answer: line[..<bar].trimmingCharacters(in: .whitespaces), feedback: line[line.index(after: bar)...].trimmingCharacters(in: .whitespaces)
            )
        }
    }

    /// Lines of `50% text`: each line's credit as a fraction and its text; nil for no lines.
    private func creditedLines(_ text: String, field: String, into validation: inout FieldValidation) -> [(Double, String)]? {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        return lines.compactMap { line in
            guard let mark = line.firstIndex(of: "%"), let percent = TypedNumber.parse(String(line[..<mark])) else {
                validation.add(FieldError(field: field, message: "each line is a percentage, then the answer, such as 50% \(line)"))
                return nil
            }
            return (percent / 100, line[line.index(after: mark)...].trimmingCharacters(in: .whitespaces))
        }
    }

    /// Option rows to show: the question's own and blank ones to fill, at least four.
    var optionRows: [OptionForm] {
        let taken = Set(options.map(\.id))
        let free = "abcdefghijklmnopqrstuvwxyz".map(String.init).filter { !taken.contains($0) }
        let blanks = max(2, 4 - options.count)
        return options + free.prefix(min(blanks, 26 - options.count)).map { OptionForm(id: $0, texts: [:]) }
    }

    /// The quiz item for the quiz's rules to judge; nil when the form itself could not be read.
    func item(languages: [String], field: String, into validation: inout FieldValidation) -> QuizItem? {
        switch bank {
        case .question(let id, _):
            return .bankQuestion(id)
        case .draw(let category, let count):
            if count.isEmpty { validation.add(FieldError(field: "\(field).count", message: "is required")) }
            return FormValue.integer(count, field: "\(field).count", into: &validation).map { .draw(category: category, count: $0) }
        case nil:
            return question(languages: languages, field: field, into: &validation).map(QuizItem.question)
        }
    }

    /// The question for the quiz's rules to judge; nil when the form itself could not be read.
    func question(languages: [String], field: String, into validation: inout FieldValidation) -> QuizQuestion? {
        guard let kind = QuestionKind(rawValue: kind) else {
            validation.add(FieldError(
                field: "\(field).kind", message: "must be one of \(QuestionKind.allCases.map(\.rawValue).joined(separator: ", "))"
            ))
            return nil
        }
        // A description is worth nothing, whatever its points field holds.
        if kind != .description, points.isEmpty { validation.add(FieldError(field: "\(field).points", message: "is required")) }
        let points = kind == .description ? 0 : FormValue.number(points, field: "\(field).points", into: &validation)
        var translations: [String: QuestionText] = [:]
        for language in languages {
            let prompt = prompts[language] ?? ""
            // A matching question's options are the rows with an option; its matches, the rows with a match.
            let rows = kind == .matching ? self.options.filter { !$0.texts.values.allSatisfy(\.isEmpty) } : self.options
            let options = kind.hasOptions ? rows.map { QuizOption(id: $0.id, text: $0.texts[language] ?? "") } : nil
            let matches = kind == .matching
                ? self.options.filter { !$0.matches.values.allSatisfy(\.isEmpty) }.map { QuizOption(id: "m\($0.id)", text: $0.matches[language] ?? "") } : nil
            let hasText = !prompt.isEmpty || (options?.contains { !$0.text.isEmpty } ?? false)
            if hasText {
                let feedback = feedback[language] ?? ""
                let perAnswer = answerFeedback(in: language, field: "\(field).translations.\(language).answer_feedback", into: &validation)
                translations[language] = QuestionText(
                    prompt: prompt, options: options, matches: matches, feedback: feedback.isEmpty ? nil : feedback, answerFeedback: perAnswer
                )
            }
        }
        var answer = QuestionAnswer()
        switch kind {
        case .singleChoice:
            if correct.count > 1 {
                validation.add(FieldError(field: "\(field).answer.option_id", message: "must be one option: tick only one"))
            }
            answer.optionId = correct.first
            answer.weights = weights(field: "\(field).answer.weights", into: &validation)
        case .multipleChoice:
            answer.optionIds = correct.sorted()
            answer.weights = weights(field: "\(field).answer.weights", into: &validation)
        case .ordering:
            answer.optionIds = options.map(\.id)
        case .description:
            break
        case .essay:
            answer.maxLength = FormValue.integer(essayLength, field: "\(field).answer.max_length", into: &validation)
        case .matching:
            answer.pairs = options.filter { !$0.texts.values.allSatisfy(\.isEmpty) }.map { MatchPair(optionId: $0.id, matchId: "m\($0.id)") }
        case .trueFalse:
            answer.value = truth == "true" ? .bool(true) : truth == "false" ? .bool(false) : nil
        case .shortText:
            answer.accepted = accepted.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            answer.caseSensitive = caseSensitive
            answer.normalize = arabicFolding ? .arabic : .standard
            answer.partiallyAccepted = creditedLines(partiallyAccepted, field: "\(field).answer.partially_accepted", into: &validation)?.map { credit, text in
                CreditedText(text: text, credit: credit)
            }
        case .numeric:
            answer.value = FormValue.number(number, field: "\(field).answer.value", into: &validation).map(AnswerValue.number)
            answer.tolerance = FormValue.number(tolerance, field: "\(field).answer.tolerance", into: &validation)
            answer.partialValues = creditedLines(partialValues, field: "\(field).answer.partial_values", into: &validation)?.compactMap { credit, text in
                let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
                guard let value = FormValue.number(parts[0], field: "\(field).answer.partial_values", into: &validation) else { return nil }
                let tolerance = parts.count > 1 ? FormValue.number(parts[1], field: "\(field).answer.partial_values", into: &validation) : nil
                return CreditedValue(value: value, tolerance: tolerance, credit: credit)
            }
        }
        guard let points else { return nil }
        return QuizQuestion(
            id: id, kind: kind, points: points, partialCredit: kind == .multipleChoice || kind == .ordering ? partialCredit : nil,
            translations: translations, answer: answer
        )
    }
}
