import AcademyCore
import AcademyServices
import Hummingbird

/// The access questions handlers ask most, about the course their path names (`:course`) and the
/// signed-in caller.
extension CourseAccess {
    func visibleCourse(_ context: AppRequestContext) async throws -> (course: Course, relation: CourseRelation) {
        try await visibleCourse(context.parameters.courseReference(), to: context.principal)
    }

    func editableCourse(_ context: AppRequestContext) async throws -> Course {
        try await editableCourse(context.parameters.courseReference(), by: context.principal)
    }
}
