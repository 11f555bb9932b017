import AcademyCore
import Foundation
import Testing

/// The rules that used to live in the store or the controllers: attempts, answers, publishing,
/// modules, teaching, seats, enrolment parties and course references.
@Suite struct AttemptRulesTests {
    static let start = Date(timeIntervalSince1970: 1_000_000)

    static func attempt(
        number: Int = 1, state: AttemptState = .inProgress, deadline: Date? = start.addingTimeInterval(600), grace: Int = 30
    ) -> QuizAttempt {
        QuizAttempt(
            id: UUID(), quizID: UUID(), userID: UUID(), number: number, version: 1,
            plan: AttemptPlan(items: [.init(questionId: "q1", optionIds: ["a", "b", "c"])]),
            state: state, startedAt: start, deadline: deadline, graceSeconds: grace, submittedAt: nil, result: nil
        )
    }

    @Test func anAttemptClosesAtItsDeadlinePlusGrace() {
        let attempt = Self.attempt()
        #expect(attempt.closesAt == Self.start.addingTimeInterval(630))
        #expect(attempt.isOpen(at: Self.start.addingTimeInterval(630)))
        #expect(!attempt.isOpen(at: Self.start.addingTimeInterval(631)))
        #expect(!attempt.isExpiredUngraded(at: Self.start.addingTimeInterval(630)))
        #expect(attempt.isExpiredUngraded(at: Self.start.addingTimeInterval(631)))
    }

    @Test func anUntimedAttemptStaysOpenUntilSubmitted() {
        let untimed = Self.attempt(deadline: nil)
        #expect(untimed.closesAt == nil)
        #expect(untimed.isOpen(at: .distantFuture))
        let submitted = Self.attempt(state: .submitted, deadline: nil)
        #expect(!submitted.isOpen(at: Self.start))
        #expect(!submitted.isExpiredUngraded(at: .distantFuture))
    }

    @Test func aStartResumesTheOpenAttemptBeforeCountingAttempts() throws {
        let open = Self.attempt(number: 2)
        let finished = Self.attempt(number: 1, state: .submitted)
        #expect(try AttemptStart.decide(existing: [finished, open], maxAttempts: 2, now: Self.start) == .resume(open))
        #expect(try AttemptStart.decide(existing: [], maxAttempts: 1, now: Self.start) == .start(number: 1))
        #expect(try AttemptStart.decide(existing: [finished], maxAttempts: nil, now: Self.start) == .start(number: 2))
    }

    @Test func anExpiredUngradedAttemptStillCountsAsUsed() {
        let expired = Self.attempt(deadline: Self.start.addingTimeInterval(10), grace: 0)
        #expect(throws: AcademyError.conflict("You have used all 1 attempts of this quiz.")) {
            try AttemptStart.decide(existing: [expired], maxAttempts: 1, now: Self.start.addingTimeInterval(11))
        }
    }

    @Test func anAnswerMustBeToADrawnQuestionAndFitItsKind() throws {
        let content = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [QuizRulesTests.choice("q1"), QuizRulesTests.choice("q2")])
        let attempt = Self.attempt()
        try AnswerRules.validate(.option("a"), seq: 0, questionID: "q1", attempt: attempt, content: content)
        #expect(throws: AcademyError.notFound("This attempt has no question q2.")) {
            try AnswerRules.validate(.option("a"), seq: 0, questionID: "q2", attempt: attempt, content: content)
        }
        #expect(throws: AcademyError.validationFailed([
            FieldError(field: "response", message: "does not fit a single_choice question"),
            FieldError(field: "seq", message: "must be 0 or more"),
        ])) {
            try AnswerRules.validate(.option("z"), seq: -1, questionID: "q1", attempt: attempt, content: content)
        }
    }
}

@Suite struct CourseShapeRulesTests {
    @Test func publishingNeedsALesson() throws {
        #expect(throws: AcademyError.self) { try CourseRules.requirePublishable(.published, lessonCount: 0) }
        try CourseRules.requirePublishable(.published, lessonCount: 1)
        try CourseRules.requirePublishable(.draft, lessonCount: 0)
        try CourseRules.requirePublishable(.archived, lessonCount: 0)
    }

    @Test func onlyAnEmptyModuleIsDeleted() throws {
        try CourseRules.requireDeletable(moduleHolding: 0)
        #expect(throws: AcademyError.conflict("The module still holds 2 item(s); move or delete them first.")) {
            try CourseRules.requireDeletable(moduleHolding: 2)
        }
    }

    @Test func studentsDoNotTeach() throws {
        try CourseRules.requireCanTeach(.instructor)
        try CourseRules.requireCanTeach(.admin)
        #expect(throws: AcademyError.self) { try CourseRules.requireCanTeach(.student) }
    }

    @Test func activeAndCompletedEnrolmentsHoldSeats() {
        #expect(Set(EnrollmentStatus.admitting) == [.active, .completed])
        #expect(EnrollmentStatus.allCases.filter(\.admitsStudent) == [.active, .completed])
    }

    @Test func anEnrolmentIsItsStudentsAndTheStaffs() throws {
        let student = UUID()
        let me = Principal(userID: student, role: .student, sessionID: nil)
        let stranger = Principal(userID: UUID(), role: .student, sessionID: nil)
        let teacher = Principal(userID: UUID(), role: .instructor, sessionID: nil)
        let admin = Principal(userID: UUID(), role: .admin, sessionID: nil)
        #expect(try EnrollmentPolicy.requireParty(toEnrollmentOf: student, principal: me, relation: .stranger) == false)
        #expect(try EnrollmentPolicy.requireParty(toEnrollmentOf: student, principal: teacher, relation: .instructor) == true)
        #expect(try EnrollmentPolicy.requireParty(toEnrollmentOf: student, principal: admin, relation: .stranger) == true)
        #expect(throws: AcademyError.notFound("No such enrolment.")) {
            try EnrollmentPolicy.requireParty(toEnrollmentOf: student, principal: stranger, relation: .stranger)
        }
        #expect(throws: AcademyError.notFound("No such enrolment.")) {
            try EnrollmentPolicy.requireParty(toEnrollmentOf: student, principal: teacher, relation: .stranger)
        }
    }

    @Test func aCourseIsNamedByIdOrSlug() throws {
        let id = UUID()
        #expect(CourseReference(id.uuidString) == .id(id))
        #expect(CourseReference(id.uuidString.lowercased()) == .id(id))
        #expect(CourseReference("arabic-script") == .slug("arabic-script"))
        #expect(CourseReference(id.uuidString).description == id.uuidString.lowercased())
    }

    @Test func attachmentsAreServedUnderTheAPI() throws {
        let id = try #require(UUID(uuidString: "6F9619FF-8B86-D011-B42D-00C04FC964FF"))
        #expect(AttachmentRules.url(of: id) == "/api/v1/attachments/6f9619ff-8b86-d011-b42d-00c04fc964ff")
    }
}
