import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

/// Who may open a lesson: its course's instructors and admins always; an admitted student
/// (enrolment active or completed) when `ItemLocking` says it is open to them. Used by lesson
/// reads, attachment downloads, completion and the outline, so the rule is applied the same way.
struct LessonAccess {
    let courseController: CourseController
    let content: CourseContentRepository
    let enrollments: EnrollmentRepository

    enum Reader {
        case editor
        case student(Enrollment, done: Set<UUID>)
    }

    /// The course and what the caller is to it; 403 for a signed-in user who is not admitted.
    func reader(of course: Course, relation: CourseRelation, context: AppRequestContext) async throws -> Reader {
        let principal = try context.requirePrincipal()
        if principal.role == .admin || relation == .instructor {
            return .editor
        }
        guard let enrollment = try await enrollments.find(userID: principal.userID, courseID: course.id), enrollment.status.admitsStudent else {
            throw AcademyError.forbidden("Enrol in this course to open its lessons.")
        }
        return .student(enrollment, done: try await enrollments.completedItems(of: enrollment.id))
    }

    /// The locks of the course's items for this reader (all open for editors).
    func locks(of lessons: [Lesson], course: Course, reader: Reader, now: Date = Date()) -> [UUID: ItemLock] {
        guard case .student(_, let done) = reader else {
            return Dictionary(uniqueKeysWithValues: lessons.map { ($0.id, ItemLock.open) })
        }
        return ItemLocking.locks(
            items: lessons.map { ItemLocking.Item(id: $0.id, releaseAt: $0.releaseAt, requiresPrevious: $0.requiresPrevious) },
            done: done, courseStartsAt: course.startsAt, now: now
        )
    }

    /// The lesson, if the caller may open it now: 404 when they may not know it, 403 when they
    /// may see the course but are not admitted, 403 `item-locked` when it is not open yet.
    func openLesson(_ id: UUID, context: AppRequestContext) async throws -> (lesson: Lesson, course: Course, reader: Reader) {
        guard let lesson = try await content.lesson(id) else { throw AcademyError.notFound("No such lesson.") }
        let (course, relation) = try await courseController.visibleCourse(context, reference: lesson.courseID.apiString)
        let reader = try await reader(of: course, relation: relation, context: context)
        if case .student = reader {
            let lock = locks(of: try await content.lessons(of: course.id), course: course, reader: reader)[lesson.id] ?? .open
            if lock.isLocked { throw AcademyError.itemLocked(lock) }
        }
        return (lesson, course, reader)
    }
}
