import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

struct EnrollmentRequest: Decodable {
    let key: String?
    let userId: UUID?
    let email: String?
}

/// The document `PATCH /enrollments/{id}` merges into.
struct EnrollmentChange: Codable {
    let status: EnrollmentStatus
}

struct EnrollmentResponse: ResponseEncodable {
    let id: String
    let courseId: String
    let userId: String
    let status: EnrollmentStatus
    let enrolledAt: Date
    @NullEncoded var lastActivityAt: Date?

    init(enrollment: Enrollment) {
        id = enrollment.id.apiString
        courseId = enrollment.courseID.apiString
        userId = enrollment.userID.apiString
        status = enrollment.status
        enrolledAt = enrollment.enrolledAt
        lastActivityAt = enrollment.lastActivityAt
    }
}

struct ProgressResponse: ResponseEncodable, Encodable {
    let completedLessons: Int
    let totalLessons: Int
    let percent: Int

    init(progress: CourseProgress) {
        completedLessons = progress.completedLessons
        totalLessons = progress.totalLessons
        percent = progress.percent
    }
}

struct RosterEntry: Encodable, Sendable {
    let enrollment: EnrollmentResponse
    let user: UserResponse
    let progress: ProgressResponse

    init(_ summary: EnrollmentSummary) {
        enrollment = EnrollmentResponse(enrollment: summary.enrollment)
        user = UserResponse(user: summary.user)
        progress = ProgressResponse(progress: summary.progress)
    }
}

struct MyEnrollment: Encodable, Sendable {
    let enrollment: EnrollmentResponse
    let course: CourseResponse
    let progress: ProgressResponse

    init(enrollment: Enrollment, course: Course, choice: LanguageChoice, progress: CourseProgress) {
        self.enrollment = EnrollmentResponse(enrollment: enrollment)
        self.course = CourseResponse(course: course, choice: choice, includeTranslations: false)
        self.progress = ProgressResponse(progress: progress)
    }
}
