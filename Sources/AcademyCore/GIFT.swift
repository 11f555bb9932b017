import Foundation

/// GIFT, Moodle's plain-text question format, read into `InterchangeQuestion`s and written from
/// them. A question is a paragraph (questions are separated by blank lines; `//` lines are
/// comments): `::name::`, then `[html]`, `[plain]`, `[markdown]` or `[moodle]`, the text, and the
/// answers in braces: `{=right ~wrong}` (choice), `{=one =two}` (short answer), `{T}`/`{FALSE}`,
/// `{#3.14:0.01}` or `{#1..5}` or `{#=1822:0 =%50%1822:2}` (numerical), `{=a -> 1 =b -> 2}`
/// (matching), `{}` (essay), no braces (description). `%50%` weights an answer, `#` gives its
/// feedback, `####` the question's; braces in the middle of the text make a missing word
/// (`_____`). `\~ \= \# \{ \} \: \\` are the characters themselves, `\n` a new line.
/// `$CATEGORY: a/b` puts the questions after it in category `a/b`.
public enum GIFT {
    /// The blank a missing-word question shows where its answers stood.
    public static let blank = "_____"

    public static func read(_ text: String) -> (questions: [InterchangeQuestion], problems: [InterchangeProblem]) {
        var reading = InterchangeReading()
        var category: [String] = []
        for paragraph in paragraphs(of: text) {
            var lines = paragraph.lines
            var line = paragraph.firstLine
            if let first = lines.first, first.text.trimmingCharacters(in: .whitespaces).hasPrefix("$CATEGORY:") {
                category = InterchangeQuestion.categoryPath(String(first.text.trimmingCharacters(in: .whitespaces).dropFirst("$CATEGORY:".count)))
                lines.removeFirst()
                guard let next = lines.first else { continue }
                line = next.number
            }
            reading.add(question(lines.map(\.text).joined(separator: "\n"), line: line), category: category)
        }
        return (reading.questions, reading.problems)
    }

    // MARK: Reading

    private struct Paragraph {
        var firstLine: Int
        var lines: [(number: Int, text: String)]
    }

    /// Non-blank, non-comment lines grouped by the blank lines between them.
    private static func paragraphs(of text: String) -> [Paragraph] {
        var result: [Paragraph] = []
        var current: Paragraph?
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.hasSuffix("\r") ? String(raw.dropLast()) : String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("//") { continue }
            if trimmed.isEmpty {
                if let paragraph = current { result.append(paragraph) }
                current = nil
                continue
            }
            if current == nil { current = Paragraph(firstLine: number, lines: []) }
            current?.lines.append((number, line))
        }
        if let paragraph = current { result.append(paragraph) }
        return result
    }

    /// Escaped characters become private-use scalars while the structure is read, and come back
    /// when a text is taken out of it.
    private static let escapable: [Character: Character] = [
        "~": "\u{E001}", "=": "\u{E002}", "#": "\u{E003}", "{": "\u{E004}", "}": "\u{E005}", ":": "\u{E006}", "\\": "\u{E007}",
    ]
    private static let unescaped = Dictionary(uniqueKeysWithValues: escapable.map { ($0.value, $0.key) })

    private static func hideEscapes(_ text: String) -> String {
        var result = ""
        var pendingBackslash = false
        for character in text {
            if pendingBackslash {
                pendingBackslash = false
                if let hidden = escapable[character] {
                    result.append(hidden)
                } else if character == "n" {
                    result.append("\n")
                } else {
                    result.append("\\")
                    result.append(character)
                }
            } else if character == "\\" {
                pendingBackslash = true
            } else {
                result.append(character)
            }
        }
        if pendingBackslash { result.append("\\") }
        return result
    }

    private static func restore(_ text: some StringProtocol) -> String {
        String(text.map { unescaped[$0] ?? $0 }).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func question(_ raw: String, line: Int) -> Result<InterchangeQuestion, InterchangeProblem> {
        var source = Substring(hideEscapes(raw)).trimmingPrefix(while: \.isWhitespace)
        var name: String?
        if source.hasPrefix("::") {
            let rest = source.dropFirst(2)
            guard let end = rest.range(of: "::") else {
                return .failure(InterchangeProblem(line: line, name: String(raw.prefix(40)), reason: "the name has no closing ::"))
            }
            name = restore(rest[..<end.lowerBound])
            source = rest[end.upperBound...].trimmingPrefix(while: \.isWhitespace)
        }
        func problem(_ reason: String, text: String? = nil) -> Result<InterchangeQuestion, InterchangeProblem> {
            .failure(InterchangeProblem(line: line, name: name ?? String(restore(text ?? String(source)).prefix(40)), reason: reason))
        }
        var format = InterchangeQuestion.TextFormat.moodle
        for candidate in InterchangeQuestion.TextFormat.allCases where source.hasPrefix("[\(candidate.rawValue)]") {
            format = candidate
            source = source.dropFirst(candidate.rawValue.count + 2)
        }
        guard let open = source.firstIndex(of: "{") else {
            if source.contains("}") { return problem("a } has no { before it") }
            return .success(InterchangeQuestion(name: name, text: restore(source), format: format, kind: .description, line: line))
        }
        guard let close = source[open...].firstIndex(of: "}") else { return problem("the answers' { has no closing }") }
        let before = source[..<open], after = source[source.index(after: close)...]
        if after.contains("{") || after.contains("}") { return problem("a question holds one set of answers in braces") }
        let afterText = after.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = afterText.isEmpty ? restore(before) : restore(before + blank + after)
        var answerPart = Substring(source[source.index(after: open)..<close])
        var generalFeedback: String?
        if let mark = answerPart.range(of: "####") {
            generalFeedback = restore(answerPart[mark.upperBound...])
            answerPart = answerPart[..<mark.lowerBound]
        }
        let answers = answerPart.trimmingCharacters(in: .whitespacesAndNewlines)
        var question = InterchangeQuestion(name: name, text: text, format: format, kind: .essay, generalFeedback: generalFeedback, line: line)
        if answers.isEmpty { return .success(question) }
        let head = answers.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
        do {
            if answers.hasPrefix("#") {
                question.kind = .numerical
                question.answers = try numericalAnswers(answers.dropFirst())
            } else if ["T", "TRUE", "F", "FALSE"].contains(head) {
                question.kind = .trueFalse
                let feedback = answers.split(separator: "#", omittingEmptySubsequences: false).dropFirst().map { restore($0) }
                let right = head.hasPrefix("T")
                let wrongFeedback = feedback.first.flatMap { $0.isEmpty ? nil : $0 }
                let rightFeedback = feedback.dropFirst().first.flatMap { $0.isEmpty ? nil : $0 }
                question.answers = [
                    .init(text: "true", fraction: right ? 1 : 0, feedback: right ? rightFeedback : wrongFeedback),
                    .init(text: "false", fraction: right ? 0 : 1, feedback: right ? wrongFeedback : rightFeedback),
                ]
            } else {
                let tokens = try answerTokens(answers)
                if tokens.contains(where: { $0.marker == "=" && $0.body.contains("->") }) {
                    question.kind = .matching
                    question.pairs = try tokens.map { token in
                        guard token.marker == "=", let arrow = token.body.range(of: "->") else {
                            throw ReadError.reason("each answer of a matching question is = premise -> match")
                        }
                        return .init(premise: restore(token.body[..<arrow.lowerBound]), match: restore(token.body[arrow.upperBound...]))
                    }
                    if question.pairs.filter({ !$0.premise.isEmpty }).count < 2 { throw ReadError.reason("a matching question needs two pairs or more") }
                } else if tokens.contains(where: { $0.marker == "~" }) {
                    question.kind = .multipleChoice
                    question.singleAnswer = tokens.contains { $0.marker == "=" }
                    question.answers = try tokens.map { try answer($0, defaultFraction: $0.marker == "=" ? 1 : 0) }
                    if question.answers.count < 2 { throw ReadError.reason("a multiple-choice question needs two answers or more") }
                } else {
                    question.kind = .shortAnswer
                    question.answers = try tokens.map { try answer($0, defaultFraction: 1) }
                }
            }
        } catch ReadError.reason(let reason) {
            return problem(reason, text: text)
        } catch {
            return problem("\(error)", text: text)
        }
        return .success(question)
    }

    private enum ReadError: Error {
        case reason(String)
    }

    private struct Token {
        let marker: Character
        let body: Substring
    }

    /// `=a ~b ~%50%c`: each answer with its marker.
    private static func answerTokens(_ answers: String) throws -> [Token] {
        guard let first = answers.first, first == "=" || first == "~" else {
            throw ReadError.reason("answers start with = (right) or ~ (wrong), # (a number), or are T or F")
        }
        var tokens: [Token] = []
        var start = answers.startIndex
        var index = answers.index(after: start)
        while index <= answers.endIndex {
            if index == answers.endIndex || answers[index] == "=" || answers[index] == "~" {
                // `->` of a matching pair is no marker; neither is `=` in a weight's sign.
                tokens.append(Token(marker: answers[start], body: answers[answers.index(after: start)..<index]))
                if index == answers.endIndex { break }
                start = index
            }
            index = answers.index(after: index)
        }
        return tokens
    }

    /// `%50%text#feedback` read into an answer.
    private static func answer(_ token: Token, defaultFraction: Double) throws -> InterchangeQuestion.Answer {
        var body = token.body.trimmingPrefix(while: \.isWhitespace)
        let fraction = try weight(&body) ?? defaultFraction
        let parts = body.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let text = restore(parts[0])
        if text.isEmpty { throw ReadError.reason("an answer has no text") }
        let feedback = parts.count > 1 ? restore(parts[1]) : ""
        return .init(text: text, fraction: fraction, feedback: feedback.isEmpty ? nil : feedback)
    }

    /// Takes a leading `%50%` off `body`, as the fraction 0.5.
    private static func weight(_ body: inout Substring) throws -> Double? {
        guard body.hasPrefix("%") else { return nil }
        let rest = body.dropFirst()
        guard let end = rest.firstIndex(of: "%"), let percent = Double(rest[..<end].trimmingCharacters(in: .whitespaces)),
              (-100...100).contains(percent)
        else { throw ReadError.reason("a weight is a percentage from -100 to 100 between % signs, such as %50%") }
        body = rest[rest.index(after: end)...].trimmingPrefix(while: \.isWhitespace)
        // -33.33333% is the fraction -0.3333333, not its nearest binary neighbour's quotient.
        return (percent / 100 * 1e10).rounded() / 1e10
    }

    /// `3.14:0.01`, `1..5`, `3`, or several: `=1822:0 =%50%1822:2`, each with its feedback.
    private static func numericalAnswers(_ spec: Substring) throws -> [InterchangeQuestion.Answer] {
        let trimmed = spec.trimmingPrefix(while: \.isWhitespace)
        let tokens: [Substring] = trimmed.hasPrefix("=") ? trimmed.split(separator: "=").map { $0 } : [trimmed]
        return try tokens.map { token in
            var body = token.trimmingPrefix(while: \.isWhitespace)
            let fraction = try weight(&body) ?? 1
            let parts = body.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let value = parts[0].trimmingCharacters(in: .whitespacesAndNewlines)
            let feedback = parts.count > 1 ? restore(parts[1]) : ""
            let number: Double, tolerance: Double
            if let range = value.range(of: "..") {
                guard let low = Double(value[..<range.lowerBound]), let high = Double(value[range.upperBound...]), low <= high else {
                    throw ReadError.reason("\(value) is not a range of numbers such as 1..5")
                }
                // Rounded so that the range's middle and margin write and read back the same.
                (number, tolerance) = (((low + high) / 2 * 1e10).rounded() / 1e10, ((high - low) / 2 * 1e10).rounded() / 1e10)
            } else {
                let pieces = value.split(separator: ":", maxSplits: 1)
                guard let first = pieces.first, let parsed = Double(first) else {
                    throw ReadError.reason("\(value.isEmpty ? "(nothing)" : value) is not a number")
                }
                number = parsed
                if pieces.count > 1 {
                    guard let margin = Double(pieces[1]), margin >= 0 else { throw ReadError.reason("\(pieces[1]) is not a margin of error") }
                    tolerance = margin
                } else {
                    tolerance = 0
                }
            }
            return .init(text: TypedNumber.text(number), fraction: fraction, feedback: feedback.isEmpty ? nil : feedback, tolerance: tolerance)
        }
    }

    // MARK: Writing

    /// The questions as a GIFT file, with a `$CATEGORY:` line wherever the category changes.
    /// Ordering questions have no GIFT form: they are left out and named in `skipped`.
    public static func write(_ questions: [InterchangeQuestion]) -> (text: String, skipped: [InterchangeProblem]) {
        var text = ""
        var skipped: [InterchangeProblem] = []
        var category: [String] = []
        for question in questions {
            guard question.kind != .ordering else {
                skipped.append(InterchangeProblem(line: question.line, name: question.label, reason: "GIFT has no ordering questions: export as Moodle XML"))
                continue
            }
            if question.category != category {
                text += "$CATEGORY: \(question.category.map { escape($0) }.joined(separator: "/"))\n\n"
                category = question.category
            }
            text += written(question) + "\n\n"
        }
        return (text, skipped)
    }

    private static func written(_ question: InterchangeQuestion) -> String {
        var text = question.name.map { "::\(escape($0))::" } ?? ""
        if question.format != .moodle { text += "[\(question.format.rawValue)]" }
        text += escape(question.text)
        func feedback(_ answer: InterchangeQuestion.Answer) -> String {
            answer.feedback.map { "#" + escape($0) } ?? ""
        }
        func weight(_ fraction: Double) -> String {
            "%\(TypedNumber.text((fraction * 100 * 100_000).rounded() / 100_000))%"
        }
        let answers: String
        switch question.kind {
        case .description:
            return text
        case .essay:
            answers = ""
        case .trueFalse:
            let right = question.answers.first { $0.fraction > 0 }
            let wrong = question.answers.first { $0.fraction <= 0 }
            let value = right?.text == "false" ? "FALSE" : "TRUE"
            let feedbacks = [wrong?.feedback, right?.feedback]
            answers = feedbacks.allSatisfy { $0 == nil } ? value : value + feedbacks.map { "#" + escape($0 ?? "") }.joined()
        case .multipleChoice:
            answers = question.answers.map { answer in
                let marker = question.singleAnswer && answer.fraction == 1 ? "=" : "~"
                let weighted = marker == "~" && answer.fraction != 0 ? weight(answer.fraction) : ""
                return "\(marker)\(weighted)\(escape(answer.text))\(feedback(answer))"
            }.joined(separator: " ")
        case .shortAnswer:
            answers = question.answers.map { answer in
                "=\(answer.fraction == 1 ? "" : weight(answer.fraction))\(escape(answer.text))\(feedback(answer))"
            }.joined(separator: " ")
        case .numerical:
            func value(_ answer: InterchangeQuestion.Answer) -> String {
                answer.text + ((answer.tolerance ?? 0) == 0 ? "" : ":\(TypedNumber.text(answer.tolerance ?? 0))")
            }
            if question.answers.count == 1, let only = question.answers.first, only.fraction == 1 {
                answers = "#" + value(only) + feedback(only)
            } else {
                answers = "#" + question.answers.map { answer in
                    "=\(answer.fraction == 1 ? "" : weight(answer.fraction))\(value(answer))\(feedback(answer))"
                }.joined(separator: " ")
            }
        case .matching:
            answers = question.pairs.map { "=\(escape($0.premise)) -> \(escape($0.match))" }.joined(separator: " ")
        case .ordering:
            return text
        }
        let general = question.generalFeedback.map { "####" + escape($0) } ?? ""
        return text + "{" + answers + general + "}"
    }

    private static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "~", "=", "#", "{", "}", ":", "\\": result += "\\" + String(character)
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }
}
