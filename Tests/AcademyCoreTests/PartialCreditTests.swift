import AcademyCore
import Testing

/// Moodle's partial credit: per-option weights, partly right texts (with `*`) and numbers.
@Suite struct PartialCreditTests {
    @Test func optionWeightsGiveTheChosenOptionsCreditNeverBelowNothing() {
        let single = AnswerKey.singleChoice(optionID: "a", credits: ["a": 1, "b": 0.5, "c": -0.5])
        #expect(Grading.grade(.option("a"), against: single, points: 2) == QuestionGrade(points: 2, correct: true))
        #expect(Grading.grade(.option("b"), against: single, points: 2) == QuestionGrade(points: 1, correct: false))
        #expect(Grading.grade(.option("c"), against: single, points: 2) == QuestionGrade(points: 0, correct: false))
        #expect(Grading.grade(.option("d"), against: single, points: 2) == QuestionGrade(points: 0, correct: false))

        let multiple = AnswerKey.multipleChoice(optionIDs: ["b", "c"], partialCredit: false, credits: ["a": -1, "b": 0.5, "c": 0.5, "d": -0.3333333])
        #expect(Grading.grade(.options(["b", "c"]), against: multiple, points: 3) == QuestionGrade(points: 3, correct: true))
        #expect(Grading.grade(.options(["b"]), against: multiple, points: 3) == QuestionGrade(points: 1.5, correct: false))
        #expect(Grading.grade(.options(["b", "c", "d"]), against: multiple, points: 3) == QuestionGrade(points: 2, correct: false))
        #expect(Grading.grade(.options(["a", "b"]), against: multiple, points: 3) == QuestionGrade(points: 0, correct: false))
    }

    @Test func partlyRightTextsAndNumbersEarnTheirCreditTheBestOneCounts() {
        let text = AnswerKey.shortText(
            accepted: ["كتب"], caseSensitive: false, normalization: .arabic,
            partial: [.init(text: "كت*", credit: 0.5), .init(text: "*ب", credit: 0.25)]
        )
        #expect(Grading.grade(.text("كَتَبَ"), against: text, points: 4) == QuestionGrade(points: 4, correct: true))
        #expect(Grading.grade(.text("كتاب"), against: text, points: 4) == QuestionGrade(points: 2, correct: false))
        #expect(Grading.grade(.text("ذهب"), against: text, points: 4) == QuestionGrade(points: 1, correct: false))
        #expect(Grading.grade(.text("قرأ"), against: text, points: 4).points == 0)

        let number = AnswerKey.numeric(value: 1822, tolerance: 0, partial: [.init(value: 1822, tolerance: 2, credit: 0.5), .init(value: 1800, tolerance: 50, credit: 0.1)])
        #expect(Grading.grade(.number(1822), against: number, points: 2) == QuestionGrade(points: 2, correct: true))
        #expect(Grading.grade(.number(1823), against: number, points: 2) == QuestionGrade(points: 1, correct: false))
        #expect(Grading.grade(.number(1790), against: number, points: 2) == QuestionGrade(points: 0.2, correct: false))
        #expect(Grading.grade(.number(1900), against: number, points: 2).points == 0)
    }

    @Test func wildcardsStandForAnyRunOfCharacters() {
        let key = AnswerKey.shortText(accepted: ["mad*sa", "*ah"], caseSensitive: false, normalization: .standard)
        #expect(Grading.grade(.text("Madrasa"), against: key, points: 1).correct)
        #expect(Grading.grade(.text("madsa"), against: key, points: 1).correct)
        #expect(Grading.grade(.text("Allah"), against: key, points: 1).correct)
        #expect(!Grading.grade(.text("madras"), against: key, points: 1).correct)
        #expect(!Grading.grade(.text("a"), against: AnswerKey.shortText(accepted: ["a*a"], caseSensitive: false, normalization: .standard), points: 1).correct)
    }

    func errors(_ question: QuizQuestion) -> [String] {
        var validation = FieldValidation()
        let content = QuizContent(translations: ["ar": .init(title: "اختبار")], questions: [question])
        QuizRules.validate(settings: QuizSettings(passPercent: 50), content: content, defaultLanguage: "ar", offered: ["ar"], into: &validation)
        return validation.errors.map(\.field)
    }

    @Test func creditsAreCheckedAgainstTheQuestion() {
        var single = QuizRulesTests.choice("q1", answer: "a")
        single.answer.weights = [.init(optionId: "a", credit: 1), .init(optionId: "b", credit: 0.5)]
        #expect(errors(single).isEmpty)
        single.answer.weights = [.init(optionId: "a", credit: 0.5)]
        #expect(errors(single) == ["questions.0.answer.weights"])
        single.answer.weights = [.init(optionId: "z", credit: 0.5)]
        #expect(errors(single) == ["questions.0.answer.weights"])
        single.answer.weights = [.init(optionId: "b", credit: 1.5)]
        #expect(errors(single) == ["questions.0.answer.weights"])

        var multiple = QuizRulesTests.choice("q1")
        multiple.kind = .multipleChoice
        multiple.answer = QuestionAnswer(optionIds: ["a", "b"], weights: [.init(optionId: "a", credit: 0.5), .init(optionId: "b", credit: 0.5), .init(optionId: "c", credit: -1)])
        #expect(errors(multiple).isEmpty)
        multiple.answer.weights = [.init(optionId: "a", credit: 0.5), .init(optionId: "b", credit: 0.4)]
        #expect(errors(multiple) == ["questions.0.answer.weights"])
        multiple.answer.weights = [.init(optionId: "a", credit: 1)]
        #expect(errors(multiple) == ["questions.0.answer.weights"])

        let text = QuizQuestion(
            id: "q1", kind: .shortText, points: 1, translations: ["ar": QuestionText(prompt: "؟")],
            answer: QuestionAnswer(accepted: ["كتب"], partiallyAccepted: [.init(text: "كت*", credit: 0.5), .init(text: " ", credit: 1)], partialValues: [.init(value: 1, credit: 0.5)])
        )
        #expect(errors(text) == ["questions.0.answer.partially_accepted.1.text", "questions.0.answer.partially_accepted.1.credit", "questions.0.answer.partial_values"])
    }
}
