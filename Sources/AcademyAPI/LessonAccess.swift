import AcademyCore
import AcademyStore
import Foundation
import Hummingbird

/// Who may open a course item (lesson or quiz): its course's instructors and admins always; an
/// admitted student (enrolment active or completed) when `ItemLocking` says it is open to them.
/// Used by lesson reads, attachment downloads, completion, quiz attempts and the outline, so the
/// rule is applied the same way everywhere.
struct LessonAccess {
    let courseController: CourseController
    let content: CourseContentRepository
    let attempts: AttemptRepository
    let enrollments: EnrollmentRepository

    enum Reader {
        case editor
        /// `done`: completed lessons and passed quizzes.
        case student(Enrollment, done: Set<UUID>)
    }

    /// The course and what the caller is to it; 403 for a signed-in user who is not admitted.
    func reader(of course: Course, relation: CourseRelation, context: AppRequestContext) async throws -> Reader {
        let principal = try context.requirePrincipal()
        if CoursePolicy.isStaff(principal, relation: relation) {
            return .editor
        }
        guard let enrollment = try await enrollments.find(userID: principal.userID, courseID: course.id), enrollment.status.admitsStudent else {
            throw AcademyError.forbidden("Enrol in this course to open its lessons and quizzes.")
        }
        let done = try await enrollments.completedItems(of: enrollment.id)
            .union(try await attempts.passedQuizzes(userID: principal.userID, courseID: course.id))
        return .student(enrollment, done: done)
    }

    /// The locks of the course's items for this reader (all open for editors).
    func locks(of items: [CourseItem], course: Course, reader: Reader, now: Date = Date()) -> [UUID: ItemLock] {
        guard case .student(_, let done) = reader else {
            return Dictionary(uniqueKeysWithValues: items.map { ($0.id, ItemLock.open) })
        }
        return ItemLocking.locks(
            items: items.map { ItemLocking.Item(id: $0.id, releaseAt: $0.releaseAt, requiresPrevious: $0.requiresPrevious) },
            done: done, courseStartsAt: course.startsAt, now: now
        )
    }

    /// The course of an item, if the caller may open the item now: 404 when they may not know it,
    /// 403 when they may see the course but are not admitted, 403 `item-locked` when it is not
    /// open yet.
    func open(itemID: UUID, courseID: UUID, context: AppRequestContext) async throws -> (course: Course, reader: Reader) {
        let (course, relation) = try await courseController.visibleCourse(context, reference: courseID.apiString)
        let reader = try await reader(of: course, relation: relation, context: context)
        if case .student = reader {
            let lock = locks(of: try await content.items(of: course.id), course: course, reader: reader)[itemID] ?? .open
            if lock.isLocked { throw AcademyError.itemLocked(lock) }
        }
        return (course, reader)
    }

    func openLesson(_ id: UUID, context: AppRequestContext) async throws -> (lesson: Lesson, course: Course, reader: Reader) {
        guard let lesson = try await content.lesson(id) else { throw AcademyError.notFound("No such lesson.") }
        let (course, reader) = try await open(itemID: lesson.id, courseID: lesson.courseID, context: context)
        return (lesson, course, reader)
    }
}
