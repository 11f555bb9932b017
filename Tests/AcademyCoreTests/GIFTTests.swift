import AcademyCore
import Testing

@Suite struct GIFTTests {
    /// Every construct of Moodle's GIFT documentation, in its examples' shape, with Arabic.
    static let file = ##"""
    // Questions in the shape of the GIFT documentation's examples.
    $CATEGORY: $course$/top/History/Grant

    ::Grant::Who's buried in Grant's tomb?{~Grant ~Jefferson =no one#Right: nobody is buried there}

    Grant is {~buried =entombed ~living} in Grant's tomb.

    The American holiday of Thanksgiving is celebrated on the {
        ~second
        ~third
        =fourth
    } Thursday of November.

    ::TF::Grant is buried in Grant's tomb.{FALSE#He is entombed, not buried.#Right.}

    Two plus two equals {=four =%50%4}.

    ::Born::When was Ulysses S. Grant born?{#1822:5}

    What is the value of pi (to 3 decimal places)?{#3.141..3.142}

    When was Ulysses S. Grant born? {#
        =1822:0      # Correct! Full credit.
        =%50%1822:2  # Born in 1822. Half credit for being close.
    }

    Match the following countries with their corresponding capitals. {
        =Canada -> Ottawa
        =Italy  -> Rome
        =Japan  -> Tokyo
        ####It's good to know the capitals.
    }

    What two people are entombed in Grant's tomb? {
       ~%-100%No one
       ~%50%Grant
       ~%50%Grant's wife
       ~%-33.33333%Grant's father
    }

    ::Essay::Write a short biography of Dag Hammarskjöld. {}

    ::Intro::[html]<p>The next questions are about <b>Arabic</b>.</p>

    $CATEGORY: $course$/top/العربية/الحروف

    ::حرف::[markdown]ما **أول** حرف في الأبجدية؟{=الألف#أحسنت ~الباء#لا، الباء ثانية ~التاء}

    كم عدد حروف العربية؟ {#28}

    ::Escapes::Is 1 \= 1 \{really\}\: a\~b\\c?\nSay so.{=yes \# sure ~no}

    ::Broken::This question never closes {~a =b

    ::Bad number::How many? {#twelve}

    ::Lonely pair::Match this. {=only -> one}
    """##

    static func read() -> (questions: [InterchangeQuestion], problems: [InterchangeProblem]) {
        GIFT.read(file)
    }

    @Test func readsEveryKindWithItsWeightsFeedbackAndCategory() throws {
        let (questions, _) = Self.read()
        #expect(questions.count == 15)
        let grant = questions[0]
        #expect(grant.category == ["History", "Grant"] && grant.name == "Grant" && grant.kind == .multipleChoice && grant.singleAnswer)
        #expect(grant.text == "Who's buried in Grant's tomb?")
        #expect(grant.answers == [
            .init(text: "Grant", fraction: 0), .init(text: "Jefferson", fraction: 0),
            .init(text: "no one", fraction: 1, feedback: "Right: nobody is buried there"),
        ])
        #expect(grant.line == 4)

        // A missing word: the blank stands where the answers were.
        #expect(questions[1].text == "Grant is _____ in Grant's tomb." && questions[1].answers[1] == .init(text: "entombed", fraction: 1))
        #expect(questions[2].text == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.")
        #expect(questions[2].answers.map(\.text) == ["second", "third", "fourth"])

        let trueFalse = questions[3]
        #expect(trueFalse.kind == .trueFalse)
        #expect(trueFalse.answers == [
            .init(text: "true", fraction: 0, feedback: "He is entombed, not buried."), .init(text: "false", fraction: 1, feedback: "Right."),
        ])

        #expect(questions[4].kind == .shortAnswer && questions[4].answers == [.init(text: "four", fraction: 1), .init(text: "4", fraction: 0.5)])

        #expect(questions[5].kind == .numerical && questions[5].answers == [.init(text: "1822", fraction: 1, tolerance: 5)])
        let pi = try #require(questions[6].answers.first)
        #expect(pi.text == "3.1415" && abs((pi.tolerance ?? 0) - 0.0005) < 1e-12)
        #expect(questions[7].answers == [
            .init(text: "1822", fraction: 1, feedback: "Correct! Full credit.", tolerance: 0),
            .init(text: "1822", fraction: 0.5, feedback: "Born in 1822. Half credit for being close.", tolerance: 2),
        ])

        let matching = questions[8]
        #expect(matching.kind == .matching && matching.generalFeedback == "It's good to know the capitals.")
        #expect(matching.pairs == [.init(premise: "Canada", match: "Ottawa"), .init(premise: "Italy", match: "Rome"), .init(premise: "Japan", match: "Tokyo")])

        let weighted = questions[9]
        #expect(weighted.kind == .multipleChoice && !weighted.singleAnswer)
        #expect(weighted.answers.map(\.fraction) == [-1, 0.5, 0.5, -0.3333333])

        #expect(questions[10].kind == .essay && questions[10].text == "Write a short biography of Dag Hammarskjöld.")
        #expect(questions[11].kind == .description && questions[11].format == .html && questions[11].text == "<p>The next questions are about <b>Arabic</b>.</p>")

        let arabic = questions[12]
        #expect(arabic.category == ["العربية", "الحروف"] && arabic.name == "حرف" && arabic.format == .markdown)
        #expect(arabic.text == "ما **أول** حرف في الأبجدية؟")
        #expect(arabic.answers == [
            .init(text: "الألف", fraction: 1, feedback: "أحسنت"), .init(text: "الباء", fraction: 0, feedback: "لا، الباء ثانية"),
            .init(text: "التاء", fraction: 0),
        ])
        #expect(questions[13].kind == .numerical && questions[13].answers.first?.text == "28")
    }

    @Test func escapesAreTheCharactersThemselves() {
        let (questions, _) = GIFT.read(##"::Esc\:aped::Is 1 \= 1 \{really\}\: a\~b\\c?\nSay so.{=yes \# sure ~no}"##)
        #expect(questions.count == 1)
        #expect(questions.first?.name == "Esc:aped")
        #expect(questions.first?.text == "Is 1 = 1 {really}: a~b\\c?\nSay so.")
        #expect(questions.first?.answers.first == .init(text: "yes # sure", fraction: 1))
    }

    @Test func problemsNameTheirLineAndQuestionAndTheRestIsRead() {
        let (questions, problems) = Self.read()
        #expect(problems.map(\.name) == ["Broken", "Bad number", "Lonely pair"])
        let broken = problems.first { $0.name == "Broken" }
        #expect(broken?.reason == "the answers' { has no closing }")
        let lines = Self.read().problems.map(\.line)
        #expect(lines == lines.sorted() && !lines.isEmpty)
        #expect(problems.first { $0.name == "Bad number" }?.reason == "twelve is not a number")
        #expect(problems.first { $0.name == "Lonely pair" }?.reason == "a matching question needs two pairs or more")
        #expect(questions.count == 15)
        #expect(GIFT.read("A question {=a ~b").problems.first?.line == 1)
        #expect(GIFT.read("\n\n// comment\nFirst {T}\n\nSecond {~a}").problems == [InterchangeProblem(line: 6, name: "Second", reason: "a multiple-choice question needs two answers or more")])
    }

    @Test func whatIsWrittenReadsBackTheSame() {
        let (questions, _) = Self.read()
        let (text, skipped) = GIFT.write(questions)
        #expect(skipped.isEmpty)
        let again = GIFT.read(text)
        #expect(again.problems.isEmpty, "\(again.problems)\n\(text)")
        func placeless(_ questions: [InterchangeQuestion]) -> [InterchangeQuestion] {
            questions.map { var question = $0; question.line = 0; return question }
        }
        #expect(placeless(again.questions) == placeless(questions), "\(text)")
        #expect(text.contains("$CATEGORY: History/Grant") && text.contains("$CATEGORY: العربية/الحروف"))
    }

    @Test func orderingHasNoGIFTFormAndIsSaidSo() {
        let ordering = InterchangeQuestion(name: "Order", text: "Put in order", kind: .ordering, answers: [.init(text: "a", fraction: 1)])
        let (text, skipped) = GIFT.write([ordering])
        #expect(text.isEmpty && skipped.first?.name == "Order")
    }
}
