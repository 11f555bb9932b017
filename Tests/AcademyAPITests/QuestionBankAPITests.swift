import AcademyAPI
import AcademyContent
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
@testable import AcademyWeb

extension TestClientProtocol {
    /// A request whose body is `body` as it is, of `contentType`.
    func send(_ method: HTTPRequest.Method, _ uri: String, body: [UInt8], contentType: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body))
    }
}

/// A course's bank through the API: files in and out, questions by category, and quizzes that
/// take bank questions and draw from categories, end to end.
@Suite struct QuestionBankAPITests {
    static let gift = """
    // A bank in GIFT, Arabic first.
    $CATEGORY: $course$/top/الحروف/الأشكال

    ::الأول::ما أول حرف في الأبجدية؟{=الألف#أحسنت ~الباء#الباء ثانية ~التاء}

    ::العدد::كم عدد حروف الأبجدية؟{#28}

    ::الاتجاه::العربية تكتب من اليمين إلى اليسار.{T}

    ::كتب::اكتب فعل الكتابة بالماضي.{=كتب =%50%كتبت}

    $CATEGORY: $course$/top/الكتابة

    ::مقال::صف شكل حرف الباء.{}

    ::مكسور::سؤال بلا نهاية {=أ ~ب
    """

    static let base = "/api/v1/courses/arabic-script/question-bank"

    @Test func aFileIsImportedWholeOrWithItsProblemsReportedByLine() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let file = Array(Self.gift.utf8)
            let refused = try await client.send(.post, "\(Self.base)/import", body: file, contentType: "text/plain; charset=utf-8", token: scene.teacher)
            #expect(refused.status == .unprocessableContent)
            let errors = try #require(refused.json["errors"] as? [[String: Any]])
            #expect(errors.count == 1 && errors[0]["field"] as? String == "line 16" && (errors[0]["message"] as? String)?.contains("مكسور") == true)
            #expect((try await client.send(.get, "\(Self.base)/questions", token: scene.teacher).json["items"] as? [Any])?.isEmpty == true)

            let partial = try await client.send(.post, "\(Self.base)/import?partial=true", body: file, contentType: "text/plain", token: scene.teacher)
            #expect(partial.status == .created, "\(partial.text)")
            #expect(partial.json["imported"] as? Int == 5 && partial.json["categories"] as? Int == 3)
            let skipped = try #require(partial.json["skipped"] as? [[String: Any]])
            #expect(skipped.count == 1 && skipped[0]["line"] as? Int == 16 && skipped[0]["name"] as? String == "مكسور")

            let categories = try await client.send(.get, "\(Self.base)/categories", token: scene.teacher)
            let paths = (categories.json["items"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
            #expect(paths == ["الحروف", "الحروف/الأشكال", "الكتابة"])
            let shapes = try await client.send(.get, "\(Self.base)/questions?category=\("الحروف".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)", token: scene.teacher)
            let items = try #require(shapes.json["items"] as? [[String: Any]])
            #expect(items.map { $0["name"] as? String } == ["الأول", "العدد", "الاتجاه", "كتب"])
            let first = items[0]
            #expect(first["kind"] as? String == "single_choice" && first["category"] as? String == "الحروف/الأشكال" && first["version"] as? Int == 1)
            let text = try #require((first["translations"] as? [String: Any])?["ar"] as? [String: Any])
            #expect((text["answer_feedback"] as? [[String: Any]])?.first?["feedback"] as? String == "أحسنت")
            #expect(((first["answer"] as? [String: Any])?["option_id"] as? String) == "a")

            // Export, then import into another category: the same questions come back.
            let exported = try await client.send(.get, "\(Self.base)/export?format=moodle-xml", token: scene.teacher)
            #expect(exported.status == .ok && exported.headers[.contentType]?.hasPrefix("application/xml") == true)
            #expect(exported.text.contains("<question type=\"essay\">") && exported.text.contains("الحروف/الأشكال"))
            let again = try await client.send(.post, "\(Self.base)/import?category=copy", body: Array(exported.text.utf8), contentType: "application/xml", token: scene.teacher)
            #expect(again.status == .created && again.json["imported"] as? Int == 5, "\(again.text)")
            let all = try #require(try await client.send(.get, "\(Self.base)/questions?limit=200", token: scene.teacher).json["items"] as? [[String: Any]])
            #expect(all.count == 10)
            func comparable(_ item: [String: Any]) -> String {
                var copy = item
                copy["id"] = nil
                copy["category"] = (copy["category"] as? String).map { $0.hasPrefix("copy/") ? String($0.dropFirst(5)) : $0 }
                return String(decoding: try! JSONSerialization.data(withJSONObject: copy, options: .sortedKeys), as: UTF8.self)
            }
            #expect(all.prefix(5).map(comparable) == all.suffix(5).map(comparable))
            let gift = try await client.send(.get, "\(Self.base)/export?format=gift&category=copy", token: scene.teacher)
            #expect(gift.status == .ok && gift.text.contains("$CATEGORY: copy/الحروف/الأشكال") && !gift.text.contains("$CATEGORY: الكتابة"))

            // Bad input, cheaply refused.
            let latin1 = try await client.send(.post, "\(Self.base)/import", body: [0x3A, 0x3A, 0xE9, 0x3A, 0x3A, 0x7B, 0x7D], contentType: "text/plain", token: scene.teacher)
            #expect(latin1.status == .unprocessableContent && latin1.text.contains("UTF-8"))
            #expect(try await client.send(.post, "\(Self.base)/import", body: file, contentType: "application/pdf", token: scene.teacher).status == .unsupportedMediaType)
            #expect(try await client.send(.post, "\(Self.base)/import?partial=maybe", body: file, contentType: "text/plain", token: scene.teacher).status == .unprocessableContent)
            #expect(try await client.send(.get, "\(Self.base)/export?format=pdf", token: scene.teacher).status == .unprocessableContent)
            #expect(try await client.send(.post, "\(Self.base)/import?category=a//b", body: file, contentType: "text/plain", token: scene.teacher).status == .unprocessableContent)
            #expect(try await client.send(.post, "\(Self.base)/import", body: file, contentType: "text/plain", token: scene.amina).status == .forbidden)
            #expect(try await client.send(.get, "\(Self.base)/questions", token: scene.amina).status == .forbidden)
        }
    }

    @Test func questionsAreWrittenOneByOneAndEveryEditIsANewVersion() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let question: [String: Any] = [
                "category": "Grammar", "name": "plural", "kind": "short_text", "points": 2,
                "translations": ["ar": ["prompt": "ما جمع كتاب؟"]], "answer": ["accepted": ["كتب"], "normalize": "arabic"],
            ]
            let created = try await client.send(.post, "\(Self.base)/questions", json: question, token: scene.teacher)
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["version"] as? Int == 1 && created.json["category"] as? String == "Grammar")
            var broken = question
            broken["points"] = 0
            let refused = try await client.send(.post, "\(Self.base)/questions", json: broken, token: scene.teacher)
            #expect(refused.status == .unprocessableContent && refused.text.contains("\"field\":\"points\""))

            let patched = try await client.send(.patch, "\(Self.base)/questions/\(id)", json: ["points": 3], token: scene.teacher)
            #expect(patched.status == .ok && patched.json["version"] as? Int == 2 && patched.json["points"] as? Double == 3, "\(patched.text)")
            let same = try await client.send(.patch, "\(Self.base)/questions/\(id)", json: ["name": "الجمع"], token: scene.teacher)
            #expect(same.json["version"] as? Int == 2 && same.json["name"] as? String == "الجمع")

            // A category with a question in it stays; an empty one goes.
            let categories = try await client.send(.get, "\(Self.base)/categories", token: scene.teacher)
            let grammar = try #require((categories.json["items"] as? [[String: Any]])?.first { $0["path"] as? String == "Grammar" }?["id"] as? String)
            #expect(try await client.send(.delete, "\(Self.base)/categories/\(grammar)", token: scene.teacher).status == .conflict)
            let empty = try await client.send(.post, "\(Self.base)/categories", json: ["path": "Empty/Inner"], token: scene.teacher)
            #expect(empty.status == .created && empty.json["path"] as? String == "Empty/Inner")
            let inner = try #require(empty.json["id"] as? String)
            #expect(try await client.send(.delete, "\(Self.base)/categories/\(inner)", token: scene.teacher).status == .noContent)

            #expect(try await client.send(.delete, "\(Self.base)/questions/\(id)", token: scene.teacher).status == .noContent)
            #expect(try await client.send(.get, "\(Self.base)/questions/\(id)", token: scene.teacher).status == .notFound)
        }
    }

    @Test func aQuizDrawsFromACategoryAtEachStartAndABankEditNeverReachesAStartedAttempt() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let imported = try await client.send(.post, "\(Self.base)/import?partial=true", body: Array(Self.gift.utf8), contentType: "text/plain", token: scene.teacher)
            #expect(imported.status == .created)
            let bank = try #require(try await client.send(.get, "\(Self.base)/questions", token: scene.teacher).json["items"] as? [[String: Any]])
            let essay = try #require(bank.first { $0["kind"] as? String == "essay" }?["id"] as? String)
            let shapes = bank.filter { $0["category"] as? String == "الحروف/الأشكال" }.compactMap { $0["id"] as? String }

            var body: [String: Any] = [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "من البنك"]],
                "questions": [
                    ["id": "own", "kind": "true_false", "points": 1, "translations": ["ar": ["prompt": "سؤال خاص"]], "answer": ["value": true]],
                    ["from_category": "الحروف/الأشكال", "count": 5],
                    ["bank_question_id": essay],
                ],
            ]
            let tooMany = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: scene.teacher)
            #expect(tooMany.status == .unprocessableContent && tooMany.text.contains("questions.1.count"))
            body["questions"] = [
                ["id": "own", "kind": "true_false", "points": 1, "translations": ["ar": ["prompt": "سؤال خاص"]], "answer": ["value": true]],
                ["from_category": "الحروف/الأشكال", "count": 2],
                ["bank_question_id": essay],
            ]
            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: scene.teacher)
            #expect(created.status == .created, "\(created.text)")
            let quiz = try #require(created.json["id"] as? String)
            // Its author reads it as written.
            let written = try #require(created.json["questions"] as? [[String: Any]])
            #expect(written.count == 3 && written[1]["from_category"] as? String == "الحروف/الأشكال" && written[1]["count"] as? Int == 2)
            #expect(written[2]["bank_question_id"] as? String == essay)
            let shown = try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: scene.amina)
            #expect(shown.json["question_count"] as? Int == 4)

            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina)
            #expect(started.status == .created)
            let attempt = try #require(started.json["id"] as? String)
            let questions = try #require(started.json["questions"] as? [[String: Any]])
            let ids = questions.compactMap { $0["id"] as? String }
            #expect(ids.count == 4 && ids.first == "own" && ids.last == essay && Set(ids[1...2]).isSubset(of: Set(shapes)))
            #expect(!started.text.contains("answer_feedback") && !started.text.contains("أحسنت"))

            // The bank changes: the quiz gets a new version; the attempt keeps what it drew.
            let drawn = ids[1]
            let before = try #require(questions.first { $0["id"] as? String == drawn }?["prompt"] as? String)
            let edited = try await client.send(
                .patch, "\(Self.base)/questions/\(drawn)", json: ["translations": ["ar": ["prompt": "نص جديد"]]], token: scene.teacher
            )
            #expect(edited.status == .ok, "\(edited.text)")
            let authored = try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: scene.teacher)
            #expect(authored.json["version"] as? Int == 2)
            let seen = try await client.send(.get, "/api/v1/attempts/\(attempt)", token: scene.amina)
            #expect((seen.json["questions"] as? [[String: Any]])?.first { $0["id"] as? String == drawn }?["prompt"] as? String == before)

            // A change that would leave the draw short is refused whole.
            let shortOf = shapes.filter { $0 != drawn }
            #expect(try await client.send(.delete, "\(Self.base)/questions/\(shortOf[0])", token: scene.teacher).status == .noContent)
            #expect(try await client.send(.delete, "\(Self.base)/questions/\(shortOf[1])", token: scene.teacher).status == .noContent)
            let refused = try await client.send(.delete, "\(Self.base)/questions/\(drawn)", token: scene.teacher)
            #expect(refused.status == .conflict && refused.text.contains("من البنك"), "\(refused.text)")
            #expect(try await client.send(.delete, "\(Self.base)/questions/\(essay)", token: scene.teacher).status == .conflict)

            // The attempt is answered and graded as it started.
            for question in questions {
                let id = question["id"] as? String ?? ""
                let response: [String: Any] = switch question["kind"] as? String {
                case "true_false": ["value": true]
                case "numeric": ["value": 28]
                case "short_text", "essay": ["text": "كتب"]
                default: ["option_id": "a"]
                }
                let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/\(id)", json: ["response": response, "seq": 1], token: scene.amina)
                #expect(saved.status == .ok, "\(saved.text)")
            }
            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina)
            #expect(submitted.json["state"] as? String == "needs_grading")
            #expect((submitted.json["results"] as? [[String: Any]])?.count == 4)
        }
    }

    /// The quiz form shows bank questions and draws without editing them, keeps them on save,
    /// and adds a draw from the bank's categories, without script.
    @Test func theQuizFormKeepsBankQuestionsAndDrawsAndAddsDraws() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            _ = try await client.send(.post, "\(Self.base)/import?partial=true", body: Array(Self.gift.utf8), contentType: "text/plain", token: scene.teacher)
            let bank = try #require(try await client.send(.get, "\(Self.base)/questions", token: scene.teacher).json["items"] as? [[String: Any]])
            let essay = try #require(bank.first { $0["kind"] as? String == "essay" }?["id"] as? String)
            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "من البنك"]],
                "questions": [["from_category": "الحروف/الأشكال", "count": 2], ["bank_question_id": essay]],
            ], token: scene.teacher)
            let quiz = try #require(created.json["id"] as? String)

            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            let page = try await teacher.get("/teach/quizzes/\(quiz)", headers: [.acceptLanguage: "en"])
            #expect(page.status == .ok)
            #expect(page.text.contains(#"name="q0-from-category" value="الحروف/الأشكال""#) && page.text.contains(#"name="q0-count" type="text" inputmode="numeric" size="4" maxlength="4" value="2""#))
            #expect(page.text.contains(#"name="q1-bank-question" value="\#(essay)""#) && page.text.contains("صف شكل حرف الباء."))
            #expect(page.text.contains(#"<option value="الكتابة">الكتابة (1)</option>"#))

            let fields: [(String, String)] = [
                ("csrf", teacher.csrf), ("pass_percent", "50"), ("grace_seconds", "30"), ("grading", "highest"), ("review", "after_submit"),
                ("title-ar", "من البنك"), ("question_count", "2"),
                ("q0-from-category", "الحروف/الأشكال"), ("q0-count", "3"), ("q1-bank-question", essay), ("q1-bank-label", "x"),
            ]
            let withDraw = try await teacher.post("/teach/quizzes/\(quiz)", fields: fields + [("intent", "add-draw"), ("draw-category", "الكتابة"), ("draw-count", "1")])
            #expect(withDraw.status == .ok && withDraw.text.contains(#"name="q2-from-category" value="الكتابة""#))
            let saved = try await teacher.post("/teach/quizzes/\(quiz)", fields: fields + [("intent", "save")])
            #expect(saved.status == .seeOther, "\(saved.text)")
            let stored = try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: scene.teacher)
            let items = try #require(stored.json["questions"] as? [[String: Any]])
            #expect(items.count == 2 && items[0]["count"] as? Int == 3 && items[1]["bank_question_id"] as? String == essay)
            #expect(stored.json["version"] as? Int == 2)
        }
    }

    /// The bank's page: a file imported from a form (its token checked before the file), the
    /// problems said by line, the bank downloaded in both formats.
    @Test func instructorsImportAndDownloadTheBankInThePages() async throws {
        try await TestApp.withApp { client, app in
            _ = try await client.courseScene(app: app)
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            let empty = try await teacher.get("/teach/arabic-script/bank", headers: [.acceptLanguage: "en"])
            #expect(empty.status == .ok && empty.text.contains("The bank is empty"))
            let file = Array(Self.gift.utf8)
            let forged = try await teacher.postFiles("/teach/arabic-script/bank", [("letters.gift", file)], fields: [("csrf", "forged"), ("partial", "on")])
            #expect(forged.status == .forbidden)
            let refused = try await teacher.postFiles("/teach/arabic-script/bank", [("letters.gift", file)], fields: [("csrf", teacher.csrf)])
            #expect(refused.status == .unprocessableContent && refused.text.contains("<code>line 16</code>"))
            let partial = try await teacher.postFiles(
                "/teach/arabic-script/bank", [("letters.gift", file)], fields: [("csrf", teacher.csrf), ("category", "Imported"), ("partial", "on")]
            )
            #expect(partial.status == .ok && partial.text.contains("Questions imported: <bdi>5</bdi>") && partial.text.contains("“مكسور”"))
            #expect(partial.text.contains("Imported/الحروف/الأشكال") && partial.text.contains("صف شكل حرف الباء."))
            let csrf = teacher.csrf
            let xml = try await teacher.get("/teach/arabic-script/bank.xml")
            #expect(xml.status == .ok && xml.text.hasPrefix("<?xml") && xml.headers[.contentDisposition]?.contains("arabic-script-questions.xml") == true)
            let again = try await teacher.postFiles("/teach/arabic-script/bank", [("bank.xml", Array(xml.text.utf8))], fields: [("csrf", csrf), ("category", "Copy")])
            #expect(again.status == .ok && again.text.contains("Questions imported: <bdi>5</bdi>"))
            let gift = try await teacher.get("/teach/arabic-script/bank.gift")
            #expect(gift.status == .ok && gift.text.contains("$CATEGORY: Copy/Imported/الكتابة"))
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script/question-bank/categories", token: try await client.login("teacher@example.org")).text.contains("Copy/Imported"))
            var student = TestBrowser(client)
            try await student.signIn("amina@example.org")
            #expect(try await student.get("/teach/arabic-script/bank").status == .forbidden)

            // One question edited in the quiz form's fields: a new version; a bad one said beside it.
            let token = try await client.login("teacher@example.org")
            let stored = try #require((try await client.send(.get, "\(Self.base)/questions?category=Copy", token: token).json["items"] as? [[String: Any]])?.first)
            let id = try #require(stored["id"] as? String)
            let page = try await teacher.get("/teach/arabic-script/bank/questions/\(id)", headers: [.acceptLanguage: "en"])
            #expect(page.status == .ok && page.text.contains(#"name="q0-prompt-ar""#) && page.text.contains("ما أول حرف في الأبجدية؟"))
            #expect(!page.text.contains(#"name="q0-remove""#))
            let fields: [(String, String)] = [
                ("csrf", teacher.csrf), ("category", "Copy/Edited"), ("name", "الأول"), ("q0-id", id), ("q0-kind", "single_choice"), ("q0-points", "2"),
                ("q0-prompt-ar", "ما أول حرف؟"), ("q0-answer-feedback-ar", "a | أحسنت"), ("q0-option-count", "3"),
                ("q0-o0-id", "a"), ("q0-o0-ar", "الألف"), ("q0-o1-id", "b"), ("q0-o1-ar", "الباء"), ("q0-o2-id", "c"), ("q0-o2-ar", "التاء"), ("q0-correct", "a"),
            ]
            let badPoints = try await teacher.post("/teach/arabic-script/bank/questions/\(id)", fields: fields.map { $0.0 == "q0-points" ? ($0.0, "0") : $0 })
            #expect(badPoints.status == .unprocessableContent && badPoints.text.contains("<code>points</code>"))
            let saved = try await teacher.post("/teach/arabic-script/bank/questions/\(id)", fields: fields)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let edited = try await client.send(.get, "\(Self.base)/questions/\(id)", token: token)
            #expect(edited.json["version"] as? Int == 2 && edited.json["points"] as? Double == 2 && edited.json["category"] as? String == "Copy/Edited")
            // Added to a quiz from its page: the quiz's new version ends with it.
            let module = try #require((try await client.send(.get, "/api/v1/courses/arabic-script/modules", token: token).json["items"] as? [[String: Any]])?.first?["id"] as? String)
            let quiz = try #require(try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: [
                "module_id": module,
                "pass_percent": 50, "translations": ["ar": ["title": "تجميع"]],
                "questions": [["id": "own", "kind": "true_false", "points": 1, "translations": ["ar": ["prompt": "؟"]], "answer": ["value": true]]],
            ], token: token).json["id"] as? String)
            let withQuizzes = try await teacher.get("/teach/arabic-script/bank/questions/\(id)", headers: [.acceptLanguage: "en"])
            #expect(withQuizzes.text.contains(#"<option value="\#(quiz)">تجميع</option>"#))
            let added = try await teacher.post("/teach/arabic-script/bank/questions/\(id)/add-to-quiz", fields: [("csrf", teacher.csrf), ("quiz_id", quiz)])
            #expect(added.status == .seeOther && added.headers[.location]?.hasPrefix("/teach/quizzes/\(quiz)") == true)
            let items = try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: token)
            #expect((items.json["questions"] as? [[String: Any]])?.last?["bank_question_id"] as? String == id && items.json["version"] as? Int == 2)
            // Taken by a quiz, the question is not deleted.
            _ = try await teacher.get("/teach/arabic-script/bank/questions/\(id)")
            let refusedDelete = try await teacher.post("/teach/arabic-script/bank/questions/\(id)/delete", fields: [("csrf", teacher.csrf), ("confirm", "on")])
            #expect(refusedDelete.status == .unprocessableContent && refusedDelete.text.contains("تجميع"))
            #expect(try await client.send(.delete, "/api/v1/quizzes/\(quiz)", token: token).status == .noContent)

            let unconfirmed = try await teacher.post("/teach/arabic-script/bank/questions/\(id)/delete", fields: [("csrf", teacher.csrf)])
            #expect(unconfirmed.status == .unprocessableContent)
            let deleted = try await teacher.post("/teach/arabic-script/bank/questions/\(id)/delete", fields: [("csrf", teacher.csrf), ("confirm", "on")])
            #expect(deleted.status == .seeOther)
            #expect(try await client.send(.get, "\(Self.base)/questions/\(id)", token: token).status == .notFound)
        }
    }

    static let pngBase64 = "iVBORw0KGgoAAAANSUhEUgABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJic="

    /// A Moodle XML question with an embedded image: the image is stored, shown with the question
    /// to whoever may read the attempt (and nobody else), and goes out again as the file's own.
    @Test func embeddedImagesComeWithTheirQuestionsAndGoOutAgain() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            try await app.makeUser("bilal@example.org")
            let bilal = try await client.login("bilal@example.org")
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: bilal)
            let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <quiz>
              <question type="category"><category><text>$course$/top/Shapes</text></category></question>
              <question type="truefalse">
                <name><text>alif-shape</text></name>
                <questiontext format="html"><text><![CDATA[<p>هذا شكل الألف.</p><p><img src="@@PLUGINFILE@@/alif.png" alt="ا"></p>]]></text>
                  <file name="alif.png" path="/" encoding="base64">\(Self.pngBase64)</file></questiontext>
                <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
              </question>
              <question type="truefalse">
                <name><text>not-an-image</text></name>
                <questiontext format="html"><text><![CDATA[<p>?</p><img src="@@PLUGINFILE@@/a.png">]]></text>
                  <file name="a.png" path="/" encoding="base64">aGVsbG8=</file></questiontext>
                <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
              </question>
            </quiz>
            """
            let imported = try await client.send(.post, "\(Self.base)/import?partial=true", body: Array(xml.utf8), contentType: "application/xml", token: scene.teacher)
            #expect(imported.status == .created && imported.json["imported"] as? Int == 1, "\(imported.text)")
            #expect((imported.json["skipped"] as? [[String: Any]])?.first?["reason"] as? String == "embeds a.png, whose bytes are not image/png")
            let stored = try #require((try await client.send(.get, "\(Self.base)/questions", token: scene.teacher).json["items"] as? [[String: Any]])?.first)
            let id = try #require(stored["id"] as? String)
            let image = try #require((stored["images"] as? [[String: Any]])?.first)
            let sha256 = try #require(image["sha256"] as? String)
            #expect(image["name"] as? String == "alif.png" && image["media_type"] as? String == "image/png")
            #expect(((stored["translations"] as? [String: Any])?["ar"] as? [String: Any])?["prompt"] as? String == "هذا شكل الألف.")
            let fromBank = try await client.send(.get, "\(Self.base)/images/\(sha256)", token: scene.teacher)
            #expect(fromBank.status == .ok && fromBank.headers[.contentType] == "image/png" && Array(fromBank.body.readableBytesView) == Array(Data(base64Encoded: Self.pngBase64)!))
            #expect(try await client.send(.get, "\(Self.base)/images/\(sha256)", token: scene.amina).status == .forbidden)
            #expect(try await client.send(.get, "\(Self.base)/images/nothex", token: scene.teacher).status == .notFound)

            // Authors cannot give a question images of their own choosing.
            let forged = try await client.send(.post, "\(Self.base)/questions", json: [
                "kind": "true_false", "points": 1, "translations": ["ar": ["prompt": "؟"]], "answer": ["value": true],
                "images": [["name": "x.png", "sha256": sha256, "media_type": "image/png", "size": 10]],
            ], token: scene.teacher)
            #expect(forged.status == .unprocessableContent && forged.text.contains("images"))

            let quiz = try #require(try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "صور"]], "questions": [["bank_question_id": id]],
            ], token: scene.teacher).json["id"] as? String)
            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina)
            let attempt = try #require(started.json["id"] as? String)
            let url = try #require(((started.json["questions"] as? [[String: Any]])?.first?["images"] as? [[String: Any]])?.first?["url"] as? String)
            #expect(url == "/api/v1/attempts/\(attempt)/images/\(sha256)")
            let shown = try await client.send(.get, url, token: scene.amina)
            #expect(shown.status == .ok && shown.headers[.eTag] == "\"\(sha256)\"")
            #expect(try await client.send(.get, url, token: bilal).status == .notFound)
            #expect(try await client.send(.get, url, token: scene.teacher).status == .ok)
            var browser = TestBrowser(client)
            try await browser.signIn("amina@example.org")
            let page = try await browser.get("/attempts/\(attempt)")
            #expect(page.text.contains(#"<img class="question-image" src="/attempts/\#(attempt)/images/\#(sha256)""#))
            #expect(try await browser.get("/attempts/\(attempt)/images/\(sha256)").status == .ok)

            let exported = try await client.send(.get, "\(Self.base)/export", token: scene.teacher)
            #expect(exported.text.contains(#"<file name="alif.png" path="/" encoding="base64">"#) && exported.text.contains("@@PLUGINFILE@@/alif.png"))
            let again = try await client.send(.post, "\(Self.base)/import?category=copy", body: Array(exported.text.utf8), contentType: "application/xml", token: scene.teacher)
            #expect(again.status == .created && again.json["imported"] as? Int == 1, "\(again.text)")
            let gift = try await client.send(.get, "\(Self.base)/export?format=gift", token: scene.teacher)
            #expect(gift.text.contains("// Exported without its images"))

            // A course folder carries the images beside question-bank.yaml, and takes them back.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("bank-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            try await app.courseFolders.export(slug: "arabic-script", to: folder)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("question-images/\(sha256)").path))
            let reimported = try await app.courseFolders.importFolders([folder], instructorEmail: nil)
            #expect(reimported.first?.outcome?.bankQuestions == 2)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("question-images/\(sha256)"))
            await #expect(throws: FolderProblems.self) { try await app.courseFolders.importFolders([folder], instructorEmail: nil) }
        }
    }
}
