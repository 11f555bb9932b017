import AcademyCore
import Foundation
import Testing

@Suite struct QuestionBankTests {
    static func bankQuestion(_ category: String, _ prompt: String) -> BankQuestion {
        BankQuestion(
            id: UUID(), category: category, name: prompt,
            question: QuizQuestion(id: "", kind: .trueFalse, points: 1, translations: ["ar": QuestionText(prompt: prompt)], answer: QuestionAnswer(value: .bool(true))),
            version: 1
        )
    }

    let verbs = (1...5).map { bankQuestion("Grammar/Verbs", "فعل \($0)") }
    let fixed = bankQuestion("Letters", "حرف")
    let own = QuizQuestion(id: "own", kind: .trueFalse, points: 1, translations: ["ar": QuestionText(prompt: "سؤال")], answer: QuestionAnswer(value: .bool(false)))

    @Test func categoryPathsAreTrimmedAndBounded() throws {
        #expect(try QuestionBank.categoryPath(" Grammar / Verbs ").get() == "Grammar/Verbs")
        #expect(try QuestionBank.categoryPath("").get() == "")
        #expect(throws: FieldError.self) { try QuestionBank.categoryPath("a//b").get() }
        #expect(throws: FieldError.self) { try QuestionBank.categoryPath(Array(repeating: "x", count: 9).joined(separator: "/")).get() }
        #expect(QuestionBank.ancestry(of: "a/b/c") == ["a", "a/b", "a/b/c"])
    }

    @Test func aQuizTakesBankQuestionsAndDrawsEachAttemptsShareWhereTheDrawStands() throws {
        let items: [QuizItem] = [.question(own), .draw(category: "Grammar/Verbs", count: 2), .bankQuestion(fixed.id)]
        var validation = FieldValidation()
        let content = QuizContent.resolving(items, translations: ["ar": .init(title: "t")], bank: verbs + [fixed], into: &validation)
        #expect(validation.errors.isEmpty)
        #expect(content.questions.count == 7 && content.slotCount == 4)
        #expect(content.items == items)
        QuizRules.validate(settings: QuizSettings(passPercent: 50, questionsPerAttempt: 4), content: content, defaultLanguage: "ar", offered: ["ar"], into: &validation)
        #expect(validation.errors.isEmpty, "\(validation.errors)")

        var generator = SystemRandomNumberGenerator()
        var seen: Set<String> = []
        for _ in 0..<40 {
            let plan = AttemptPlan.draw(from: content, settings: QuizSettings(passPercent: 50), using: &generator)
            let ids = plan.items.map(\.questionId)
            #expect(ids.count == 4 && ids.first == "own" && ids.last == fixed.id.apiString)
            #expect(Set(ids[1...2]).isSubset(of: Set(verbs.map(\.question.id))) && ids[1] != ids[2])
            seen.formUnion(ids[1...2])
        }
        #expect(seen.count == 5)
    }

    @Test func drawsAndPicksThatCannotBeMadeAreRefusedByItem() {
        var validation = FieldValidation()
        _ = QuizContent.resolving(
            [.draw(category: "Grammar/Verbs", count: 6), .bankQuestion(UUID()), .bankQuestion(fixed.id), .bankQuestion(fixed.id), .draw(category: "Nowhere", count: 1)],
            translations: [:], bank: verbs + [fixed], into: &validation
        )
        #expect(validation.errors.map(\.field) == ["questions.0.count", "questions.1.bank_question_id", "questions.3.bank_question_id", "questions.4.count"])
        // A question the quiz takes on its own is not drawn again.
        var second = FieldValidation()
        let content = QuizContent.resolving([.bankQuestion(verbs[0].id), .draw(category: "Grammar/Verbs", count: 4)], translations: [:], bank: verbs, into: &second)
        #expect(second.errors.isEmpty && content.bankPicks?.last?.questionIds.count == 4)
    }

    @Test func itemsReadAsAuthorsWriteThem() throws {
        let json = #"{"questions":[{"bank_question_id":"\#(fixed.id.apiString)"},{"from_category":"Grammar/Verbs","count":2},{"id":"own","kind":"true_false","points":1,"translations":{"ar":{"prompt":"سؤال"}},"answer":{"value":false}}]}"#
        let draft = try StrictJSONDecoder().decode(QuizDraft.self, from: Array(json.utf8))
        #expect(draft.questions == [.bankQuestion(fixed.id), .draw(category: "Grammar/Verbs", count: 2), .question(own)])
        #expect(throws: (any Error).self) { try StrictJSONDecoder().decode(QuizDraft.self, from: Array(#"{"questions":[{"from_category":"a"}]}"#.utf8)) }
    }
}
