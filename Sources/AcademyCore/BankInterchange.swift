import Foundation

/// A question read from an exchange file, as the bank will hold it.
public struct ImportedQuestion: Sendable, Equatable {
    public var category: String
    public var name: String?
    public var question: QuizQuestion
    /// The images the file embeds, to store before the question gets them as `images`.
    public var files: [InterchangeQuestion.EmbeddedFile]

    public init(category: String, name: String?, question: QuizQuestion, files: [InterchangeQuestion.EmbeddedFile] = []) {
        self.category = category
        self.name = name
        self.question = question
        self.files = files
    }
}

/// Between Moodle's model of a question (`InterchangeQuestion`, as GIFT and Moodle XML carry it)
/// and the academy's: choices get option ids `a`, `b`, … in the file's order; fractions become
/// weights, partly accepted texts and values; answers' feedback becomes per-answer feedback,
/// hints join the general feedback; multilang blocks become translations, text outside any block
/// belonging to every language and unmarked text to `language` (the course's); HTML becomes
/// plain text. What the academy cannot hold exactly is refused with its reason, never changed.
public enum BankInterchange {
    /// The longest text of a question read from a file, markup included (a prompt holds 10,000
    /// characters at most, up to four bytes each, and some markup around them).
    public static let maximumTextBytes = 64 * 1024

    public static func question(from source: InterchangeQuestion, language: String) -> Result<ImportedQuestion, InterchangeProblem> {
        func problem(_ reason: String) -> Result<ImportedQuestion, InterchangeProblem> {
            .failure(InterchangeProblem(line: source.line, name: source.label, reason: reason))
        }
        // Longer than any question may hold, whatever its markup: refused before any is parsed.
        let written = [source.text, source.generalFeedback ?? ""] + source.hints + source.answers.flatMap { [$0.text, $0.feedback ?? ""] }
            + source.pairs.flatMap { [$0.premise, $0.match] }
        if written.contains(where: { $0.utf8.count > maximumTextBytes }) {
            return problem("holds a text longer than \(maximumTextBytes) bytes")
        }
        // An image the file does not carry (on another site, or a file left out) would be lost.
        if source.files.isEmpty, source.text.contains("@@PLUGINFILE@@") || source.text.range(of: "<img", options: .caseInsensitive) != nil {
            return problem("shows an image the file does not carry (only images embedded in a Moodle XML file come with a question)")
        }
        let ids = "abcdefghijklmnopqrstuvwxyz".map(String.init)
        var texts = Texts(format: source.format, language: language)
        let prompt = texts.add(source.text)
        let general = ([source.generalFeedback] + source.hints.map(Optional.some)).compactMap { $0 }.map { texts.add($0) }
        var kind: QuestionKind
        var answer = QuestionAnswer()
        var options: [(id: String, text: Int)] = []
        var matches: [(id: String, text: Int)] = []
        var feedback: [(answer: String, text: Int)] = []
        var partialCredit: Bool?
        func noteFeedback(_ item: InterchangeQuestion.Answer, as key: String) {
            if let text = item.feedback { feedback.append((key, texts.add(text))) }
        }
        switch source.kind {
        case .description:
            kind = .description
        case .essay:
            kind = .essay
        case .trueFalse:
            kind = .trueFalse
            guard let right = source.answers.first(where: { $0.fraction > 0 }), ["true", "false"].contains(right.text.lowercased()) else {
                return problem("a true/false question needs true or false as its right answer")
            }
            answer.value = .bool(right.text.lowercased() == "true")
            for item in source.answers { noteFeedback(item, as: item.text.lowercased()) }
        case .multipleChoice:
            guard source.answers.count <= ids.count else { return problem("a choice question holds at most 26 answers") }
            kind = source.singleAnswer ? .singleChoice : .multipleChoice
            for (id, item) in zip(ids, source.answers) {
                options.append((id, texts.add(item.text)))
                noteFeedback(item, as: id)
            }
            let credits = zip(ids, source.answers).map { (id: $0, credit: $1.fraction) }
            if source.singleAnswer {
                guard let right = credits.first(where: { $0.credit == 1 }) else {
                    return problem("a one-answer choice question needs an answer worth 100%")
                }
                answer.optionId = right.id
            } else {
                answer.optionIds = credits.filter { $0.credit > 0 }.map(\.id)
            }
            // Weights only where Moodle's fractions say more than right and wrong.
            if !source.singleAnswer || credits.contains(where: { $0.credit != 0 && $0.credit != 1 }) {
                answer.weights = credits.filter { $0.credit != 0 }.map { OptionCredit(optionId: $0.id, credit: $0.credit) }
            }
        case .shortAnswer:
            kind = .shortText
            if source.answers.contains(where: { $0.fraction < 0 }) { return problem("a short answer cannot take credit away") }
            answer.accepted = source.answers.filter { $0.fraction == 1 }.map(\.text)
            let partial = source.answers.filter { $0.fraction > 0 && $0.fraction < 1 }.map { CreditedText(text: $0.text, credit: $0.fraction) }
            answer.partiallyAccepted = partial.isEmpty ? nil : partial
            answer.caseSensitive = source.caseSensitive
            for item in source.answers { noteFeedback(item, as: item.text) }
        case .numerical:
            kind = .numeric
            if source.answers.contains(where: { $0.fraction < 0 }) { return problem("a numerical answer cannot take credit away") }
            guard let right = source.answers.first(where: { $0.fraction == 1 }), let value = Double(right.text) else {
                return problem("a numerical question needs a number worth 100%")
            }
            answer.value = .number(value)
            answer.tolerance = right.tolerance ?? 0
            var partial: [CreditedValue] = []
            let rightIndex = source.answers.firstIndex { $0.fraction == 1 }
            for (index, item) in source.answers.enumerated() where index != rightIndex {
                if item.fraction > 0 {
                    guard let number = Double(item.text) else { return problem("\(item.text) is not a number") }
                    partial.append(CreditedValue(value: number, tolerance: item.tolerance, credit: item.fraction))
                }
            }
            answer.partialValues = partial.isEmpty ? nil : partial
            for item in source.answers { noteFeedback(item, as: item.text) }
        case .matching:
            kind = .matching
            var matchIDs: [String: String] = [:]
            var pairs: [MatchPair] = []
            for pair in source.pairs {
                let matchID = matchIDs[pair.match] ?? {
                    let id = "m\(matchIDs.count + 1)"
                    matchIDs[pair.match] = id
                    matches.append((id, texts.add(pair.match)))
                    return id
                }()
                guard !pair.premise.isEmpty else { continue }
                guard options.count < ids.count else { return problem("a matching question holds at most 26 pairs") }
                let id = ids[options.count]
                options.append((id, texts.add(pair.premise)))
                pairs.append(MatchPair(optionId: id, matchId: matchID))
            }
            answer.pairs = pairs
        case .ordering:
            guard source.answers.count <= ids.count else { return problem("an ordering question holds at most 26 items") }
            kind = .ordering
            for (id, item) in zip(ids, source.answers) { options.append((id, texts.add(item.text))) }
            answer.optionIds = Array(ids.prefix(source.answers.count))
            partialCredit = false
        }
        var translations: [String: QuestionText] = [:]
        for code in texts.languages {
            let entries = feedback.map { AnswerFeedback(answer: $0.answer, feedback: texts.value($0.text, in: code)) }.filter { !$0.feedback.isEmpty }
            let generalText = general.map { texts.value($0, in: code) }.filter { !$0.isEmpty }.joined(separator: "\n\n")
            translations[code] = QuestionText(
                prompt: texts.value(prompt, in: code),
                options: options.isEmpty && !kind.hasOptions ? nil : options.map { QuizOption(id: $0.id, text: texts.value($0.text, in: code)) },
                matches: kind == .matching ? matches.map { QuizOption(id: $0.id, text: texts.value($0.text, in: code)) } : nil,
                feedback: generalText.isEmpty ? nil : generalText,
                answerFeedback: entries.isEmpty ? nil : entries
            )
        }
        let question = QuizQuestion(
            id: "", kind: kind, points: kind == .description ? 0 : source.defaultMark, partialCredit: partialCredit, translations: translations, answer: answer
        )
        return .success(ImportedQuestion(
            category: source.category.joined(separator: "/"), name: source.name, question: question, files: source.files
        ))
    }

    /// A bank question as Moodle's model carries it: every language's text in `{mlang xx}`
    /// blocks when it has more than one; plain text, or, with its images (their bytes by SHA-256
    /// in `images`; nil leaves them out), HTML: the texts escaped, each image after the text.
    public static func interchange(_ stored: BankQuestion, images files: [String: [UInt8]]? = nil) -> InterchangeQuestion {
        var result = plainInterchange(stored)
        guard let files, let images = stored.question.images, !images.isEmpty else { return result }
        func html(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
                .replacingOccurrences(of: "\n", with: "<br>")
        }
        result.format = .html
        result.text = html(result.text) + images.map { "<p><img src=\"@@PLUGINFILE@@/\($0.name)\" alt=\"\"></p>" }.joined()
        result.generalFeedback = result.generalFeedback.map(html)
        result.hints = result.hints.map(html)
        result.pairs = result.pairs.map { .init(premise: html($0.premise), match: html($0.match)) }
        result.answers = result.answers.map { answer in
            var answer = answer
            // Accepted texts and numbers are compared as written; choices and items are text to show.
            if result.kind == .multipleChoice || result.kind == .ordering { answer.text = html(answer.text) }
            answer.feedback = answer.feedback.map(html)
            return answer
        }
        result.files = images.compactMap { image in files[image.sha256].map { .init(name: image.name, data: $0) } }
        return result
    }

    private static func plainInterchange(_ stored: BankQuestion) -> InterchangeQuestion {
        let question = stored.question
        let languages = question.translations.keys.sorted()
        func text(_ value: (QuestionText) -> String?) -> String {
            let values = languages.map { (code: $0, text: question.translations[$0].flatMap(value) ?? "") }
            if Set(values.map(\.text)).count <= 1 { return values.first?.text ?? "" }
            return values.map { "{mlang \($0.code)}\($0.text){mlang}" }.joined()
        }
        func optional(_ value: @escaping (QuestionText) -> String?) -> String? {
            let written = text(value)
            return written.isEmpty ? nil : written
        }
        func option(_ id: String) -> String { text { $0.options?.first { $0.id == id }?.text } }
        func match(_ id: String) -> String { text { $0.matches?.first { $0.id == id }?.text } }
        // The same number may stand twice (right, and partly right within a wider tolerance), each
        // with its own feedback: the n-th answer written takes the n-th feedback for it.
        var occurrences: [String: Int] = [:]
        func feedback(_ key: String) -> String? {
            let occurrence = occurrences[key, default: 0]
            occurrences[key] = occurrence + 1
            return optional { text in
                let entries = (text.answerFeedback ?? []).filter { $0.answer == key }
                return entries.indices.contains(occurrence) ? entries[occurrence].feedback : nil
            }
        }
        let answer = question.answer
        var result = InterchangeQuestion(
            category: stored.category.isEmpty ? [] : stored.category.split(separator: "/").map(String.init), name: stored.name,
            text: text { $0.prompt }, format: .plain, kind: .description, generalFeedback: optional { $0.feedback },
            caseSensitive: answer.caseSensitive ?? false, defaultMark: question.points
        )
        switch question.kind {
        case .description:
            result.defaultMark = 0
        case .essay:
            result.kind = .essay
        case .trueFalse:
            result.kind = .trueFalse
            let right = answer.value == .bool(true)
            result.answers = [
                .init(text: "true", fraction: right ? 1 : 0, feedback: feedback("true")), .init(text: "false", fraction: right ? 0 : 1, feedback: feedback("false")),
            ]
        case .singleChoice, .multipleChoice:
            result.kind = .multipleChoice
            result.singleAnswer = question.kind == .singleChoice
            let weights = Dictionary((answer.weights ?? []).map { ($0.optionId, $0.credit) }, uniquingKeysWith: { first, _ in first })
            let right = Set(answer.optionIds ?? []).union(answer.optionId.map { [$0] } ?? [])
            result.answers = question.optionIDs.map { id in
                let even = question.kind == .multipleChoice && !right.isEmpty ? 1 / Double(right.count) : 1
                return .init(text: option(id), fraction: weights[id] ?? (right.contains(id) ? even : 0), feedback: feedback(id))
            }
        case .shortText:
            result.kind = .shortAnswer
            result.answers = (answer.accepted ?? []).map { .init(text: $0, fraction: 1, feedback: feedback($0)) }
                + (answer.partiallyAccepted ?? []).map { .init(text: $0.text, fraction: $0.credit, feedback: feedback($0.text)) }
            let credited = Set(result.answers.map(\.text))
            result.answers += (question.translations.values.first?.answerFeedback ?? []).filter { !credited.contains($0.answer) }.map {
                .init(text: $0.answer, fraction: 0, feedback: feedback($0.answer))
            }
        case .numeric:
            result.kind = .numerical
            if case .number(let value) = answer.value {
                let written = TypedNumber.text(value)
                result.answers = [.init(text: written, fraction: 1, feedback: feedback(written), tolerance: answer.tolerance ?? 0)]
            }
            result.answers += (answer.partialValues ?? []).map {
                let written = TypedNumber.text($0.value)
                return .init(text: written, fraction: $0.credit, feedback: feedback(written), tolerance: $0.tolerance ?? 0)
            }
            let credited = Set(result.answers.map(\.text))
            result.answers += (question.translations.values.first?.answerFeedback ?? []).filter { !credited.contains($0.answer) && Double($0.answer) != nil }.map {
                .init(text: $0.answer, fraction: 0, feedback: feedback($0.answer), tolerance: 0)
            }
        case .ordering:
            result.kind = .ordering
            result.answers = (answer.optionIds ?? []).map { .init(text: option($0), fraction: 1) }
        case .matching:
            result.kind = .matching
            let paired = Set((answer.pairs ?? []).map(\.matchId))
            result.pairs = (answer.pairs ?? []).map { .init(premise: option($0.optionId), match: match($0.matchId)) }
                + question.matchIDs.filter { !paired.contains($0) }.map { .init(premise: "", match: match($0)) }
        }
        return result
    }

    /// The texts of one question, each read once into its languages.
    private struct Texts {
        let format: InterchangeQuestion.TextFormat
        let language: String
        /// Per text: its value in every language it names, and its value for the others.
        private var entries: [(named: [String: String], other: String?)] = []

        /// Every language a text names, in the order first named; the course's when none does.
        var languages: [String] {
            var result: [String] = []
            for entry in entries {
                for code in entry.named.keys.sorted() where !result.contains(code) { result.append(code) }
            }
            return result.isEmpty ? [language] : result
        }

        init(format: InterchangeQuestion.TextFormat, language: String) {
            self.format = format
            self.language = language
        }

        mutating func add(_ raw: String) -> Int {
            // `{mlang other}` is every language no block names: kept apart as such.
            guard var named = Multilang.translations(of: raw, fallback: "other") else {
                entries.append((named: [:], other: plain(raw)))
                return entries.count - 1
            }
            let other = named.removeValue(forKey: "other")
            entries.append((named: named.mapValues(plain), other: other.map(plain)))
            return entries.count - 1
        }

        /// The text in `code`: its own, else what it says for every language, else the course's.
        func value(_ index: Int, in code: String) -> String {
            let entry = entries[index]
            return entry.named[code] ?? entry.other ?? entry.named[language] ?? entry.named.values.first ?? ""
        }

        private func plain(_ text: String) -> String {
            switch format {
            case .plain, .markdown: return text
            case .html: return HTMLText.plain(text)
            case .moodle: return text.contains("<") ? HTMLText.plain(text.replacingOccurrences(of: "\n", with: "<br>")) : HTMLText.plain(text)
            }
        }
    }
}
