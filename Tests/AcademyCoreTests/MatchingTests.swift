import AcademyCore
import Testing

@Suite struct MatchingTests {
    static let matching = QuizQuestion(
        id: "names", kind: .matching, points: 3,
        translations: ["ar": QuestionText(
            prompt: "طابق", options: [.init(id: "a", text: "ا"), .init(id: "b", text: "ب"), .init(id: "c", text: "ت")],
            matches: [.init(id: "x", text: "ألف"), .init(id: "y", text: "باء"), .init(id: "z", text: "تاء"), .init(id: "w", text: "ثاء")]
        )],
        answer: QuestionAnswer(pairs: [.init(optionId: "a", matchId: "x"), .init(optionId: "b", matchId: "y"), .init(optionId: "c", matchId: "z")])
    )

    func errors(_ question: QuizQuestion) -> [String] {
        var validation = FieldValidation()
        let content = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [question])
        QuizRules.validate(settings: QuizSettings(passPercent: 50), content: content, defaultLanguage: "ar", offered: ["ar"], into: &validation)
        return validation.errors.map(\.field)
    }

    @Test func eachRightPairEarnsItsShare() throws {
        let key = try #require(Self.matching.key)
        #expect(Grading.grade(.pairs(["a": "x", "b": "y", "c": "z"]), against: key, points: 3) == QuestionGrade(points: 3, correct: true))
        #expect(Grading.grade(.pairs(["a": "x", "b": "z"]), against: key, points: 3) == QuestionGrade(points: 1, correct: false))
        #expect(Grading.grade(.pairs(["a": "w", "b": "w", "c": "w"]), against: key, points: 3).points == 0)
        #expect(QuizRules.response(.pairs(["a": "w"]), fits: Self.matching))
        #expect(!QuizRules.response(.pairs(["q": "x"]), fits: Self.matching))
        #expect(!QuizRules.response(.pairs(["a": "v"]), fits: Self.matching))
    }

    @Test func everyOptionIsPairedWithAMatchOfTheQuestion() {
        #expect(errors(Self.matching).isEmpty)
        var unpaired = Self.matching
        unpaired.answer.pairs = [.init(optionId: "a", matchId: "x")]
        #expect(errors(unpaired) == ["questions.0.answer.pairs"])
        var unknown = Self.matching
        unknown.answer.pairs = [.init(optionId: "a", matchId: "x"), .init(optionId: "b", matchId: "y"), .init(optionId: "c", matchId: "v")]
        #expect(errors(unknown) == ["questions.0.answer.pairs"])
        var stray = QuizRulesTests.choice("q1")
        stray.translations["ar"]?.matches = [.init(id: "x", text: "س")]
        #expect(errors(stray) == ["questions.0.translations.ar.matches"])
    }

    @Test func matchesAreAlwaysShuffledAndKeptInThePlan() {
        var generator = SeededGenerator(state: 11)
        let plans = (0..<10).map { _ in AttemptPlan.draw(from: QuizContent(translations: [:], questions: [Self.matching]), settings: QuizSettings(passPercent: 50), using: &generator) }
        #expect(plans.allSatisfy { Set($0.items[0].matchIds ?? []) == ["x", "y", "z", "w"] })
        #expect(plans.contains { $0.items[0].matchIds != ["x", "y", "z", "w"] })
        #expect(plans[0].json.contains("\"match_ids\""))
    }
}
