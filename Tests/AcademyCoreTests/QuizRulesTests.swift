import AcademyCore
import Foundation
import Testing

/// SplitMix64: reproducible draws, so a test can say which questions a seed picks.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct QuizRulesTests {
    static func choice(_ id: String, answer: String = "b", points: Double = 1) -> QuizQuestion {
        QuizQuestion(
            id: id, kind: .singleChoice, points: points,
            translations: ["ar": QuestionText(prompt: "؟", options: [QuizOption(id: "a", text: "أ"), QuizOption(id: "b", text: "ب"), QuizOption(id: "c", text: "ت")])],
            answer: QuestionAnswer(optionId: answer)
        )
    }

    static let questions = (1...10).map { choice("q\($0)") }

    func errors(_ settings: QuizSettings, _ content: QuizContent) -> Set<String> {
        var validation = FieldValidation()
        QuizRules.validate(settings: settings, content: content, defaultLanguage: "ar", offered: ["ar", "en"], into: &validation)
        return Set(validation.errors.map(\.field))
    }

    @Test func validationNamesEachBrokenField() {
        let good = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [Self.choice("q1")])
        #expect(errors(QuizSettings(passPercent: 60), good).isEmpty)
        #expect(errors(QuizSettings(timeLimitSeconds: 1, maxAttempts: 0, passPercent: 101), good) == ["time_limit_seconds", "max_attempts", "pass_percent"])
        let closedBeforeOpen = QuizSettings(passPercent: 50, opensAt: Date(timeIntervalSince1970: 100), closesAt: Date(timeIntervalSince1970: 50))
        #expect(errors(closedBeforeOpen, good) == ["closes_at"])

        let badKey = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [Self.choice("q1", answer: "z"), Self.choice("q1")])
        let fields = errors(QuizSettings(passPercent: 60), badKey)
        #expect(fields.contains("questions.1.id"))
        #expect(fields.contains { $0.hasPrefix("questions.0.answer") })
        #expect(errors(QuizSettings(passPercent: 60, questionsPerAttempt: 2), good) == ["questions_per_attempt"])
        #expect(errors(QuizSettings(passPercent: 60), QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [])) == ["questions"])
    }

    @Test func responsesMustFitTheirQuestion() {
        let question = Self.choice("q1")
        #expect(QuizRules.response(.option("a"), fits: question))
        #expect(!QuizRules.response(.option("z"), fits: question))
        #expect(!QuizRules.response(.text("a"), fits: question))
    }

    @Test func drawingKeepsTheAuthorsOrderUnlessShuffled() {
        var generator = SeededGenerator(state: 7)
        let plain = AttemptPlan.draw(from: QuizContent(translations: [:], questions: Self.questions), settings: QuizSettings(passPercent: 50), using: &generator)
        #expect(plain.items.map(\.questionId) == Self.questions.map(\.id))
        #expect(plain.items.allSatisfy { $0.optionIds == ["a", "b", "c"] })

        let four = AttemptPlan.draw(from: QuizContent(translations: [:], questions: Self.questions), settings: QuizSettings(passPercent: 50, questionsPerAttempt: 4), using: &generator)
        let positions = four.items.map { item in Self.questions.firstIndex { $0.id == item.questionId }! }
        #expect(four.items.count == 4)
        #expect(positions == positions.sorted())

        let shuffled = AttemptPlan.draw(from: QuizContent(translations: [:], questions: Self.questions), settings: QuizSettings(passPercent: 50, shuffleQuestions: true, shuffleOptions: true), using: &generator)
        #expect(Set(shuffled.items.map(\.questionId)) == Set(Self.questions.map(\.id)))
        #expect(shuffled.items.map(\.questionId) != Self.questions.map(\.id))
        #expect(shuffled.items.allSatisfy { Set($0.optionIds ?? []) == ["a", "b", "c"] })
    }

    @Test func theDeadlineIsTheEarlierOfLimitAndClose() {
        let start = Date(timeIntervalSince1970: 1_000)
        #expect(attemptDeadline(startedAt: start, timeLimitSeconds: 600, closesAt: nil) == Date(timeIntervalSince1970: 1_600))
        #expect(attemptDeadline(startedAt: start, timeLimitSeconds: 600, closesAt: Date(timeIntervalSince1970: 1_200)) == Date(timeIntervalSince1970: 1_200))
        #expect(attemptDeadline(startedAt: start, timeLimitSeconds: nil, closesAt: nil) == nil)
    }

    @Test func reviewFollowsThePolicy() {
        let close = Date(timeIntervalSince1970: 2_000)
        let never = QuizSettings(passPercent: 50, closesAt: close, review: .never)
        let afterSubmit = QuizSettings(passPercent: 50, review: .afterSubmit)
        let afterClose = QuizSettings(graceSeconds: 30, passPercent: 50, closesAt: close, review: .afterClose)
        #expect(!QuizRules.reviewIsOpen(never, now: close.addingTimeInterval(1e6)))
        #expect(QuizRules.resultsVisibleFrom(never) == nil && QuizRules.submissionCounts(never))
        #expect(!QuizRules.submissionCounts(afterSubmit))
        #expect(QuizRules.reviewIsOpen(afterSubmit, now: close))
        #expect(QuizRules.resultsVisibleFrom(afterSubmit) == .distantPast)
        // Answers are saved until the close plus the grace: the review waits for both.
        #expect(!QuizRules.reviewIsOpen(afterClose, now: close))
        #expect(!QuizRules.reviewIsOpen(afterClose, now: close.addingTimeInterval(29)))
        #expect(QuizRules.reviewIsOpen(afterClose, now: close.addingTimeInterval(30)))
        #expect(QuizRules.resultsVisibleFrom(afterClose, latestExtendedClose: Date(timeIntervalSince1970: 3_000)) == Date(timeIntervalSince1970: 3_030))
        #expect(!QuizRules.reviewIsOpen(afterClose, latestExtendedClose: Date(timeIntervalSince1970: 3_000), now: close.addingTimeInterval(30)))
        // After close with no close date: never, as nothing closes.
        #expect(QuizRules.resultsVisibleFrom(QuizSettings(passPercent: 50, review: .afterClose)) == nil)
        let extended = QuizSettings(timeLimitSeconds: 600, maxAttempts: 1, passPercent: 50, closesAt: close)
            .applying(QuizOverride(timeLimitSeconds: 1_200, maxAttempts: nil, closesAt: nil))
        #expect(extended.timeLimitSeconds == 1_200 && extended.maxAttempts == 1 && extended.closesAt == close)
    }

    @Test func gradingCountsOnlyThePlannedQuestionsAndUnansweredEarnNothing() {
        let content = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [Self.choice("q1", points: 2), Self.choice("q2"), Self.choice("q3")])
        let plan = AttemptPlan(items: [.init(questionId: "q1", optionIds: nil), .init(questionId: "q2", optionIds: nil)])
        let result = AttemptResult.grade(plan: plan, content: content, answers: ["q1": .option("b"), "q3": .option("b")], passPercent: 66)
        #expect(result.score == 2)
        #expect(result.maxScore == 3)
        #expect(result.percent == 66.67)
        #expect(result.passed)
        #expect(result.questions.map(\.correct) == [true, false])
    }
}

@Suite struct AttemptPolicyTests {
    let student = Principal(userID: UUID(), role: .student, sessionID: nil)
    let classmate = Principal(userID: UUID(), role: .student, sessionID: nil)
    let instructor = Principal(userID: UUID(), role: .instructor, sessionID: nil)

    @Test func itsStudentAndTheCourseStaffReadAnAttemptAndNobodyElseKnowsOfIt() throws {
        #expect(try AttemptPolicy.requireReader(ofAttemptBy: student.userID, principal: student, relation: .stranger) == false)
        #expect(try AttemptPolicy.requireReader(ofAttemptBy: student.userID, principal: instructor, relation: .instructor) == true)
        #expect(throws: AcademyError.notFound("No such attempt.")) {
            try AttemptPolicy.requireReader(ofAttemptBy: student.userID, principal: classmate, relation: .stranger)
        }
        // An instructor of another course is a stranger here.
        #expect(throws: AcademyError.notFound("No such attempt.")) {
            try AttemptPolicy.requireReader(ofAttemptBy: student.userID, principal: instructor, relation: .stranger)
        }
    }

    @Test func onlyItsStudentAnswersAndSubmits() throws {
        try AttemptPolicy.requireStudent(ofAttemptBy: student.userID, principal: student)
        for other in [instructor, classmate] {
            #expect(throws: AcademyError.self) { try AttemptPolicy.requireStudent(ofAttemptBy: student.userID, principal: other) }
        }
        #expect(throws: AcademyError.self) { try AttemptPolicy.requireStudent(ofAttemptBy: student.userID, principal: nil) }
    }
}
