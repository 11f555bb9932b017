public import Foundation

/// An ordered section of a course.
public struct CourseModule: Sendable, Equatable {
    public var id: UUID
    public var courseID: UUID
    public var position: Int
    /// Title by language.
    public var titles: [String: String]
    /// The stable key of a module that came from a course folder.
    public var key: String?

    public init(id: UUID, courseID: UUID, position: Int, titles: [String: String], key: String? = nil) {
        self.id = id
        self.courseID = courseID
        self.position = position
        self.titles = titles
        self.key = key
    }
}

/// A lesson, quiz or live session as a course's outline lists it: its place, when it opens, and
/// its titles; neither a lesson's body nor a quiz's questions.
public struct CourseItem: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case lesson, quiz
        case liveSession = "live_session"
    }

    public var id: UUID
    public var kind: Kind
    public var moduleID: UUID
    public var position: Int
    public var releaseAt: Date?
    public var requiresPrevious: Bool
    /// Title by language.
    public var titles: [String: String]

    public init(id: UUID, kind: Kind, moduleID: UUID, position: Int, releaseAt: Date?, requiresPrevious: Bool, titles: [String: String]) {
        self.id = id
        self.kind = kind
        self.moduleID = moduleID
        self.position = position
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
        self.titles = titles
    }
}

/// A lesson's content in one language; the HTML is rendered from the Markdown when stored.
public struct LessonText: Sendable, Equatable {
    public var title: String
    public var bodyMarkdown: String
    public var bodyHTML: String

    public init(title: String, bodyMarkdown: String, bodyHTML: String) {
        self.title = title
        self.bodyMarkdown = bodyMarkdown
        self.bodyHTML = bodyHTML
    }
}

public struct Lesson: Sendable, Equatable {
    public var id: UUID
    public var courseID: UUID
    public var moduleID: UUID
    public var position: Int
    public var releaseAt: Date?
    public var requiresPrevious: Bool
    public var translations: [String: LessonText]
    public var updatedAt: Date
    /// The stable key of a lesson that came from a course folder (its folder name).
    public var key: String?

    public init(id: UUID, courseID: UUID, moduleID: UUID, position: Int, releaseAt: Date?, requiresPrevious: Bool, translations: [String: LessonText], updatedAt: Date, key: String? = nil) {
        self.id = id
        self.courseID = courseID
        self.moduleID = moduleID
        self.position = position
        self.releaseAt = releaseAt
        self.requiresPrevious = requiresPrevious
        self.translations = translations
        self.updatedAt = updatedAt
        self.key = key
    }
}

/// Which languages each part of a course lacks, for translators.
public struct TranslationCoverage: Sendable, Equatable {
    public struct Gap: Sendable, Equatable {
        public let kind: String
        public let id: UUID
        public let title: String
        public let missing: [String]
    }

    public let languages: [String]
    public let gaps: [Gap]

    /// `parts` lists each translatable part with the languages it has and a title to show.
    public init(languages: [String], parts: [(kind: String, id: UUID, title: String, present: Set<String>)]) {
        self.languages = languages
        gaps = parts.compactMap { part in
            let missing = languages.filter { !part.present.contains($0) }
            return missing.isEmpty ? nil : Gap(kind: part.kind, id: part.id, title: part.title, missing: missing)
        }
    }
}

/// Where a new or moved item lands: the requested 1-based position clamped to the end, or the end.
public func placement(requested: Int?, count: Int) -> Int {
    guard let requested else { return count + 1 }
    return min(max(requested, 1), count + 1)
}
