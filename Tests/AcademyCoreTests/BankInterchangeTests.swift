import AcademyCore
import Foundation
import Testing

/// Files in the shape of the GIFT and Moodle XML documentation's examples, as the bank holds them.
@Suite struct BankInterchangeTests {
    static func imported(_ questions: [InterchangeQuestion], language: String = "ar") -> (questions: [ImportedQuestion], problems: [InterchangeProblem]) {
        var result: [ImportedQuestion] = []
        var problems: [InterchangeProblem] = []
        for question in questions {
            switch BankInterchange.question(from: question, language: language) {
            case .success(let imported): result.append(imported)
            case .failure(let problem): problems.append(problem)
            }
        }
        return (result, problems)
    }

    static func named(_ questions: [ImportedQuestion], _ name: String) throws -> QuizQuestion {
        try #require(questions.first { $0.name == name }?.question)
    }

    @Test func giftQuestionsBecomeTheBanksKindsWithTheirWeightsAndFeedback() throws {
        let (read, _) = GIFT.read(GIFTTests.file)
        let (questions, problems) = Self.imported(read, language: "en")
        #expect(problems.isEmpty, "\(problems)")
        let grant = try Self.named(questions, "Grant")
        #expect(grant.kind == .singleChoice && grant.answer.optionId == "c" && grant.answer.weights == nil)
        #expect(grant.translations["en"]?.options?.map(\.text) == ["Grant", "Jefferson", "no one"])
        #expect(grant.translations["en"]?.answerFeedback == [AnswerFeedback(answer: "c", feedback: "Right: nobody is buried there")])
        let truth = try Self.named(questions, "TF")
        #expect(truth.kind == .trueFalse && truth.answer.value == .bool(false))
        #expect(truth.translations["en"]?.answerFeedback == [.init(answer: "true", feedback: "He is entombed, not buried."), .init(answer: "false", feedback: "Right.")])
        let born = try Self.named(questions, "Born")
        #expect(born.kind == .numeric && born.answer.value == .number(1822) && born.answer.tolerance == 5)
        let entombed = try #require(questions.first { $0.question.translations["en"]?.prompt == "What two people are entombed in Grant's tomb?" }?.question)
        #expect(entombed.kind == .multipleChoice && entombed.answer.optionIds == ["b", "c"])
        #expect(entombed.answer.weights == [
            .init(optionId: "a", credit: -1), .init(optionId: "b", credit: 0.5), .init(optionId: "c", credit: 0.5), .init(optionId: "d", credit: -0.3333333),
        ])
        let four = try #require(questions.first { $0.question.translations["en"]?.prompt == "Two plus two equals _____." }?.question)
        #expect(four.kind == .shortText && four.answer.accepted == ["four"] && four.answer.partiallyAccepted == [.init(text: "4", credit: 0.5)])
        let capitals = try #require(questions.first { $0.question.kind == .matching }?.question)
        #expect(capitals.answer.pairs?.count == 3 && capitals.translations["en"]?.matches?.map(\.text) == ["Ottawa", "Rome", "Tokyo"])
        #expect(capitals.translations["en"]?.feedback == "It's good to know the capitals.")
        #expect(try Self.named(questions, "Essay").kind == .essay)
        let intro = try Self.named(questions, "Intro")
        #expect(intro.kind == .description && intro.points == 0 && intro.translations["en"]?.prompt == "The next questions are about Arabic.")
        // Arabic, its category and its per-answer feedback.
        let letter = try #require(questions.first { $0.name == "حرف" })
        #expect(letter.category == "العربية/الحروف" && letter.question.translations["en"]?.prompt == "ما **أول** حرف في الأبجدية؟")
        #expect(letter.question.translations["en"]?.answerFeedback == [.init(answer: "a", feedback: "أحسنت"), .init(answer: "b", feedback: "لا، الباء ثانية")])
        #expect(questions.first { $0.name == "Grant" }?.category == "History/Grant")
    }

    @Test func moodleXMLBecomesTranslationsPlainTextAndRefusesWhatItCannotHold() throws {
        let (read, readProblems) = MoodleXML.read(Array(MoodleXMLTests.file.utf8))
        let (questions, problems) = Self.imported(read)
        #expect(readProblems.count == 3 && problems.isEmpty, "\(problems)")
        // The embedded image comes with the question, to be stored; the text is the question's own.
        let first = try #require(questions.first { $0.name == "First letter" })
        #expect(first.files.map(\.name) == ["alif.png"] && first.question.translations["en"]?.prompt == "Which letter is first?")
        #expect(first.question.answer.weights == [.init(optionId: "a", credit: 1), .init(optionId: "c", credit: -0.3333333)])
        #expect(first.question.translations["ar"]?.feedback == "Alif opens the alphabet.\n\nThink of Alif.")
        let joining = try Self.named(questions, "Joining letters")
        #expect(joining.kind == .multipleChoice && joining.answer.optionIds == ["a", "b"] && joining.answer.weights?.map(\.credit) == [0.5, 0.5, -1])
        #expect(joining.translations.keys.sorted() == ["ar"])
        let kataba = try Self.named(questions, "Write kataba")
        #expect(kataba.answer.accepted == ["كتب"] && kataba.answer.partiallyAccepted == [.init(text: "كت*", credit: 0.5)])
        let count = try Self.named(questions, "How many letters")
        #expect(count.answer.value == .number(28) && count.answer.partialValues == [.init(value: 28, tolerance: 1, credit: 0.5)])
        #expect(count.translations["ar"]?.answerFeedback == [.init(answer: "28", feedback: "Right.")])
        let names = try Self.named(questions, "Names")
        #expect(names.translations["ar"]?.matches?.map(\.text) == ["Alif", "Ba", "Jim"] && names.answer.pairs?.map(\.matchId) == ["m1", "m2"])
        #expect(try Self.named(questions, "Order").answer.optionIds == ["a", "b", "c"])
        #expect(try Self.named(questions, "Essay").translations["ar"]?.prompt == "Describe the letter shapes & their joins.")

        // Multilang spans: one translation per language, text outside them in each, hints join the feedback.
        let xml = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <quiz><question type="truefalse"><name><text>Multi</text></name>
        <questiontext format="html"><text><![CDATA[<p><span lang="ar" class="multilang">العربية تكتب من اليمين</span><span lang="en" class="multilang">Arabic is written right to left</span><br>(2)</p>]]></text></questiontext>
        <generalfeedback><text>{mlang ar}صحيح{mlang}{mlang other}Indeed{mlang}</text></generalfeedback>
        <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
        <hint><text>&lt;b&gt;Look&lt;/b&gt; at a page</text></hint></question></quiz>
        """#
        let multi = try #require(Self.imported(MoodleXML.read(Array(xml.utf8)).questions).questions.first?.question)
        #expect(multi.translations["ar"]?.prompt == "العربية تكتب من اليمين\n(2)")
        #expect(multi.translations["en"]?.prompt == "Arabic is written right to left\n(2)")
        #expect(multi.translations["ar"]?.feedback == "صحيح\n\nLook at a page")
        #expect(multi.translations["en"]?.feedback == "Indeed\n\nLook at a page")
    }

    /// Every kind the bank holds, in two languages, written and read back by both formats.
    @Test func exportThenImportGivesTheSameBankForEveryKind() throws {
        let (read, _) = GIFT.read(GIFTTests.file)
        let (fromGIFT, _) = Self.imported(read)
        let (xmlRead, _) = MoodleXML.read(Array(MoodleXMLTests.file.utf8))
        let (fromXML, _) = Self.imported(xmlRead)
        var bank = (fromGIFT + fromXML).enumerated().map { index, entry in
            BankQuestion(id: UUID(), category: entry.category, name: entry.name ?? "q\(index)", question: entry.question, version: 1)
        }
        // A second language on one question, with per-answer feedback in both.
        var two = bank[0].question
        two.translations["en"] = QuestionText(
            prompt: "Who is buried in Grant's tomb?", options: two.translations["ar"]?.options?.map { QuizOption(id: $0.id, text: "in English " + $0.text) },
            feedback: nil, answerFeedback: [.init(answer: "c", feedback: "Right")]
        )
        bank[0] = BankQuestion(id: bank[0].id, category: bank[0].category, name: bank[0].name, question: two, version: 1)
        let kinds = Set(bank.map(\.question.kind))
        #expect(kinds == Set(QuestionKind.allCases))

        func same(_ written: [InterchangeQuestion], _ original: [BankQuestion]) throws {
            let (again, problems) = Self.imported(written)
            #expect(problems.isEmpty, "\(problems)")
            try #require(again.count == original.count)
            for (back, stored) in zip(again, original) {
                var question = back.question
                question.id = stored.question.id
                #expect(question == stored.question, "\(stored.name ?? "")")
                #expect(back.category == stored.category && back.name == stored.name)
            }
        }
        let xml = MoodleXML.write(bank.map { BankInterchange.interchange($0) })
        try same(MoodleXML.read(Array(xml.utf8)).questions, bank)
        let gift = GIFT.write(bank.map { BankInterchange.interchange($0) })
        #expect(gift.skipped.map(\.name) == ["Order"])
        // GIFT has no points: every question comes back worth 1.
        let onePoint = bank.filter { $0.question.kind != .ordering }.map { stored in
            var question = stored.question
            if question.kind != .description { question.points = 1 }
            return BankQuestion(id: stored.id, category: stored.category, name: stored.name, question: question, version: stored.version)
        }
        try same(GIFT.read(gift.text).questions, onePoint)
    }

    @Test func anImageTheFileDoesNotCarryIsRefusedAndStoredImagesGoOutAsHTML() throws {
        let elsewhere = InterchangeQuestion(text: #"<p>Look: <img src="https://example.org/a.png"></p>"#, format: .html, kind: .essay, line: 7)
        guard case .failure(let problem) = BankInterchange.question(from: elsewhere, language: "ar") else { Issue.record("imported"); return }
        #expect(problem.line == 7 && problem.reason.contains("image"))
        let huge = InterchangeQuestion(text: String(repeating: "<script>", count: 10_000), format: .html, kind: .essay, line: 9)
        guard case .failure(let tooLong) = BankInterchange.question(from: huge, language: "ar") else { Issue.record("imported"); return }
        #expect(tooLong.reason == "holds a text longer than 65536 bytes")

        let image = QuestionImage(name: "alif.png", sha256: String(repeating: "a", count: 64), mediaType: "image/png", size: 3)
        var question = QuizQuestion(
            id: "", kind: .singleChoice, points: 1,
            translations: ["ar": QuestionText(prompt: "أ < ب & ج\nسطر", options: [QuizOption(id: "a", text: "<أ>"), QuizOption(id: "b", text: "ب")])],
            answer: QuestionAnswer(optionId: "a")
        )
        question.images = [image]
        let stored = BankQuestion(id: UUID(), category: "", name: "n", question: question, version: 1)
        let written = BankInterchange.interchange(stored, images: [image.sha256: [1, 2, 3]])
        #expect(written.format == .html && written.files == [.init(name: "alif.png", data: [1, 2, 3])])
        #expect(written.text == #"أ &lt; ب &amp; ج<br>سطر<p><img src="@@PLUGINFILE@@/alif.png" alt=""></p>"#)
        let back = try BankInterchange.question(from: MoodleXML.read(Array(MoodleXML.write([written]).utf8)).questions[0], language: "ar").get()
        var expected = question
        expected.images = nil
        #expect(back.question == expected && back.files.map(\.data) == [[1, 2, 3]])
        #expect(BankInterchange.interchange(stored).format == .plain && BankInterchange.interchange(stored).files.isEmpty)
    }

    @Test func htmlBecomesPlainText() {
        #expect(HTMLText.plain("<p>One &amp; <b>two</b></p><p>three&#x21;<br/>four&nbsp;&#1575;</p><script>x()</script>") == "One & two\n\nthree!\nfour ا")
        #expect(HTMLText.plain("<ul><li>a</li><li>b</li></ul>") == "• a\n\n• b")
        #expect(HTMLText.plain("no markup\nkept") == "no markup\nkept")
        // Unclosed comments and scripts hide the rest; a lone `<` is text; a block's own line breaks are spaces.
        #expect(HTMLText.plain("a<!-- b <!-- c") == "a" && HTMLText.plain("a<script>b<script>c") == "a")
        #expect(HTMLText.plain("1 < 2 &amp;\n3") == "1 < 2 & 3" && HTMLText.plain("<P>x</P><STYLE>p{}</STYLE>y") == "x\n\ny")
        // Multilang blocks end at the first closing after their opening; unclosed ones are text.
        let unclosed = #"<span lang="en" class="multilang">b<span lang="fr" class="multilang">c"#
        #expect(Multilang.translations(of: #"<span lang="ar" class="multilang">أ</span>"# + unclosed, fallback: "ar") == ["ar": "أ" + unclosed])
        #expect(Multilang.translations(of: "{mlang ar}أ{mlang}{mlang en}b", fallback: "ar") == ["ar": "أ{mlang en}b"])
    }
}
