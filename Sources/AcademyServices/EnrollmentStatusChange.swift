public import AcademyCore
public import AcademyStore
public import Foundation

/// An enrolment moving between states (an instructor approving or declining, a student or an
/// instructor dropping it), checked against `EnrollmentPolicy` and the course's capacity inside the
/// store's transaction. Shared by `PATCH`/`DELETE /enrollments/{id}` and the roster page.
public struct EnrollmentStatusChange: Sendable {
    let access: CourseAccess
    let enrollments: EnrollmentRepository

    public init(access: CourseAccess, enrollments: EnrollmentRepository) {
        self.access = access
        self.enrollments = enrollments
    }

    /// `status` names the new state once the caller is known to be a party to the enrolment
    /// (its student or its course's staff), given the enrolment as it is.
    public func change(
        _ id: UUID, by principal: Principal?, to status: (Enrollment) async throws -> EnrollmentStatus
    ) async throws -> Enrollment {
        let (enrollment, course, isStaff) = try await access.enrollment(id, principal: principal)
        let target = try await status(enrollment)
        return try await enrollments.setStatus(enrollment.id, to: target, capacity: course.capacity) { current in
            try EnrollmentPolicy.checkTransition(from: current, to: target, byStaff: isStaff)
        }
    }
}
