public import AcademyCore
public import Foundation

/// A course as the `Courses/` folder format holds it (see Courses/README.md): `course.yaml` with
/// the settings, modules and their items in order, and `lessons/KEY/LANG.md` for each lesson.
/// Modules and lessons carry stable keys, so importing a folder again updates the same rows.
public struct CourseFolder: Sendable, Equatable {
    public struct Enrollment: Sendable, Equatable {
        public var mode: EnrollmentMode
        public var capacity: Int?

        public init(mode: EnrollmentMode, capacity: Int?) {
            self.mode = mode
            self.capacity = capacity
        }
    }

    public struct Module: Sendable, Equatable {
        public var key: String
        public var titles: [String: String]
        public var items: [Item]

        public init(key: String, titles: [String: String], items: [Item]) {
            self.key = key
            self.titles = titles
            self.items = items
        }
    }

    /// A lesson, quiz or live session in a module, by its stable key: `lessons/KEY/`,
    /// `quizzes/KEY.yaml` or `live-sessions/KEY.yaml`.
    public struct Item: Sendable, Equatable {
        public enum Content: Sendable, Equatable {
            /// Language → (title, Markdown body), from `lessons/KEY/LANG.md`; file name → where
            /// its bytes are: `lessons/KEY/attachments/NAME` when read, the stored blob when exported.
            case lesson(translations: [String: LessonSource], attachments: [String: URL])
            case quiz(QuizSettings, QuizContent)
            /// The settings and, by language, the title and Markdown description.
            case liveSession(LiveSessionSettings, translations: [String: LessonSource])
        }

        public var key: String
        public var releaseAt: Date?
        public var requiresPrevious: Bool
        public var content: Content

        public init(key: String, releaseAt: Date?, requiresPrevious: Bool, content: Content) {
            self.key = key
            self.releaseAt = releaseAt
            self.requiresPrevious = requiresPrevious
            self.content = content
        }

        /// What course.yaml calls the item: `- lesson: KEY`, `- quiz: KEY` or `- live_session: KEY`.
        public var kind: CourseItem.Kind {
            switch content {
            case .lesson: .lesson
            case .quiz: .quiz
            case .liveSession: .liveSession
            }
        }
    }

    public struct LessonSource: Sendable, Equatable {
        public var title: String
        public var bodyMarkdown: String

        public init(title: String, bodyMarkdown: String) {
            self.title = title
            self.bodyMarkdown = bodyMarkdown
        }
    }

    public var slug: String
    public var defaultLanguage: String
    public var status: CourseStatus
    public var translations: [String: CourseText]
    public var enrollment: Enrollment
    public var startsAt: Date?
    public var endsAt: Date?
    public var modules: [Module]
    /// `question-bank.yaml`: the course's bank, each question with its id (which quizzes name).
    public var bank: [BankQuestion]
    /// Where the bank's images are, by SHA-256: `question-images/SHA256` when read, the stored
    /// file when exported.
    public var bankImages: [String: URL]

    public init(
        slug: String, defaultLanguage: String, status: CourseStatus, translations: [String: CourseText],
        enrollment: Enrollment, startsAt: Date?, endsAt: Date?, modules: [Module], bank: [BankQuestion] = [], bankImages: [String: URL] = [:]
    ) {
        self.slug = slug
        self.defaultLanguage = defaultLanguage
        self.status = status
        self.translations = translations
        self.enrollment = enrollment
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.modules = modules
        self.bank = bank
        self.bankImages = bankImages
    }

    /// Languages in the order the folder files list them: the default first, then alphabetical.
    func ordered<Value>(_ translations: [String: Value]) -> [(String, Value)] {
        translations.sorted { lhs, rhs in
            (lhs.key == defaultLanguage ? 0 : 1, lhs.key) < (rhs.key == defaultLanguage ? 0 : 1, rhs.key)
        }.map { ($0.key, $0.value) }
    }
}

/// A problem in a course folder, located by file and (when known) line, for the import report.
public struct FolderProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)"
    }
}

/// Every problem of one folder.
public struct FolderProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [FolderProblem]

    public init(problems: [FolderProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
