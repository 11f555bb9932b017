public import AcademyCore
public import AcademyStore
public import Foundation

/// Who the caller is to a course, an item of it, or a quiz attempt: the one place the API, the
/// web pages and the CLI ask, each from ids and the signed-in principal. The decisions themselves
/// are `CoursePolicy`, `AttemptPolicy` and `ItemLocking` in AcademyCore; this service reads what
/// they need.
public struct CourseAccess: Sendable {
    let courses: CourseRepository
    let content: CourseContentRepository
    let enrollments: EnrollmentRepository
    let quizzes: QuizRepository
    let attempts: AttemptRepository
    let liveSessions: LiveSessionRepository

    public init(
        courses: CourseRepository, content: CourseContentRepository, enrollments: EnrollmentRepository,
        quizzes: QuizRepository, attempts: AttemptRepository, liveSessions: LiveSessionRepository
    ) {
        self.courses = courses
        self.content = content
        self.enrollments = enrollments
        self.quizzes = quizzes
        self.attempts = attempts
        self.liveSessions = liveSessions
    }

    /// What a caller who may open a course's items is to it.
    public enum Reader: Sendable {
        /// The course's instructors and admins: everything is open to them.
        case editor
        /// An admitted student; `done` holds their completed lessons and passed quizzes.
        case student(Enrollment, done: Set<UUID>)
    }

    // MARK: Courses

    /// The course, if the caller may see it (404 otherwise), and what the caller is to it.
    public func visibleCourse(_ reference: CourseReference, to principal: Principal?) async throws -> (course: Course, relation: CourseRelation) {
        guard let found = try await courses.find(reference, for: principal?.userID) else {
            throw AcademyError.notFound("No course \(reference).")
        }
        try CoursePolicy.requireVisible(found.course, to: principal, relation: found.relation)
        return found
    }

    /// The course, if the caller may change it: 404 when they may not see it, 403 when they may
    /// see but not change it.
    public func editableCourse(_ reference: CourseReference, by principal: Principal?) async throws -> Course {
        let found = try await visibleCourse(reference, to: principal)
        try CoursePolicy.requireEditable(found.course, by: principal, relation: found.relation)
        return found.course
    }

    /// A course for the operator at the command line, who may see every course.
    public func course(_ reference: CourseReference) async throws -> Course {
        guard let (course, _) = try await courses.find(reference, for: nil) else {
            switch reference {
            case .slug(let slug): throw AcademyError.notFound("No course has the slug \(slug).")
            case .id(let id): throw AcademyError.notFound("No course has the id \(id.apiString).")
            }
        }
        return course
    }

    // MARK: Items

    /// What the caller is to a course they can see: its editor, or an admitted student (403 for a
    /// signed-in user who is not admitted).
    public func reader(of course: Course, relation: CourseRelation, principal: Principal?) async throws -> Reader {
        try await Self.reader(principal, relation: relation) { userID in
            try await enrollments.standing(userID: userID, courseID: course.id)
        }
    }

    /// The same from the caller's standing in the course already read (`EnrollmentRepository.standing`).
    public func reader(relation: CourseRelation, principal: Principal?, standing: (enrollment: Enrollment, done: Set<UUID>)?) async throws -> Reader {
        try await Self.reader(principal, relation: relation) { _ in standing }
    }

    /// Staff are editors; anyone else must be an admitted student, whose enrolment and done items
    /// `standing` gives.
    private static func reader(
        _ principal: Principal?, relation: CourseRelation, standing: (UUID) async throws -> (Enrollment, done: Set<UUID>)?
    ) async throws -> Reader {
        guard let principal else { throw AcademyError.unauthenticated }
        if CoursePolicy.isStaff(principal, relation: relation) {
            return .editor
        }
        guard let (enrollment, done) = try await standing(principal.userID), enrollment.status.admitsStudent else {
            throw AcademyError.forbidden("Enrol in this course to open its lessons and quizzes.")
        }
        return .student(enrollment, done: done)
    }

    /// The locks of the course's items for this reader (all open for editors).
    public func locks(of items: [CourseItem], course: Course, reader: Reader, now: Date = Date()) -> [UUID: ItemLock] {
        locks(of: items.map { ItemLocking.Item(id: $0.id, releaseAt: $0.releaseAt, requiresPrevious: $0.requiresPrevious) }, course: course, reader: reader, now: now)
    }

    private func locks(of schedule: [ItemLocking.Item], course: Course, reader: Reader, now: Date = Date()) -> [UUID: ItemLock] {
        guard case .student(_, let done) = reader else {
            return Dictionary(uniqueKeysWithValues: schedule.map { ($0.id, ItemLock.open) })
        }
        return ItemLocking.locks(items: schedule, done: done, courseStartsAt: course.startsAt, now: now)
    }

    /// The course of an item, if the caller may open the item now: 404 when they may not know it,
    /// 403 when they may see the course but are not admitted, 403 `item-locked` when it is not
    /// open yet. The same checks as `visibleCourse` and `reader(of:relation:principal:)`, on the
    /// standing read with the item (`CourseRepository.standingSQL`).
    private func open(itemID: UUID, standing: CourseStanding, principal: Principal?) async throws -> (course: Course, reader: Reader) {
        let course = standing.course
        try CoursePolicy.requireVisible(course, to: principal, relation: standing.relation)
        let reader = try await Self.reader(principal, relation: standing.relation) { _ in standing.enrollment }
        if let lock = locks(of: standing.schedule, course: course, reader: reader)[itemID], lock.isLocked {
            throw AcademyError.itemLocked(lock)
        }
        return (course, reader)
    }

    /// A lesson the caller may read, with its attachments (read with the caller's standing in
    /// one round trip).
    public func openLesson(_ id: UUID, principal: Principal?) async throws -> (lesson: Lesson, attachments: [Attachment], course: Course, reader: Reader) {
        guard let (lesson, attachments, standing) = try await content.lessonWithStanding(id, of: principal?.userID) else {
            throw AcademyError.notFound("No such lesson.")
        }
        let (course, reader) = try await open(itemID: lesson.id, standing: standing, principal: principal)
        return (lesson, attachments, course, reader)
    }

    /// A lesson of a course the caller may change.
    public func editableLesson(_ id: UUID, by principal: Principal?) async throws -> (lesson: Lesson, course: Course) {
        guard let lesson = try await content.lesson(id) else { throw AcademyError.notFound("No such lesson.") }
        return (lesson, try await editableCourse(.id(lesson.courseID), by: principal))
    }

    /// A live session the caller may open, with the caller's own attendance (read with the
    /// caller's standing in one round trip).
    public func openLiveSession(_ id: UUID, principal: Principal?) async throws -> (session: LiveSession, course: Course, reader: Reader, attendance: Attendance?) {
        guard let (session, standing, attendance) = try await liveSessions.sessionWithStanding(id, of: principal?.userID) else {
            throw AcademyError.notFound("No such live session.")
        }
        let (course, reader) = try await open(itemID: session.id, standing: standing, principal: principal)
        return (session, course, reader, attendance)
    }

    /// Whoever may open a lesson may download its files; a live session's files (its recording)
    /// are shown as `LiveSessionView` says: its students' once it is over, its editors' always.
    public func requireAttachmentReadable(
        _ attachment: Attachment, of kind: CourseItem.Kind, principal: Principal?, leadTime: TimeInterval, now: Date = Date()
    ) async throws {
        switch kind {
        case .liveSession:
            let (session, _, reader, _) = try await openLiveSession(attachment.lessonID, principal: principal)
            let isEditor = if case .editor = reader { true } else { false }
            try LiveSessionRules.requireRecordingShown(
                LiveSessionView(session, isEditor: isEditor, preferences: (nil, nil, nil), at: now, leadTime: leadTime)
            )
        case .lesson, .quiz:
            _ = try await openLesson(attachment.lessonID, principal: principal)
        }
    }

    /// A live session of a course the caller may change.
    public func editableLiveSession(_ id: UUID, by principal: Principal?) async throws -> (session: LiveSession, course: Course) {
        guard let session = try await liveSessions.session(id) else { throw AcademyError.notFound("No such live session.") }
        return (session, try await editableCourse(.id(session.courseID), by: principal))
    }

    /// A module of a course the caller may change.
    public func editableModule(_ id: UUID, by principal: Principal?) async throws -> (module: CourseModule, course: Course) {
        guard let module = try await content.module(id) else { throw AcademyError.notFound("No such module.") }
        return (module, try await editableCourse(.id(module.courseID), by: principal))
    }

    // MARK: Enrolments

    /// An enrolment, for its student or the course's staff (`isStaff`); anyone else is told it
    /// does not exist.
    public func enrollment(_ id: UUID, principal: Principal?) async throws -> (enrollment: Enrollment, course: Course, isStaff: Bool) {
        guard let principal else { throw AcademyError.unauthenticated }
        guard let enrollment = try await enrollments.find(id),
              let (course, relation) = try await courses.find(.id(enrollment.courseID), for: principal.userID)
        else {
            throw AcademyError.notFound("No such enrolment.")
        }
        let isStaff = try EnrollmentPolicy.requireParty(toEnrollmentOf: enrollment.userID, principal: principal, relation: relation)
        return (enrollment, course, isStaff)
    }

    // MARK: Quizzes and attempts

    /// A quiz the caller may open, with the caller's own override of its settings (nil when
    /// they have none), read in one round trip.
    public func openQuiz(
        _ id: UUID, principal: Principal?
    ) async throws -> (quiz: StoredQuiz, course: Course, reader: Reader, override: QuizOverride?) {
        guard let (quiz, standing, override) = try await quizzes.findWithStanding(id, of: principal?.userID) else {
            throw AcademyError.notFound("No such quiz.")
        }
        let (course, reader) = try await open(itemID: quiz.id, standing: standing, principal: principal)
        return (quiz, course, reader, override)
    }

    /// A quiz and its course, for the course's editors.
    public func editableQuiz(_ id: UUID, by principal: Principal?) async throws -> (quiz: StoredQuiz, course: Course) {
        guard let quiz = try await quizzes.find(id) else { throw AcademyError.notFound("No such quiz.") }
        return (quiz, try await editableCourse(.id(quiz.courseID), by: principal))
    }

    /// An attempt, for its student or the course's staff (`asStaff`); anyone else is told it does
    /// not exist.
    public func attempt(_ id: UUID, principal: Principal?) async throws -> (attempt: QuizAttempt, quiz: StoredQuiz, course: Course, asStaff: Bool) {
        guard let principal else { throw AcademyError.unauthenticated }
        guard let attempt = try await attempts.find(id), let quiz = try await quizzes.find(attempt.quizID),
              let (course, relation) = try await courses.find(.id(quiz.courseID), for: principal.userID)
        else {
            throw AcademyError.notFound("No such attempt.")
        }
        let asStaff = try AttemptPolicy.requireReader(ofAttemptBy: attempt.userID, principal: principal, relation: relation)
        return (attempt, quiz, course, asStaff)
    }

    /// An attempt for its own student, as it started (`AttemptRepository.asStarted`): the owner is
    /// all an answer save needs to know of the caller, so no course or quiz is read for them. The
    /// course's staff get 403 and anyone else 404, from the full check.
    public func ownAttempt(_ id: UUID, principal: Principal?) async throws -> QuizAttempt {
        guard let principal else { throw AcademyError.unauthenticated }
        if let attempt = try await attempts.asStarted(id), attempt.userID == principal.userID {
            return attempt
        }
        let attempt = try await self.attempt(id, principal: principal).attempt
        try AttemptPolicy.requireStudent(ofAttemptBy: attempt.userID, principal: principal)
        return attempt
    }
}
