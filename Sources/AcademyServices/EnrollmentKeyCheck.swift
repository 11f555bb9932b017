public import AcademyCore
import AcademyCrypto
public import AcademyStore
public import Foundation

/// Checks a student's enrolment key. Keys are hashed like passwords, so every check is scrypt
/// work: wrong keys are limited per student and course and per client address before any
/// hashing, and a course without a key is never hashed against.
public struct EnrollmentKeyCheck: Sendable {
    let courses: CourseRepository
    let throttles: ThrottleRepository
    let hashing: PasswordHashingPool
    let perStudentAndCourse: RateLimit
    let perAddress: RateLimit

    public init(courses: CourseRepository, throttles: ThrottleRepository, hashing: PasswordHashingPool, failuresPerStudentAndCourse: RateLimit) {
        self.courses = courses
        self.throttles = throttles
        self.hashing = hashing
        self.perStudentAndCourse = failuresPerStudentAndCourse
        // A classroom behind one address may mistype a few keys; a guesser with many accounts may not.
        self.perAddress = RateLimit(maximumEvents: failuresPerStudentAndCourse.maximumEvents * 10, window: failuresPerStudentAndCourse.window)
    }

    /// Whether `key` is the course's key; 429 (`rateLimited`) when too many were wrong.
    public func matches(_ key: String, course courseID: UUID, student: UUID, clientAddress: String) async throws -> Bool {
        guard let stored = try await courses.enrollmentKeyHash(of: courseID) else { return false }
        let studentKey = "\(student.apiString):\(courseID.apiString)"
        let waits = [
            try await throttles.retryAfterSeconds(.enrollmentKeyByStudent, key: studentKey, limit: perStudentAndCourse),
            try await throttles.retryAfterSeconds(.enrollmentKeyByAddress, key: clientAddress, limit: perAddress),
        ].compactMap { $0 }
        if let wait = waits.max() {
            throw AcademyError.rateLimited(retryAfterSeconds: wait)
        }
        guard try await hashing.verify(key, against: stored) != .mismatch else {
            try await throttles.record(.enrollmentKeyByStudent, key: studentKey)
            try await throttles.record(.enrollmentKeyByAddress, key: clientAddress)
            return false
        }
        return true
    }
}
