public import Foundation

public enum EnrollmentStatus: String, Sendable, Codable, CaseIterable {
    case pending, active, dropped, rejected, completed

    /// Statuses that let the student into the course's content, and that hold one of the
    /// course's seats (a capacity counts them).
    public static let admitting: [EnrollmentStatus] = [.active, .completed]

    public var admitsStudent: Bool { Self.admitting.contains(self) }
}

public struct Enrollment: Sendable, Equatable {
    public var id: UUID
    public var courseID: UUID
    public var userID: UUID
    public var status: EnrollmentStatus
    public var enrolledAt: Date
    public var updatedAt: Date
    public var lastActivityAt: Date?

    public init(id: UUID, courseID: UUID, userID: UUID, status: EnrollmentStatus, enrolledAt: Date, updatedAt: Date, lastActivityAt: Date?) {
        self.id = id
        self.courseID = courseID
        self.userID = userID
        self.status = status
        self.enrolledAt = enrolledAt
        self.updatedAt = updatedAt
        self.lastActivityAt = lastActivityAt
    }
}

/// A course's progress for one enrollment.
public struct CourseProgress: Sendable, Equatable {
    public let completedLessons: Int
    public let totalLessons: Int

    public init(completedLessons: Int, totalLessons: Int) {
        self.completedLessons = completedLessons
        self.totalLessons = totalLessons
    }

    /// Whole percent, rounded down, so 100 means everything is done.
    public var percent: Int {
        totalLessons == 0 ? 0 : completedLessons * 100 / totalLessons
    }
}

/// Who may join a course and how, decided once for the API and the CLI.
public enum EnrollmentPolicy {
    /// The enrolment window and mode of a course, as they bear on joining it.
    public struct Admission: Sendable {
        public let mode: EnrollmentMode
        public let opensAt: Date?
        public let closesAt: Date?

        public init(mode: EnrollmentMode, opensAt: Date?, closesAt: Date?) {
            self.mode = mode
            self.opensAt = opensAt
            self.closesAt = closesAt
        }
    }

    /// A student enrolling themself: the status to give them, or why not. `keyMatches` is nil
    /// when no key was given. A dropped enrollment is reactivated by the same rules.
    public static func selfEnrollment(
        into admission: Admission, keyMatches: Bool?, existing: EnrollmentStatus?, now: Date
    ) throws(AcademyError) -> EnrollmentStatus {
        switch existing {
        case .active, .pending, .completed:
            throw .conflict("You are already enrolled in this course.")
        case .rejected:
            throw .forbidden("Your enrolment was declined; ask the course's instructor.")
        case .dropped, nil:
            break
        }
        if let opensAt = admission.opensAt, now < opensAt {
            throw .forbidden("Enrolment opens at \(RFC3339.string(from: opensAt)).")
        }
        if let closesAt = admission.closesAt, now >= closesAt {
            throw .forbidden("Enrolment closed at \(RFC3339.string(from: closesAt)).")
        }
        switch admission.mode {
        case .open:
            return .active
        case .approval:
            return .pending
        case .key:
            guard keyMatches == true else {
                throw .forbidden(keyMatches == nil ? "This course needs an enrolment key." : "The enrolment key is wrong.")
            }
            return .active
        case .closed:
            throw .forbidden("Only the course's instructors can enrol people in this course.")
        }
    }

    /// An instructor or admin adding someone: active at once, whatever came before, unless they
    /// are in already.
    public static func staffEnrollment(existing: EnrollmentStatus?) throws(AcademyError) -> EnrollmentStatus {
        if existing == .active || existing == .completed {
            throw .conflict("This person is already enrolled in this course.")
        }
        return .active
    }

    /// A change of status: staff approve or reject a pending enrolment; the student or staff drop
    /// an active or pending one. Completion is reached only by finishing the course.
    public static func checkTransition(from current: EnrollmentStatus, to next: EnrollmentStatus, byStaff: Bool) throws(AcademyError) {
        switch (current, next) {
        case (.pending, .active), (.pending, .rejected):
            guard byStaff else { throw .forbidden("Only the course's instructors approve or decline enrolments.") }
        case (.active, .dropped), (.pending, .dropped):
            return
        default:
            throw .conflict("An enrolment that is \(current.rawValue) cannot become \(next.rawValue).")
        }
    }
}

/// When a course is finished: every lesson completed and every required quiz passed.
public enum CourseCompletion {
    /// Every lesson completed, and nothing required outstanding: required quizzes passed (or
    /// submitted, when results are never shown) and required live sessions attended.
    public static func isComplete(_ progress: CourseProgress, requiredOutstanding: Int) -> Bool {
        progress.totalLessons > 0 && progress.completedLessons == progress.totalLessons && requiredOutstanding == 0
    }
}

extension EnrollmentPolicy {
    /// An enrolment is the business of its student and of the course's staff; anyone else is told
    /// it does not exist. Returns whether the caller acts as staff.
    public static func requireParty(toEnrollmentOf student: UUID, principal: Principal, relation: CourseRelation) throws(AcademyError) -> Bool {
        try CoursePolicy.requireStaffOrOwner(of: student, principal: principal, relation: relation, notFound: "No such enrolment.")
    }
}
