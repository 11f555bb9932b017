import AcademyCore
import Foundation

/// A text of a course's content in the visitor's reading language (the content switch's, else the
/// interface's) when it has one, else the course's default, with the language actually shown and
/// its direction.
struct ContentLanguage<Text> {
    let lang: String
    let dir: String
    let value: Text?

    init(_ texts: [String: Text], course: Course, visitor: Visitor) {
        self.init(texts, fallback: course.defaultLanguage, visitor: visitor)
    }

    /// `fallback`: the default language of the texts' course.
    init(_ texts: [String: Text], fallback: String, visitor: Visitor) {
        let language = Languages.negotiate(
            query: visitor.readingLanguage, acceptLanguage: nil, userLocale: nil, available: texts.keys.sorted(), fallback: fallback
        )
        let shown = texts[language] != nil ? language : fallback
        lang = shown
        dir = Languages.direction(of: shown).rawValue
        value = Languages.text(texts, in: language, fallback: fallback)
    }
}

/// One question's answer as the quiz form sends it (`q-<id>`, repeated for checkboxes, with
/// `present-<id>` marking a checkbox group so that unticking every box is an answer too).
enum FormAnswer: Equatable {
    case none
    case unreadable
    case answer(QuestionResponse)

    static func read(_ question: QuizQuestion, from fields: FormFields) -> FormAnswer {
        let values = fields.all("q-\(question.id)")
        let first = values.first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        switch question.kind {
        case .singleChoice:
            return first.isEmpty ? .none : .answer(.option(first))
        case .multipleChoice:
            guard !values.isEmpty || fields.first("present-\(question.id)") != nil else { return .none }
            return .answer(.options(Set(values)))
        case .trueFalse:
            switch first {
            case "true": return .answer(.value(true))
            case "false": return .answer(.value(false))
            default: return .none
            }
        case .shortText:
            return first.isEmpty ? .none : .answer(.text(first))
        case .numeric:
            if first.isEmpty { return .none }
            return TypedNumber.parse(first).map { .answer(.number($0)) } ?? .unreadable
        case .ordering:
            // Each item's position, `q-<question>-<item>`: all of them, each once, or none.
            let positions = question.optionIDs.map { id in (id, fields.first("q-\(question.id)-\(id)") ?? "") }
            if positions.allSatisfy({ $0.1.isEmpty }) { return .none }
            let numbered = positions.compactMap { id, text in TypedNumber.parse(text).map { (id, $0) } }
            guard numbered.count == positions.count, Set(numbered.map(\.1)) == Set((1...positions.count).map(Double.init)) else { return .unreadable }
            return .answer(.order(numbered.sorted { $0.1 < $1.1 }.map(\.0)))
        case .description:
            return .none
        case .essay:
            // Kept as written, line breaks and all; only an essay of nothing but spaces is none.
            guard let essay = values.first, !first.isEmpty else { return .none }
            return .answer(.text(essay))
        case .matching:
            // Each option's chosen match, `q-<question>-<option>`; an option left unmatched is left out.
            let matches = Set(question.matchIDs)
            var pairs: [String: String] = [:]
            for option in question.optionIDs {
                let chosen = fields.text("q-\(question.id)-\(option)")
                guard !chosen.isEmpty else { continue }
                guard matches.contains(chosen) else { return .unreadable }
                pairs[option] = chosen
            }
            return pairs.isEmpty ? .none : .answer(.pairs(pairs))
        }
    }
}

/// The attempt's form: its questions in the order drawn, options in their drawn order, each
/// with what is saved for it.
struct AttemptPage {
    let id: String
    let courseSlug: String
    let lang: String
    let dir: String
    let title: String
    let notice: String?
    let problem: String?
    let secondsLeft: Int?
    let timeLeft: String
    let questions: [Question]

    struct Question {
        let id: String
        /// The form field of its answer; also read inside an option's section, where `id` is the option's.
        let field: String
        let questionID: String
        let kind: String
        let lang: String
        let dir: String
        let prompt: String
        let points: String
        let seq: Int
        let saved: Bool
        let isChoice: Bool
        let isMultiple: Bool
        let isTrueFalse: Bool
        let isTrue: Bool
        let isFalse: Bool
        let isText: Bool
        let isNumber: Bool
        let isOrdering: Bool
        let isDescription: Bool
        let isMatching: Bool
        let isEssay: Bool
        let maxLength: Int
        /// Where the question's images are served.
        let images: [String]
        let text: String
        let options: [Option]
    }

    struct Option {
        let id: String
        let text: String
        let inputType: String
        let checked: Bool
        /// An item to order: the positions to choose from, the saved one selected.
        let positions: [Position]
        /// An option to match: the matches to choose from, the saved one selected.
        let matchChoices: [MatchChoice]
    }

    struct MatchChoice {
        let id: String
        let text: String
        let selected: Bool
    }

    struct Position {
        let number: Int
        let selected: Bool
    }

    init(
        attempt: QuizAttempt, content: QuizContent, answers: [SavedAnswer], course: Course, visitor: Visitor,
        title: ContentLanguage<QuizContent.Text>, notice: String?, problem: String?, now: Date = Date()
    ) {
        id = attempt.id.apiString
        courseSlug = course.slug
        lang = title.lang
        dir = title.dir
        self.title = title.value?.title ?? ""
        self.notice = notice
        self.problem = problem
        let left = attempt.deadline.map { max(0, Int($0.timeIntervalSince(now).rounded(.down))) }
        secondsLeft = left
        timeLeft = left.map(Self.clock) ?? ""
        let saved = Dictionary(uniqueKeysWithValues: answers.map { ($0.questionID, $0) })
        let byID = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
        questions = attempt.plan.items.compactMap { item in
            guard let question = byID[item.questionId] else { return nil }
            let text = ContentLanguage(question.translations, course: course, visitor: visitor)
            let answer = saved[question.id]
            let optionsByID = Dictionary(uniqueKeysWithValues: (text.value?.options ?? []).map { ($0.id, $0) })
            let chosen: Set<String> = switch answer?.response {
            case .option(let id)?: [id]
            case .options(let ids)?: ids
            default: []
            }
            let order: [String] = if case .order(let ids)? = answer?.response { ids } else { [] }
            let pairs: [String: String] = if case .pairs(let chosen)? = answer?.response { chosen } else { [:] }
            let matchesByID = Dictionary(uniqueKeysWithValues: (text.value?.matches ?? []).map { ($0.id, $0) })
            let drawnMatches = (item.matchIds ?? []).compactMap { matchesByID[$0] }
            let itemCount = item.optionIds?.count ?? 0
            let typed: String = switch answer?.response {
            case .text(let value)?: value
            case .number(let value)?: TypedNumber.text(value)
            default: ""
            }
            return Question(
                id: question.id, field: "q-\(question.id)", questionID: question.id, kind: question.kind.rawValue, lang: text.lang, dir: text.dir, prompt: text.value?.prompt ?? "",
                points: TypedNumber.text(question.points),
                seq: answer?.seq ?? 0, saved: answer != nil,
                isChoice: question.kind == .singleChoice || question.kind == .multipleChoice,
                isMultiple: question.kind == .multipleChoice,
                isTrueFalse: question.kind == .trueFalse,
                isTrue: answer?.response == .value(true), isFalse: answer?.response == .value(false),
                isText: question.kind == .shortText, isNumber: question.kind == .numeric,
                isOrdering: question.kind == .ordering, isDescription: question.kind == .description, isMatching: question.kind == .matching,
                isEssay: question.kind == .essay, maxLength: question.essayLength,
                images: (question.images ?? []).map { "/attempts/\(attempt.id.apiString)/images/\($0.sha256)" },
                text: typed,
                options: (item.optionIds ?? []).compactMap { optionsByID[$0] }.map { option in
                    let place = order.firstIndex(of: option.id).map { $0 + 1 }
                    return Option(
                        id: option.id, text: option.text, inputType: question.kind == .multipleChoice ? "checkbox" : "radio",
                        checked: chosen.contains(option.id),
                        positions: question.kind == .ordering ? (1...max(1, itemCount)).map { Position(number: $0, selected: $0 == place) } : [],
                        matchChoices: drawnMatches.map { MatchChoice(id: $0.id, text: $0.text, selected: pairs[option.id] == $0.id) }
                    )
                }
            )
        }
    }

    /// `1:05:09` or `05:09`.
    static func clock(_ seconds: Int) -> String {
        let (hours, minutes, rest) = (seconds / 3600, seconds / 60 % 60, seconds % 60)
        let tail = String(format: "%02d:%02d", minutes, rest)
        return hours > 0 ? "\(hours):\(tail)" : tail
    }
}

/// A finished attempt: the score and each question's outcome when the review policy allows.
struct ResultPage {
    let courseSlug: String
    let lang: String
    let dir: String
    let title: String
    let showResults: Bool
    let score: String
    let maxScore: String
    let percent: String
    let passed: Bool
    /// An essay waits for its grade: no percent and no pass yet.
    let needsGrading: Bool
    let results: [Outcome]

    struct Outcome {
        let lang: String
        let dir: String
        let prompt: String
        let correct: Bool
        let needsGrading: Bool
        let points: String
        let feedback: String?
        let answerFeedback: [String]
        let comment: String?
    }

    init(
        attempt: QuizAttempt, content: QuizContent, answers: [SavedAnswer], course: Course, visitor: Visitor, title: ContentLanguage<QuizContent.Text>,
        showResults: Bool
    ) {
        courseSlug = course.slug
        lang = title.lang
        dir = title.dir
        self.title = title.value?.title ?? ""
        let result = showResults ? attempt.result : nil
        self.showResults = result != nil
        func number(_ value: Double) -> String {
            value.rounded() == value ? String(Int(value)) : String(format: "%.2f", value)
        }
        score = result.map { number($0.score) } ?? ""
        maxScore = result.map { number($0.maxScore) } ?? ""
        percent = result.map { number(($0.percent * 10).rounded() / 10) } ?? ""
        passed = result?.passed ?? false
        needsGrading = result?.needsGrading ?? false
        let byID = Dictionary(uniqueKeysWithValues: content.questions.map { ($0.id, $0) })
        let responses = Dictionary(answers.map { ($0.questionID, $0.response) }, uniquingKeysWith: { first, _ in first })
        results = (result?.questions ?? []).compactMap { entry in
            guard let question = byID[entry.id] else { return nil }
            let text = ContentLanguage(question.translations, course: course, visitor: visitor)
            return Outcome(
                lang: text.lang, dir: text.dir, prompt: text.value?.prompt ?? "", correct: entry.correct, needsGrading: entry.pending == true,
                points: "\(number(entry.points)) / \(number(entry.maxPoints))", feedback: text.value?.feedback,
                answerFeedback: text.value.map { question.answerFeedback(for: responses[entry.id], in: $0) } ?? [], comment: entry.comment
            )
        }
    }
}
