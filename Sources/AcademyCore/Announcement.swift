public import Foundation

/// An announcement's text in one language: a title and a Markdown body rendered to HTML when
/// stored, the parts of a lesson's text.
public typealias AnnouncementText = LessonText

/// A message from a course's staff to its students.
public struct Announcement: Sendable, Equatable {
    public var id: UUID
    public var courseID: UUID
    public var pinned: Bool
    /// Students see it from this moment; in the future for a scheduled one.
    public var publishAt: Date
    public var translations: [String: AnnouncementText]
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, courseID: UUID, pinned: Bool, publishAt: Date, translations: [String: AnnouncementText], createdAt: Date, updatedAt: Date) {
        self.id = id
        self.courseID = courseID
        self.pinned = pinned
        self.publishAt = publishAt
        self.translations = translations
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func isPublished(at now: Date) -> Bool { publishAt <= now }
}

public enum AnnouncementRules {
    public static let bodyMaximumBytes = 100_000

    public static func body(_ raw: String, field: String) -> Result<String, FieldError> {
        CourseRules.body(raw, field: field, maximumBytes: bodyMaximumBytes, required: true)
    }
}
