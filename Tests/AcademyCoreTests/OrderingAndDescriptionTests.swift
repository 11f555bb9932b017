import AcademyCore
import Testing

@Suite struct OrderingAndDescriptionTests {
    static let ordering = QuizQuestion(
        id: "order", kind: .ordering, points: 3,
        translations: ["ar": QuestionText(prompt: "رتّب", options: [.init(id: "a", text: "ا"), .init(id: "b", text: "ب"), .init(id: "c", text: "ت")])],
        answer: QuestionAnswer(optionIds: ["a", "b", "c"])
    )
    static let description = QuizQuestion(id: "intro", kind: .description, points: 0, translations: ["ar": QuestionText(prompt: "مقدمة")], answer: QuestionAnswer())

    func errors(_ questions: [QuizQuestion]) -> [String] {
        var validation = FieldValidation()
        let content = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: questions)
        QuizRules.validate(settings: QuizSettings(passPercent: 50), content: content, defaultLanguage: "ar", offered: ["ar"], into: &validation)
        return validation.errors.map(\.field)
    }

    @Test func anOrderingIsRightInFullOrPlaceByPlaceWithPartialCredit() {
        let strict = AnswerKey.ordering(order: ["a", "b", "c"], partialCredit: false)
        #expect(Grading.grade(.order(["a", "b", "c"]), against: strict, points: 3) == QuestionGrade(points: 3, correct: true))
        #expect(Grading.grade(.order(["a", "c", "b"]), against: strict, points: 3) == QuestionGrade(points: 0, correct: false))
        let partial = AnswerKey.ordering(order: ["a", "b", "c"], partialCredit: true)
        #expect(Grading.grade(.order(["a", "c", "b"]), against: partial, points: 3) == QuestionGrade(points: 1, correct: false))
        #expect(Grading.grade(.option("a"), against: partial, points: 3).points == 0)
        #expect(QuizRules.response(.order(["c", "a", "b"]), fits: Self.ordering))
        #expect(!QuizRules.response(.order(["a", "b"]), fits: Self.ordering))
        #expect(!QuizRules.response(.order(["a", "b", "b"]), fits: Self.ordering))
    }

    @Test func orderingsAndDescriptionsAreCheckedAsWhatTheyAre() {
        #expect(errors([Self.ordering, Self.description]).isEmpty)
        var missing = Self.ordering
        missing.answer.optionIds = ["a", "b"]
        #expect(errors([missing]) == ["questions.0.answer.option_ids"])
        var scored = Self.description
        scored.points = 1
        #expect(errors([scored]) == ["questions.0.points"])
        var unscored = Self.ordering
        unscored.points = 0
        #expect(errors([unscored]) == ["questions.0.points"])
        #expect(!QuizRules.response(.text("x"), fits: Self.description))
    }

    @Test func itemsToOrderAreAlwaysShuffledAndADescriptionIsNotGraded() {
        var generator = SeededGenerator(state: 7)
        var shuffledOnce = false
        for _ in 0..<20 {
            let plan = AttemptPlan.draw(from: QuizContent(translations: [:], questions: [Self.description, Self.ordering]), settings: QuizSettings(passPercent: 50), using: &generator)
            let order = plan.items.first { $0.questionId == "order" }?.optionIds ?? []
            #expect(Set(order) == ["a", "b", "c"])
            if order != ["a", "b", "c"] { shuffledOnce = true }
        }
        #expect(shuffledOnce)
        let plan = AttemptPlan(items: [.init(questionId: "intro", optionIds: nil), .init(questionId: "order", optionIds: ["b", "a", "c"])])
        let content = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [Self.description, Self.ordering])
        let result = AttemptResult.grade(plan: plan, content: content, answers: ["order": .order(["a", "b", "c"])], passPercent: 50)
        #expect(result.maxScore == 3 && result.score == 3 && result.questions.map(\.id) == ["order"])
    }
}
