import Foundation

/// How a question is answered and what counts as right, per the five kinds of API.md.
/// `credits` (by option id) and `partial` answers earn part of the points.
public enum AnswerKey: Sendable, Equatable {
    case singleChoice(optionID: String, credits: [String: Double] = [:])
    /// All-or-nothing unless `partialCredit` or `credits`.
    case multipleChoice(optionIDs: Set<String>, partialCredit: Bool, credits: [String: Double] = [:])
    case trueFalse(Bool)
    case shortText(accepted: [String], caseSensitive: Bool, normalization: TextNormalization, partial: [CreditedText] = [])
    case numeric(value: Double, tolerance: Double, partial: [CreditedValue] = [])
    /// All-or-nothing unless `partialCredit`: then each item in its right place earns a share.
    case ordering(order: [String], partialCredit: Bool)
    /// Each option's right match, by option id.
    case matching(pairs: [String: String])
}

/// A student's response, in the shape of its question's kind.
public enum QuestionResponse: Sendable, Equatable {
    case option(String)
    case options(Set<String>)
    case value(Bool)
    case text(String)
    case number(Double)
    /// Every item of an ordering question, in the order given.
    case order([String])
    /// The matches chosen, by option id (options left unmatched are left out).
    case pairs([String: String])
}

public struct QuestionGrade: Sendable, Equatable {
    public let points: Double
    public let correct: Bool

    public init(points: Double, correct: Bool) {
        self.points = points
        self.correct = correct
    }
}

/// How short-text answers are compared.
public enum TextNormalization: String, Sendable, Codable {
    /// Unicode NFC and whitespace folded (trimmed, runs of spaces made one).
    case standard
    /// The same, and the Arabic spelling variants that do not change a word: tashkeel (short
    /// vowels, tanwin, shadda, sukun, superscript alef) and tatweel removed; alef forms (أ إ آ ٱ)
    /// folded to ا, alef maksura ى to ي, teh marbuta ة to ه.
    case arabic

    public func apply(_ text: String) -> String {
        let folded = text.precomposedStringWithCanonicalMapping
            .split(whereSeparator: { $0.isWhitespace })
            .joined(separator: " ")
        guard self == .arabic else { return folded }
        var result = String.UnicodeScalarView()
        for scalar in folded.unicodeScalars {
            switch scalar.value {
            case 0x064B...0x065F, 0x0670, 0x06D6...0x06ED, 0x0640:
                continue
            case 0x0622, 0x0623, 0x0625, 0x0671:
                result.append("\u{0627}")
            case 0x0649:
                result.append("\u{064A}")
            case 0x0629:
                result.append("\u{0647}")
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }
}

/// Server-side grading of one response, the one place where "right" is decided.
public enum Grading {
    public static func grade(_ response: QuestionResponse?, against key: AnswerKey, points: Double) -> QuestionGrade {
        guard let response else { return QuestionGrade(points: 0, correct: false) }
        switch (key, response) {
        case (.singleChoice(let expected, let credits), .option(let chosen)):
            return credited(credits[chosen] ?? (chosen == expected ? 1 : 0), points, correct: chosen == expected)
        case (.multipleChoice(let expected, let partial, let credits), .options(let chosen)):
            if !credits.isEmpty {
                // Moodle's weights: the chosen options' credits add up, within 0 and the whole.
                return credited(chosen.reduce(0) { $0 + (credits[$1] ?? 0) }, points, correct: chosen == expected)
            }
            if chosen == expected { return QuestionGrade(points: points, correct: true) }
            guard partial, !expected.isEmpty else { return QuestionGrade(points: 0, correct: false) }
            // Each right option earns a share; each wrong one takes a share back; never below 0.
            let right = Double(chosen.intersection(expected).count)
            let wrong = Double(chosen.subtracting(expected).count)
            return credited((right - wrong) / Double(expected.count), points, correct: false)
        case (.trueFalse(let expected), .value(let given)):
            return whole(given == expected, points)
        case (.shortText(let accepted, let caseSensitive, let normalization, let partial), .text(let given)):
            let normalize = { (text: String) in comparable(text, caseSensitive: caseSensitive, normalization: normalization) }
            let answer = normalize(given)
            if accepted.contains(where: { matches(normalize($0), answer) }) { return whole(true, points) }
            let best = partial.filter { matches(normalize($0.text), answer) }.map(\.credit).max() ?? 0
            return credited(best, points, correct: false)
        case (.numeric(let expected, let tolerance, let partial), .number(let given)):
            guard given.isFinite else { return whole(false, points) }
            if abs(given - expected) <= tolerance { return whole(true, points) }
            let best = partial.filter { abs(given - $0.value) <= ($0.tolerance ?? 0) }.map(\.credit).max() ?? 0
            return credited(best, points, correct: false)
        case (.ordering(let expected, let partial), .order(let given)):
            if given == expected { return whole(true, points) }
            guard partial, !expected.isEmpty else { return whole(false, points) }
            let placed = zip(given, expected).filter { $0 == $1 }.count
            return credited(Double(placed) / Double(expected.count), points, correct: false)
        case (.matching(let expected), .pairs(let given)):
            let right = expected.filter { given[$0.key] == $0.value }.count
            return credited(expected.isEmpty ? 0 : Double(right) / Double(expected.count), points, correct: right == expected.count)
        default:
            // A response of another kind than the question's earns nothing.
            return QuestionGrade(points: 0, correct: false)
        }
    }

    /// A short text as answers are compared: normalized, and lowercased unless case counts.
    static func comparable(_ text: String, caseSensitive: Bool, normalization: TextNormalization) -> String {
        let normalized = normalization.apply(text)
        return caseSensitive ? normalized : normalized.lowercased()
    }

    /// `credit` of the points, held within 0 and the whole, to the hundredth.
    private static func credited(_ credit: Double, _ points: Double, correct: Bool) -> QuestionGrade {
        QuestionGrade(points: (points * min(1, max(0, credit)) * 100).rounded() / 100, correct: correct)
    }

    /// Whether `text` is `pattern`, where `*` in the pattern stands for any run of characters.
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard pattern.contains("*") else { return pattern == text }
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard let first = pieces.first, let last = pieces.last, text.hasPrefix(first), text.count >= first.count + (pieces.count > 1 ? last.count : 0) else {
            return false
        }
        var rest = text.dropFirst(first.count)
        for piece in pieces.dropFirst().dropLast() where !piece.isEmpty {
            guard let found = rest.range(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(last)
    }

    private static func whole(_ correct: Bool, _ points: Double) -> QuestionGrade {
        QuestionGrade(points: correct ? points : 0, correct: correct)
    }
}

/// A quiz's grade across a student's attempts.
public enum AttemptGrading: String, Sendable, Codable, CaseIterable {
    case highest, latest, first, average

    /// `percents` in the order the attempts were made; nil when there is none.
    public func combine(_ percents: [Double]) -> Double? {
        guard !percents.isEmpty else { return nil }
        switch self {
        case .highest: return percents.max()
        case .latest: return percents.last
        case .first: return percents.first
        case .average: return (percents.reduce(0, +) / Double(percents.count) * 100).rounded() / 100
        }
    }
}
