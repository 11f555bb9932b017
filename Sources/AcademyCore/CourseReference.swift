public import Foundation

/// How a caller names a course: by id, or by the slug people type and share. Parsed once at the
/// edge (a path segment, a CLI argument) so that nothing below turns ids back into strings.
public enum CourseReference: Sendable, Hashable, CustomStringConvertible {
    case id(UUID)
    case slug(String)

    /// A UUID is read as an id; anything else as a slug (slugs can never look like a UUID).
    public init(_ text: String) {
        self = UUID(uuidString: text).map(CourseReference.id) ?? .slug(text)
    }

    public var description: String {
        switch self {
        case .id(let id): id.apiString
        case .slug(let slug): slug
        }
    }
}
