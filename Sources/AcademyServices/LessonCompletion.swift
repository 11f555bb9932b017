public import AcademyCore
public import AcademyStore
public import Foundation

/// A student marking a lesson done: idempotent, and the completion that finishes the course
/// issues its certificate, once. Shared by `POST /lessons/{id}/complete` and the lesson page.
public struct LessonCompletion: Sendable {
    let access: CourseAccess
    let enrollments: EnrollmentRepository
    let certificates: CertificateService

    public init(access: CourseAccess, enrollments: EnrollmentRepository, certificates: CertificateService) {
        self.access = access
        self.enrollments = enrollments
        self.certificates = certificates
    }

    public func complete(lesson id: UUID, by principal: Principal?) async throws -> CourseProgress {
        let (lesson, _, _, reader) = try await access.openLesson(id, principal: principal)
        guard case .student(let enrollment, _) = reader else {
            throw AcademyError.forbidden("Only enrolled students complete lessons.")
        }
        let result = try await enrollments.complete(itemID: lesson.id, for: enrollment)
        if result.finishedCourse {
            _ = try await certificates.issue(for: enrollment)
        }
        return result.progress
    }
}
