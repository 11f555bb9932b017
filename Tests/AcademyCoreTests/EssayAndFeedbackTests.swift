import AcademyCore
import Foundation
import Testing

@Suite struct EssayAndFeedbackTests {
    let essay = QuizQuestion(id: "e", kind: .essay, points: 4, translations: ["ar": QuestionText(prompt: "اكتب")], answer: QuestionAnswer(maxLength: 10))
    let pick = QuizQuestion(
        id: "p", kind: .singleChoice, points: 1,
        translations: ["en": QuestionText(prompt: "?", options: [QuizOption(id: "a", text: "A"), QuizOption(id: "b", text: "B")])],
        answer: QuestionAnswer(optionId: "b")
    )

    @Test func anAnsweredEssayWaitsAndAnEmptyOneEarnsNothingAtOnce() throws {
        let content = QuizContent(translations: ["ar": .init(title: "t")], questions: [essay, pick])
        let plan = AttemptPlan(items: [.init(questionId: "e", optionIds: nil), .init(questionId: "p", optionIds: ["a", "b"])])
        let waiting = AttemptResult.grade(plan: plan, content: content, answers: ["e": .text("نص"), "p": .option("b")], passPercent: 10)
        #expect(waiting.needsGrading && !waiting.passed && waiting.score == 1 && waiting.maxScore == 5)
        let blank = AttemptResult.grade(plan: plan, content: content, answers: ["e": .text("  \n")], passPercent: 10)
        #expect(!blank.needsGrading && blank.questions.first?.points == 0)

        let graded = try waiting.grading(essay: "e", points: 2.5, comment: " ", content: content, passPercent: 60)
        #expect(!graded.needsGrading && graded.score == 3.5 && graded.percent == 70 && graded.passed)
        #expect(graded.questions.first?.comment == nil && graded.questions.first?.correct == false)
        let regraded = try graded.grading(essay: "e", points: 4, comment: "ممتاز", content: content, passPercent: 60)
        #expect(regraded.score == 5 && regraded.questions.first?.correct == true && regraded.questions.first?.comment == "ممتاز")

        #expect(throws: AcademyError.self) { try waiting.grading(essay: "e", points: 5, comment: nil, content: content, passPercent: 60) }
        #expect(throws: AcademyError.self) { try waiting.grading(essay: "e", points: -1, comment: nil, content: content, passPercent: 60) }
        #expect(throws: AcademyError.self) { try waiting.grading(essay: "p", points: 1, comment: nil, content: content, passPercent: 60) }
    }

    @Test func anEssayTakesTextUpToItsLengthAndOnlyEssaysSetOne() {
        #expect(QuizRules.response(.text(String(repeating: "ب", count: 10)), fits: essay))
        #expect(!QuizRules.response(.text(String(repeating: "ب", count: 11)), fits: essay))
        #expect(!QuizRules.response(.option("a"), fits: essay))
        var validation = FieldValidation()
        var wrong = pick
        wrong.answer.maxLength = 10
        var huge = essay
        huge.answer.maxLength = 20_001
        QuizRules.validate(
            settings: QuizSettings(passPercent: 50), content: QuizContent(translations: ["ar": .init(title: "t")], questions: [wrong, huge]),
            defaultLanguage: "ar", offered: ["ar", "en"], into: &validation
        )
        let fields = validation.errors.map(\.field)
        #expect(fields.contains("questions.0.answer.max_length") && fields.contains("questions.1.answer.max_length"))
    }

    @Test func perAnswerFeedbackFollowsTheResponse() {
        let feedback = [AnswerFeedback(answer: "a", feedback: "not a"), AnswerFeedback(answer: "b", feedback: "yes b")]
        let text = QuestionText(prompt: "?", answerFeedback: feedback)
        #expect(pick.answerFeedback(for: .option("a"), in: text) == ["not a"])
        #expect(pick.answerFeedback(for: nil, in: text).isEmpty)
        let many = QuizQuestion(id: "m", kind: .multipleChoice, points: 1, translations: [:], answer: QuestionAnswer(optionIds: ["a"]))
        #expect(many.answerFeedback(for: .options(["a", "b"]), in: text) == ["not a", "yes b"])
        let truth = QuizQuestion(id: "t", kind: .trueFalse, points: 1, translations: [:], answer: QuestionAnswer(value: .bool(true)))
        #expect(truth.answerFeedback(for: .value(false), in: QuestionText(prompt: "?", answerFeedback: [.init(answer: "false", feedback: "no")])) == ["no"])
        let word = QuizQuestion(
            id: "w", kind: .shortText, points: 1, translations: [:], answer: QuestionAnswer(accepted: ["كتب"], normalize: .arabic)
        )
        let wordText = QuestionText(prompt: "?", answerFeedback: [.init(answer: "كت*", feedback: "قريب"), .init(answer: "*", feedback: "حاول")])
        #expect(word.answerFeedback(for: .text("كَتَبَ"), in: wordText) == ["قريب"])
        #expect(word.answerFeedback(for: .text("درس"), in: wordText) == ["حاول"])
        let year = QuizQuestion(
            id: "y", kind: .numeric, points: 1, translations: [:],
            answer: QuestionAnswer(value: .number(1822), tolerance: 0, partialValues: [CreditedValue(value: 1822, tolerance: 2, credit: 0.5)])
        )
        let yearText = QuestionText(prompt: "?", answerFeedback: [.init(answer: "1822", feedback: "right"), .init(answer: "1900", feedback: "far")])
        #expect(year.answerFeedback(for: .number(1822), in: yearText) == ["right"])
        #expect(year.answerFeedback(for: .number(1823), in: yearText).isEmpty)
        #expect(year.answerFeedback(for: .number(1900), in: yearText) == ["far"])
    }
}
