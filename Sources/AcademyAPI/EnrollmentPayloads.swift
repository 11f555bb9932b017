import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

struct EnrollmentRequest: Decodable {
    let key: String?
    let userId: UUID?
    let email: String?
}

struct EnrollmentChange: Decodable {
    let status: EnrollmentStatus
}

struct EnrollmentResponse: ResponseEncodable {
    let enrollment: Enrollment

    enum CodingKeys: String, CodingKey {
        case id, courseId, userId, status, enrolledAt, lastActivityAt
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enrollment.id.apiString, forKey: .id)
        try container.encode(enrollment.courseID.apiString, forKey: .courseId)
        try container.encode(enrollment.userID.apiString, forKey: .userId)
        try container.encode(enrollment.status, forKey: .status)
        try container.encode(enrollment.enrolledAt, forKey: .enrolledAt)
        try container.encode(enrollment.lastActivityAt, forKey: .lastActivityAt)
    }
}

struct ProgressResponse: ResponseEncodable, Encodable {
    let progress: CourseProgress

    enum CodingKeys: String, CodingKey { case completedLessons, totalLessons, percent }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(progress.completedLessons, forKey: .completedLessons)
        try container.encode(progress.totalLessons, forKey: .totalLessons)
        try container.encode(progress.percent, forKey: .percent)
    }
}

struct RosterEntry: Encodable, Sendable {
    let summary: EnrollmentSummary

    init(_ summary: EnrollmentSummary) {
        self.summary = summary
    }

    enum CodingKeys: String, CodingKey { case enrollment, user, progress }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EnrollmentResponse(enrollment: summary.enrollment), forKey: .enrollment)
        try container.encode(UserResponse(user: summary.user), forKey: .user)
        try container.encode(ProgressResponse(progress: summary.progress), forKey: .progress)
    }
}

struct MyEnrollment: Encodable, Sendable {
    let enrollment: Enrollment
    let course: Course
    let choice: LanguageChoice
    let progress: CourseProgress

    enum CodingKeys: String, CodingKey { case enrollment, course, progress }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(EnrollmentResponse(enrollment: enrollment), forKey: .enrollment)
        try container.encode(CourseResponse(course: course, choice: choice, includeTranslations: false), forKey: .course)
        try container.encode(ProgressResponse(progress: progress), forKey: .progress)
    }
}
