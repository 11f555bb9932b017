import Foundation

/// A question as Moodle's exchange formats (GIFT, Moodle XML) carry it: what their readers
/// produce and their writers take, before it becomes one of the academy's questions. Close to
/// Moodle's own model on purpose, so that nothing a file says is lost on the way in or out.
public struct InterchangeQuestion: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case multipleChoice = "multichoice"
        case trueFalse = "truefalse"
        case shortAnswer = "shortanswer"
        case numerical
        case matching
        case ordering
        case essay
        case description
    }

    /// How a text is written: Moodle's auto-format, HTML, plain text or Markdown.
    public enum TextFormat: String, Sendable, CaseIterable {
        case moodle, html, plain, markdown
    }

    /// One answer with the credit it earns (1 is full credit; negative ones take credit away)
    /// and what a student who gives it reads. A numerical answer's `text` is the number and
    /// `tolerance` how far from it still counts.
    public struct Answer: Sendable, Equatable {
        public var text: String
        public var fraction: Double
        public var feedback: String?
        public var tolerance: Double?

        public init(text: String, fraction: Double, feedback: String? = nil, tolerance: Double? = nil) {
            self.text = text
            self.fraction = fraction
            self.feedback = feedback
            self.tolerance = tolerance
        }
    }

    /// A matching question's premise and its match.
    public struct Pair: Sendable, Equatable {
        public var premise: String
        public var match: String

        public init(premise: String, match: String) {
            self.premise = premise
            self.match = match
        }
    }

    /// A file a text embeds (Moodle XML's base64 `<file>`), which the text names as
    /// `@@PLUGINFILE@@/NAME`.
    public struct EmbeddedFile: Sendable, Equatable {
        public var name: String
        public var data: [UInt8]

        public init(name: String, data: [UInt8]) {
            self.name = name
            self.data = data
        }
    }

    /// Category path below the course's bank, outermost first (empty: the file's or import's
    /// own category).
    public var category: [String]
    public var name: String?
    public var text: String
    public var format: TextFormat
    public var kind: Kind
    /// A multiple-choice question that takes one answer (radio buttons) rather than several.
    public var singleAnswer: Bool
    /// Choices, accepted texts or numbers, or true/false as the answers `true` and `false`; an
    /// ordering question's items in their right order.
    public var answers: [Answer]
    public var pairs: [Pair]
    public var generalFeedback: String?
    /// Hints shown after a wrong try (Moodle XML's `<hint>`).
    public var hints: [String]
    /// A short answer's matching respects case.
    public var caseSensitive: Bool
    /// The points the question is worth (GIFT has none: 1).
    public var defaultMark: Double
    public var files: [EmbeddedFile]
    /// Where the question starts in its file (1-based), for problems to name.
    public var line: Int

    public init(
        category: [String] = [], name: String? = nil, text: String, format: TextFormat = .moodle, kind: Kind, singleAnswer: Bool = true,
        answers: [Answer] = [], pairs: [Pair] = [], generalFeedback: String? = nil, hints: [String] = [], caseSensitive: Bool = false,
        defaultMark: Double = 1, files: [EmbeddedFile] = [], line: Int = 0
    ) {
        self.category = category
        self.name = name
        self.text = text
        self.format = format
        self.kind = kind
        self.singleAnswer = singleAnswer
        self.answers = answers
        self.pairs = pairs
        self.generalFeedback = generalFeedback
        self.hints = hints
        self.caseSensitive = caseSensitive
        self.defaultMark = defaultMark
        self.files = files
        self.line = line
    }

    /// `$course$/top/Grammar/Verbs`, as both formats write a category, is `Grammar/Verbs` below
    /// the bank.
    public static func categoryPath(_ raw: String) -> [String] {
        var parts = raw.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let first = parts.first, first.hasPrefix("$"), first.hasSuffix("$") { parts.removeFirst() }
        if parts.first == "top" { parts.removeFirst() }
        return parts
    }

    /// What a problem calls the question: its name, else the start of its text.
    public var label: String {
        name ?? String(text.prefix(40)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// What a file's reader found: the questions read and the problems of the others.
struct InterchangeReading {
    var questions: [InterchangeQuestion] = []
    var problems: [InterchangeProblem] = []

    /// One question's outcome, the question placed in `category`.
    mutating func add(_ outcome: Result<InterchangeQuestion, InterchangeProblem>, category: [String]) {
        switch outcome {
        case .success(var question):
            question.category = category
            questions.append(question)
        case .failure(let problem):
            problems.append(problem)
        }
    }
}

/// Why a question of a file was not read: its line, its name (or the start of its text) and
/// the reason, for the import's report.
public struct InterchangeProblem: Error, Sendable, Equatable {
    public var line: Int
    public var name: String
    public var reason: String

    public init(line: Int, name: String, reason: String) {
        self.line = line
        self.name = name
        self.reason = reason
    }
}
