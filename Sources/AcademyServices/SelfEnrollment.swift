public import AcademyCore
public import AcademyStore
public import Foundation

/// A student joining a course by its admission mode: at once when open, with the right key, or
/// pending an instructor's approval. The one path behind the API's `POST .../enrollments` and
/// the web page's Enrol button.
public struct SelfEnrollment: Sendable {
    let enrollments: EnrollmentRepository
    let keys: EnrollmentKeyCheck

    public init(enrollments: EnrollmentRepository, keys: EnrollmentKeyCheck) {
        self.enrollments = enrollments
        self.keys = keys
    }

    public func enroll(
        student: UUID, in course: Course, key: String?, clientAddress: String, now: Date = Date()
    ) async throws -> (enrollment: Enrollment, created: Bool) {
        let matched: Bool? = if let key {
            try await keys.matches(key, course: course.id, student: student, clientAddress: clientAddress)
        } else {
            nil
        }
        let admission = course.admission
        return try await enrollments.enroll(userID: student, in: course.id, capacity: course.capacity) { existing in
            try EnrollmentPolicy.selfEnrollment(into: admission, keyMatches: matched, existing: existing, now: now)
        }
    }
}
