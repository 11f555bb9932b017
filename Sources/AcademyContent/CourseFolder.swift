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

    /// A lesson in a module: its folder name is its key; its files hold its translations.
    public struct Item: Sendable, Equatable {
        public var lessonKey: String
        public var releaseAt: Date?
        public var requiresPrevious: Bool
        /// Language → (title, Markdown body), from `lessons/KEY/LANG.md`.
        public var translations: [String: LessonSource]
        /// File name → where its bytes are: `lessons/KEY/attachments/NAME` when read, the stored
        /// blob when exported.
        public var attachments: [String: URL]

        public init(lessonKey: String, releaseAt: Date?, requiresPrevious: Bool, translations: [String: LessonSource], attachments: [String: URL] = [:]) {
            self.lessonKey = lessonKey
            self.releaseAt = releaseAt
            self.requiresPrevious = requiresPrevious
            self.translations = translations
            self.attachments = attachments
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

    public init(
        slug: String, defaultLanguage: String, status: CourseStatus, translations: [String: CourseText],
        enrollment: Enrollment, startsAt: Date?, endsAt: Date?, modules: [Module]
    ) {
        self.slug = slug
        self.defaultLanguage = defaultLanguage
        self.status = status
        self.translations = translations
        self.enrollment = enrollment
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.modules = modules
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
