public import Foundation

public enum CourseStatus: String, Sendable, Codable, CaseIterable {
    case draft, published, archived
}

public enum EnrollmentMode: String, Sendable, Codable, CaseIterable {
    case open, key, approval, closed
}

/// A course's title and summary in one language.
public struct CourseText: Sendable, Equatable, Codable {
    public var title: String
    public var summary: String

    public init(title: String, summary: String) {
        self.title = title
        self.summary = summary
    }
}

public struct Course: Sendable, Equatable {
    public var id: UUID
    public var slug: String
    public var defaultLanguage: String
    public var status: CourseStatus
    public var enrollmentMode: EnrollmentMode
    public var hasEnrollmentKey: Bool
    public var capacity: Int?
    public var startsAt: Date?
    public var endsAt: Date?
    /// The enrolment window; nil ends are open.
    public var enrolOpensAt: Date?
    public var enrolClosesAt: Date?
    public var translations: [String: CourseText]
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: UUID, slug: String, defaultLanguage: String, status: CourseStatus, enrollmentMode: EnrollmentMode,
        hasEnrollmentKey: Bool, capacity: Int?, startsAt: Date?, endsAt: Date?, translations: [String: CourseText],
        createdAt: Date, updatedAt: Date, enrolOpensAt: Date? = nil, enrolClosesAt: Date? = nil
    ) {
        self.id = id
        self.slug = slug
        self.defaultLanguage = defaultLanguage
        self.status = status
        self.enrollmentMode = enrollmentMode
        self.hasEnrollmentKey = hasEnrollmentKey
        self.capacity = capacity
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.translations = translations
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.enrolOpensAt = enrolOpensAt
        self.enrolClosesAt = enrolClosesAt
    }

    public var admission: EnrollmentPolicy.Admission {
        .init(mode: enrollmentMode, opensAt: enrolOpensAt, closesAt: enrolClosesAt)
    }
}

/// What the caller is to a course, which decides what they may do with it.
public enum CourseRelation: Sendable, Equatable {
    case stranger
    case instructor
}

/// Who may see and change a course, decided once for every course endpoint.
public enum CoursePolicy {
    /// A course's staff: its instructors, and every admin. They edit it, see every answer key and
    /// every student's work in it.
    public static func isStaff(_ principal: Principal?, relation: CourseRelation) -> Bool {
        principal?.role == .admin || relation == .instructor
    }

    /// A student's own record in a course (an enrolment, an attempt) is theirs and the staff's to
    /// see; anyone else is told it does not exist (`notFound`), not that it is forbidden. Returns
    /// whether the caller acts as staff.
    public static func requireStaffOrOwner(
        of owner: UUID, principal: Principal, relation: CourseRelation, notFound: String
    ) throws(AcademyError) -> Bool {
        if isStaff(principal, relation: relation) { return true }
        guard principal.userID == owner else { throw .notFound(notFound) }
        return false
    }

    public static func requireAuthor(_ principal: Principal?) throws(AcademyError) {
        guard let principal else { throw .unauthenticated }
        guard principal.role == .instructor || principal.role == .admin else {
            throw .forbidden("Only instructors and administrators create courses.")
        }
    }

    /// Published courses are public; drafts and archived courses exist only for their
    /// instructors and admins: anyone else is told there is no such course (404), not 403.
    public static func requireVisible(_ course: Course, to principal: Principal?, relation: CourseRelation) throws(AcademyError) {
        if course.status == .published { return }
        if isStaff(principal, relation: relation) { return }
        throw .notFound("No course \(course.slug).")
    }

    /// Changes belong to the course's instructors and admins. Others who can see the course are
    /// refused (403); others who cannot see it learn nothing (404).
    public static func requireEditable(_ course: Course, by principal: Principal?, relation: CourseRelation) throws(AcademyError) {
        guard let principal else { throw .unauthenticated }
        try requireVisible(course, to: principal, relation: relation)
        guard isStaff(principal, relation: relation) else {
            throw .forbidden("Only the course's instructors and administrators change it.")
        }
    }
}
