import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import AcademyWeb

@Suite struct QuizEditorPagesTests {
    let english: HTTPFields = [.acceptLanguage: "en"]

    /// The quiz form's fields for a quiz in Arabic and English with one question of each kind.
    static func fiveKinds(module: String, csrf: String) -> [(String, String)] {
        var fields: [(String, String)] = [
            ("csrf", csrf), ("module_id", module), ("pass_percent", "٦٠"), ("time_limit_minutes", "1.5"), ("grace_seconds", "30"),
            ("max_attempts", "2"), ("grading", "latest"), ("review", "after_close"), ("required", "on"), ("shuffle_options", "on"),
            ("closes_at", "2027-06-01T18:00"), ("title-ar", "اختبار الحروف"), ("title-en", "Letters quiz"), ("body-en", "Answer every question."),
            ("question_count", "5"),
        ]
        // Single choice: options a–b filled, c–d left empty.
        fields += [
            ("q0-id", "q1"), ("q0-kind", "single_choice"), ("q0-points", "2"),
            ("q0-prompt-ar", "ما أول حرف؟"), ("q0-prompt-en", "Which letter is first?"), ("q0-feedback-en", "Alif comes first"),
            ("q0-option-count", "4"), ("q0-o0-id", "a"), ("q0-o0-ar", "ب"), ("q0-o0-en", "Ba"), ("q0-o1-id", "b"), ("q0-o1-ar", "أ"), ("q0-o1-en", "Alif"),
            ("q0-o2-id", "c"), ("q0-o3-id", "d"), ("q0-correct", "b"),
        ]
        fields += [
            ("q1-id", "q2"), ("q1-kind", "multiple_choice"), ("q1-points", "1"), ("q1-partial", "on"),
            ("q1-prompt-ar", "أي الحروف تتصل؟"), ("q1-prompt-en", "Which letters join?"),
            ("q1-option-count", "3"), ("q1-o0-id", "a"), ("q1-o0-ar", "ب"), ("q1-o0-en", "Ba"), ("q1-o1-id", "b"), ("q1-o1-ar", "د"), ("q1-o1-en", "Dal"),
            ("q1-o2-id", "c"), ("q1-o2-ar", "ت"), ("q1-o2-en", "Ta"), ("q1-correct", "a"), ("q1-correct", "c"),
        ]
        fields += [
            ("q2-id", "q3"), ("q2-kind", "true_false"), ("q2-points", "1"), ("q2-prompt-ar", "العربية تُكتب من اليمين"),
            ("q2-prompt-en", "Arabic is written from the right"), ("q2-truth", "true"), ("q2-option-count", "0"),
        ]
        fields += [
            ("q3-id", "q4"), ("q3-kind", "short_text"), ("q3-points", "1"), ("q3-prompt-ar", "اكتب: كتب"), ("q3-prompt-en", "Write: kataba"),
            ("q3-accepted", "كتب\r\nكَتَبَ\r\n"), ("q3-arabic", "on"), ("q3-option-count", "0"),
        ]
        fields += [
            ("q4-id", "q5"), ("q4-kind", "numeric"), ("q4-points", "1"), ("q4-prompt-ar", "كم حرفًا؟"), ("q4-prompt-en", "How many letters?"),
            ("q4-number", "٢٨"), ("q4-tolerance", "0"), ("q4-option-count", "0"),
        ]
        return fields
    }

    @Test func instructorsWriteQuizzesOfEveryKindInOneForm() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            let token = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: token, publish: true)
            let course = try #require(try await dependencies.courses.find(.slug("arabic-script"), for: nil)).course
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")

            let blank = try await teacher.get("/teach/arabic-script/quizzes/new?module=\(module)", headers: english)
            #expect(blank.status == .ok)
            #expect(blank.text.components(separatedBy: #"<fieldset class="quiz-question">"#).count == 2)
            // "Add a question" returns the form with one more, keeping what was typed, storing nothing.
            var fields = Self.fiveKinds(module: module, csrf: teacher.csrf)
            let added = try await teacher.post("/teach/arabic-script/quizzes/new", fields: fields + [("intent", "add")], headers: english)
            #expect(added.status == .ok)
            #expect(added.text.components(separatedBy: #"<fieldset class="quiz-question">"#).count == 7)
            #expect(added.text.contains(#"name="q5-id" value="q6""#) && added.text.contains("Which letters join?"))
            #expect(try await dependencies.quizzes.quizzes(of: course.id).isEmpty)

            // What the form or the rules refuse is said per question; nothing is stored.
            var twoTicked = fields
            twoTicked.append(("q0-correct", "a"))
            let refused = try await teacher.post("/teach/arabic-script/quizzes/new", fields: twoTicked + [("intent", "save")], headers: english)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("<code>questions.0.answer.option_id</code> must be one option"))
            let noAnswer = fields.filter { $0.0 != "q4-number" && $0.0 != "pass_percent" }
            let incomplete = try await teacher.post("/teach/arabic-script/quizzes/new", fields: noAnswer + [("intent", "save")], headers: english)
            #expect(incomplete.status == .unprocessableContent && incomplete.text.contains("<code>pass_percent</code> is required"))
            #expect(try await dependencies.quizzes.quizzes(of: course.id).isEmpty)

            let saved = try await teacher.post("/teach/arabic-script/quizzes/new", fields: fields + [("intent", "save")], headers: english)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let quiz = try #require(try await dependencies.quizzes.quizzes(of: course.id).first)
            #expect(saved.headers[.location] == "/teach/quizzes/\(quiz.id.apiString)?saved=1")
            let settings = quiz.settings
            #expect(settings.passPercent == 60 && settings.timeLimitSeconds == 90 && settings.maxAttempts == 2)
            #expect(settings.grading == .latest && settings.review == .afterClose && settings.required && settings.shuffleOptions && !settings.shuffleQuestions)
            #expect(settings.closesAt == ISO8601DateFormatter().date(from: "2027-06-01T18:00:00Z"))
            #expect(quiz.content.translations["en"] == QuizContent.Text(title: "Letters quiz", instructions: "Answer every question."))
            let questions = quiz.content.questions
            #expect(questions.map(\.kind) == [.singleChoice, .multipleChoice, .trueFalse, .shortText, .numeric])
            #expect(questions[0].answer.optionId == "b" && questions[0].optionIDs == ["a", "b"] && questions[0].points == 2)
            #expect(questions[0].translations["en"]?.feedback == "Alif comes first" && questions[0].translations["ar"]?.options?[1].text == "أ")
            #expect(questions[1].answer.optionIds == ["a", "c"] && questions[1].partialCredit == true)
            #expect(questions[2].answer.value == .bool(true))
            #expect(questions[3].answer.accepted == ["كتب", "كَتَبَ"] && questions[3].answer.normalize == .arabic && questions[3].answer.caseSensitive == false)
            #expect(questions[4].answer.value == .number(28) && questions[4].answer.tolerance == 0)

            // The stored quiz comes back as the form that made it; a save is a new version.
            let editing = try await teacher.get("/teach/quizzes/\(quiz.id.apiString)?saved=1", headers: english)
            #expect(editing.text.contains("Saved.") && editing.text.contains(#"name="q1-o2-en" lang="en" dir="ltr" type="text" maxlength="1000" value="Ta""#))
            #expect(editing.text.contains(#"name="time_limit_minutes" type="text" inputmode="decimal" maxlength="8" value="1.5""#))
            fields = Self.fiveKinds(module: module, csrf: teacher.csrf).map { $0.0 == "q0-points" ? ($0.0, "3") : $0 } + [("q4-remove", "on"), ("intent", "save")]
            let edited = try await teacher.post("/teach/quizzes/\(quiz.id.apiString)", fields: fields, headers: english)
            #expect(edited.status == .seeOther, "\(edited.text)")
            let stored = try #require(try await dependencies.quizzes.find(quiz.id))
            #expect(stored.version == quiz.version + 1 && stored.content.questions.count == 4 && stored.content.questions[0].points == 3)

            // Accommodations for one enrolled student, by email.
            var student = TestBrowser(client)
            try await student.signUp("amina@example.org")
            try await student.get("/courses/arabic-script")
            #expect(try await student.post("/courses/arabic-script/enrol", form: ["csrf": student.csrf]).status == .seeOther)
            #expect(try await student.get("/teach/quizzes/\(quiz.id.apiString)").status == .forbidden)
            try await teacher.get("/teach/quizzes/\(quiz.id.apiString)", headers: english)
            let stranger = try await teacher.post("/teach/quizzes/\(quiz.id.apiString)/overrides", form: [
                "csrf": teacher.csrf, "email": "nobody@example.org", "time_limit_minutes": "3",
            ], headers: english)
            #expect(stranger.status == .unprocessableContent && stranger.text.contains("<code>email</code> is not the email of a student enrolled"))
            let granted = try await teacher.post("/teach/quizzes/\(quiz.id.apiString)/overrides", form: [
                "csrf": teacher.csrf, "email": "amina@example.org", "time_limit_minutes": "3", "max_attempts": "4",
            ], headers: english)
            #expect(granted.status == .seeOther)
            let overrides = try await dependencies.quizzes.overrides(quizID: quiz.id)
            #expect(overrides.count == 1 && overrides[0].email == "amina@example.org")
            #expect(overrides[0].override == QuizOverride(timeLimitSeconds: 180, maxAttempts: 4, closesAt: nil))
            let listed = try await teacher.get("/teach/quizzes/\(quiz.id.apiString)", headers: english)
            #expect(listed.text.contains("amina@example.org"))
            let removed = try await teacher.post("/teach/quizzes/\(quiz.id.apiString)/overrides/\(overrides[0].userID.apiString)/delete", form: ["csrf": teacher.csrf])
            #expect(removed.status == .seeOther)
            #expect(try await dependencies.quizzes.overrides(quizID: quiz.id).isEmpty)

            #expect(try await teacher.post("/teach/quizzes/\(quiz.id.apiString)/delete", form: ["csrf": teacher.csrf]).status == .unprocessableContent)
            #expect(try await dependencies.quizzes.find(quiz.id) != nil)
            #expect(try await teacher.post("/teach/quizzes/\(quiz.id.apiString)/delete", form: ["csrf": teacher.csrf, "confirm": "on"]).status == .seeOther)
            #expect(try await dependencies.quizzes.find(quiz.id) == nil)
        }
    }

    @Test func creditsAndPartlyRightAnswersGoThroughTheForm() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            let (module, _) = try await client.makeCourse(token: try await client.login("teacher@example.org"))
            let course = try #require(try await dependencies.courses.find(.slug("arabic-script"), for: nil)).course
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            try await teacher.get("/teach/arabic-script/quizzes/new?module=\(module)")
            var fields = Self.fiveKinds(module: module, csrf: teacher.csrf)
            fields += [("q1-o0-credit", "50"), ("q1-o1-credit", "-100%"), ("q1-o2-credit", "50")]
            fields += [("q3-partially-accepted", "50% كت*\n25% ك*"), ("q4-partial-values", "50% 27:1\n")]
            let saved = try await teacher.post("/teach/arabic-script/quizzes/new", fields: fields + [("intent", "save")], headers: english)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let quiz = try #require(try await dependencies.quizzes.quizzes(of: course.id).first)
            let answers = quiz.content.questions.map(\.answer)
            #expect(answers[1].weights == [.init(optionId: "a", credit: 0.5), .init(optionId: "b", credit: -1), .init(optionId: "c", credit: 0.5)])
            #expect(answers[3].partiallyAccepted == [.init(text: "كت*", credit: 0.5), .init(text: "ك*", credit: 0.25)])
            #expect(answers[4].partialValues == [.init(value: 27, tolerance: 1, credit: 0.5)])
            #expect(answers[0].weights == nil)

            let editing = try await teacher.get("/teach/quizzes/\(quiz.id.apiString)", headers: english)
            #expect(editing.text.contains(#"name="q1-o1-credit" type="text" inputmode="decimal" size="5" maxlength="12" value="-100""#))
            #expect(editing.text.contains("50% كت*\n25% ك*</textarea>") && editing.text.contains("50% 27:1</textarea>"))

            // Credits that do not add up are the rules' to refuse, beside the question.
            try await teacher.get("/teach/quizzes/\(quiz.id.apiString)")
            let uneven = Self.fiveKinds(module: module, csrf: teacher.csrf) + [("q1-o0-credit", "50"), ("q1-o2-credit", "20"), ("intent", "save")]
            let refused = try await teacher.post("/teach/quizzes/\(quiz.id.apiString)", fields: uneven, headers: english)
            #expect(refused.status == .unprocessableContent && refused.text.contains("<code>questions.1.answer.weights</code> must have positive credits adding up to 1"))
            let lines = Self.fiveKinds(module: module, csrf: teacher.csrf) + [("q3-partially-accepted", "half كت*"), ("intent", "save")]
            let unreadable = try await teacher.post("/teach/quizzes/\(quiz.id.apiString)", fields: lines, headers: english)
            #expect(unreadable.status == .unprocessableContent && unreadable.text.contains("<code>questions.3.answer.partially_accepted</code>"))
        }
    }

    @Test func orderingAndDescriptionQuestionsAreWrittenAndTakenInThePages() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            let (module, _) = try await client.makeCourse(token: try await client.login("teacher@example.org"), publish: true)
            let course = try #require(try await dependencies.courses.find(.slug("arabic-script"), for: nil)).course
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            try await teacher.get("/teach/arabic-script/quizzes/new?module=\(module)")
            let fields: [(String, String)] = [
                ("csrf", teacher.csrf), ("module_id", module), ("pass_percent", "50"), ("grading", "highest"), ("review", "after_submit"),
                ("grace_seconds", "30"), ("title-ar", "ترتيب"), ("question_count", "2"),
                ("q0-id", "intro"), ("q0-kind", "description"), ("q0-points", "1"), ("q0-prompt-ar", "اقرأ ثم أجب"), ("q0-option-count", "0"),
                ("q1-id", "order"), ("q1-kind", "ordering"), ("q1-points", "3"), ("q1-partial", "on"), ("q1-prompt-ar", "رتّب"), ("q1-option-count", "4"),
                ("q1-o0-id", "a"), ("q1-o0-ar", "ا"), ("q1-o1-id", "b"), ("q1-o1-ar", "ب"), ("q1-o2-id", "c"), ("q1-o2-ar", "ت"), ("q1-o3-id", "d"),
                ("intent", "save"),
            ]
            let saved = try await teacher.post("/teach/arabic-script/quizzes/new", fields: fields)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let quiz = try #require(try await dependencies.quizzes.quizzes(of: course.id).first)
            #expect(quiz.content.questions.map(\.kind) == [.description, .ordering])
            #expect(quiz.content.questions[0].points == 0 && quiz.content.questions[1].answer.optionIds == ["a", "b", "c"])

            var student = TestBrowser(client)
            try await student.signUp("amina@example.org")
            try await student.get("/courses/arabic-script")
            #expect(try await student.post("/courses/arabic-script/enrol", form: ["csrf": student.csrf]).status == .seeOther)
            try await student.get("/quizzes/\(quiz.id.apiString)")
            let started = try await student.post("/quizzes/\(quiz.id.apiString)/start", form: ["csrf": student.csrf])
            let attemptPath = try #require(started.headers[.location])
            let page = try await student.get(attemptPath, headers: english)
            #expect(page.text.contains(#"<select name="q-order-a""#) && page.text.contains("Number each item by its place"))
            #expect(!page.text.contains(#"name="q-intro""#) && page.text.contains(#"<li class="text-only">"#))
            // Without script: the form posts each item's place; a place used twice is not an order.
            let attempt = String(attemptPath.split(separator: "/").last ?? "").split(separator: "?").first.map(String.init) ?? ""
            let twice = try await student.post("/attempts/\(attempt)", fields: [("csrf", student.csrf), ("q-order-a", "1"), ("q-order-b", "1"), ("q-order-c", "2"), ("action", "save")], headers: english)
            #expect(twice.status == .unprocessableContent && twice.text.contains("Give each item a different place"))
            try await student.get(attemptPath)
            let placed = try await student.post("/attempts/\(attempt)", fields: [("csrf", student.csrf), ("q-order-a", "1"), ("q-order-b", "3"), ("q-order-c", "2"), ("action", "submit")])
            #expect(placed.status == .seeOther, "\(placed.text)")
            let attempts = try await dependencies.attempts.attempts(of: quiz.id, page: PageRequest(limitParameter: nil, cursorParameter: nil))
            #expect(attempts.items.first?.result?.score == 1 && attempts.items.first?.result?.maxScore == 3)
        }
    }

    @Test func matchingQuestionsAreWrittenRowByRowAndTakenInThePages() async throws {
        try await TestApp.withApp { client, dependencies in
            try await dependencies.makeUser("teacher@example.org", role: .instructor, name: "Teacher")
            let (module, _) = try await client.makeCourse(token: try await client.login("teacher@example.org"), publish: true)
            let course = try #require(try await dependencies.courses.find(.slug("arabic-script"), for: nil)).course
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            try await teacher.get("/teach/arabic-script/quizzes/new?module=\(module)")
            // Two pairs and a misleading match alone in its row.
            let fields: [(String, String)] = [
                ("csrf", teacher.csrf), ("module_id", module), ("pass_percent", "50"), ("grading", "highest"), ("review", "after_submit"),
                ("grace_seconds", "30"), ("title-ar", "مطابقة"), ("question_count", "1"),
                ("q0-id", "names"), ("q0-kind", "matching"), ("q0-points", "2"), ("q0-prompt-ar", "طابق"), ("q0-option-count", "4"),
                ("q0-o0-id", "a"), ("q0-o0-ar", "ا"), ("q0-o0-match-ar", "ألف"), ("q0-o1-id", "b"), ("q0-o1-ar", "ب"), ("q0-o1-match-ar", "باء"),
                ("q0-o2-id", "c"), ("q0-o2-match-ar", "تاء"), ("q0-o3-id", "d"), ("intent", "save"),
            ]
            let saved = try await teacher.post("/teach/arabic-script/quizzes/new", fields: fields)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let quiz = try #require(try await dependencies.quizzes.quizzes(of: course.id).first)
            let question = try #require(quiz.content.questions.first)
            #expect(question.optionIDs == ["a", "b"] && question.matchIDs == ["ma", "mb", "mc"])
            #expect(question.answer.pairs == [.init(optionId: "a", matchId: "ma"), .init(optionId: "b", matchId: "mb")])
            // The editor shows it back with the misleading match in a row of its own.
            let editing = try await teacher.get("/teach/quizzes/\(quiz.id.apiString)")
            #expect(editing.text.contains(#"name="q0-o2-match-ar" lang="ar" dir="rtl" type="text" maxlength="1000" value="تاء""#))

            var student = TestBrowser(client)
            try await student.signUp("amina@example.org")
            try await student.get("/courses/arabic-script")
            #expect(try await student.post("/courses/arabic-script/enrol", form: ["csrf": student.csrf]).status == .seeOther)
            try await student.get("/quizzes/\(quiz.id.apiString)")
            let attemptPath = try #require(try await student.post("/quizzes/\(quiz.id.apiString)/start", form: ["csrf": student.csrf]).headers[.location])
            let page = try await student.get(attemptPath)
            #expect(page.text.contains(#"<select name="q-names-a""#) && page.text.contains(#"<option value="mc">تاء</option>"#))
            let attempt = String(attemptPath.split(separator: "/").last ?? "")
            let answered = try await student.post("/attempts/\(attempt)", fields: [("csrf", student.csrf), ("q-names-a", "ma"), ("q-names-b", "mc"), ("action", "submit")])
            #expect(answered.status == .seeOther, "\(answered.text)")
            let attempts = try await dependencies.attempts.attempts(of: quiz.id, page: PageRequest(limitParameter: nil, cursorParameter: nil))
            #expect(attempts.items.first?.result?.score == 1)
        }
    }
}
