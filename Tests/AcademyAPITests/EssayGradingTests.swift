import AcademyAPI
import AcademyCore
import AcademyServices
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
@testable import AcademyWeb

/// Essays wait for an instructor: the attempt needs grading (no percent, no pass, the gradebook
/// says so) until each essay has its points; per-answer feedback comes back in review.
@Suite struct EssayGradingTests {
    @Test func anEssayWaitsForItsGradeAndTheGradeReachesTheGradebook() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let body: [String: Any] = [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "مقال"]],
                "questions": [
                    [
                        "id": "essay", "kind": "essay", "points": 4,
                        "translations": ["ar": ["prompt": "اكتب عن الحروف"]], "answer": ["max_length": 60],
                    ],
                    [
                        "id": "pick", "kind": "single_choice", "points": 1,
                        "translations": ["ar": [
                            "prompt": "أي حرف هذا: ب؟", "options": [["id": "a", "text": "ألف"], ["id": "b", "text": "باء"]],
                            "answer_feedback": [["answer": "a", "feedback": "الألف بلا نقطة"], ["answer": "b", "feedback": "أحسنت"]],
                        ]],
                        "answer": ["option_id": "b"],
                    ],
                ],
            ]
            var unbounded = body
            unbounded["questions"] = [["id": "essay", "kind": "essay", "points": 4, "translations": ["ar": ["prompt": "اكتب"]], "answer": ["max_length": 50_000]]]
            let refused = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: unbounded, token: scene.teacher)
            #expect(refused.status == .unprocessableContent && refused.text.contains("questions.0.answer.max_length"))

            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: scene.teacher)
            #expect(created.status == .created, "\(created.text)")
            let quiz = try #require(created.json["id"] as? String)
            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina)
            let attempt = try #require(started.json["id"] as? String)
            let essay = try #require((started.json["questions"] as? [[String: Any]])?.first { $0["id"] as? String == "essay" })
            #expect(essay["max_length"] as? Int == 60)
            #expect(!started.text.contains("answer_feedback") && !started.text.contains("أحسنت"))

            // Nobody grades an attempt still running.
            let early = try await client.send(.put, "/api/v1/attempts/\(attempt)/grades/essay", json: ["points": 1], token: scene.teacher)
            #expect(early.status == .conflict)

            let tooLong = String(repeating: "ب", count: 61)
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/essay", json: ["response": ["text": tooLong], "seq": 1], token: scene.amina).status == .unprocessableContent)
            let text = "الحروف العربية ثمانية وعشرون\nتكتب من اليمين"
            let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/essay", json: ["response": ["text": text], "seq": 2], token: scene.amina)
            #expect(saved.status == .ok, "\(saved.text)")
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/pick", json: ["response": ["option_id": "a"], "seq": 1], token: scene.amina)

            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina)
            #expect(submitted.status == .ok, "\(submitted.text)")
            #expect(submitted.json["state"] as? String == "needs_grading")
            #expect(submitted.json["percent"] is NSNull && submitted.json["passed"] is NSNull)
            let results = try #require(submitted.json["results"] as? [[String: Any]])
            let waiting = try #require(results.first { $0["id"] as? String == "essay" })
            #expect(waiting["needs_grading"] as? Bool == true && waiting["points"] as? Double == 0)
            let pick = try #require(results.first { $0["id"] as? String == "pick" })
            #expect(pick["answer_feedback"] as? [String] == ["الألف بلا نقطة"])

            func gradeCell() async throws -> [String: Any] {
                let book = try await client.send(.get, "/api/v1/courses/arabic-script/gradebook", token: scene.teacher)
                let student = try #require((book.json["students"] as? [[String: Any]])?.first)
                return try #require((student["grades"] as? [[String: Any]])?.first { $0["quiz_id"] as? String == quiz })
            }
            var cell = try await gradeCell()
            #expect(cell["needs_grading"] as? Bool == true && cell["percent"] is NSNull)
            let csv = try await client.send(.get, "/api/v1/courses/arabic-script/gradebook", token: scene.teacher, headers: [.accept: "text/csv"])
            #expect(csv.text.contains("needs grading"))
            let listed = try await client.send(.get, "/api/v1/quizzes/\(quiz)/attempts", token: scene.teacher)
            #expect(listed.text.contains("\"state\":\"needs_grading\""))

            // The student cannot grade; a grade beyond the points or of a question that is no essay is refused.
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/grades/essay", json: ["points": 4], token: scene.amina).status == .forbidden)
            let tooMany = try await client.send(.put, "/api/v1/attempts/\(attempt)/grades/essay", json: ["points": 4.5], token: scene.teacher)
            #expect(tooMany.status == .unprocessableContent && tooMany.text.contains("points"))
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/grades/pick", json: ["points": 1], token: scene.teacher).status == .notFound)

            let graded = try await client.send(
                .put, "/api/v1/attempts/\(attempt)/grades/essay", json: ["points": 3, "comment": "جيد، ولكن اذكر الحروف الشمسية"], token: scene.teacher
            )
            #expect(graded.status == .ok, "\(graded.text)")
            #expect(graded.json["state"] as? String == "submitted")
            #expect(graded.json["score"] as? Double == 3 && graded.json["percent"] as? Double == 60 && graded.json["passed"] as? Bool == true)
            cell = try await gradeCell()
            #expect(cell["needs_grading"] as? Bool == false && cell["percent"] as? Double == 60 && cell["passed"] as? Bool == true)

            let seen = try await client.send(.get, "/api/v1/attempts/\(attempt)", token: scene.amina)
            let essayResult = try #require((seen.json["results"] as? [[String: Any]])?.first { $0["id"] as? String == "essay" })
            #expect(essayResult["comment"] as? String == "جيد، ولكن اذكر الحروف الشمسية" && essayResult["points"] as? Double == 3)
            #expect((seen.json["answers"] as? [[String: Any]])?.contains { ($0["response"] as? [String: Any])?["text"] as? String == text } == true)
        }
    }

    /// In the pages: the gradebook links an essay waiting for its grade to the grading page,
    /// which shows the student's answer and takes the points and a comment.
    @Test func instructorsGradeEssaysFromTheGradebook() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "مقال"]],
                "questions": [["id": "essay", "kind": "essay", "points": 5, "translations": ["ar": ["prompt": "صف الألف"]], "answer": [:] as [String: Any]]],
            ], token: scene.teacher)
            let quiz = try #require(created.json["id"] as? String)
            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina).json["id"] as? String)
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/essay", json: ["response": ["text": "خط مستقيم\nمن أعلى إلى أسفل"], "seq": 1], token: scene.amina)
            _ = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina)

            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            let book = try await teacher.get("/teach/arabic-script/gradebook", headers: [.acceptLanguage: "en"])
            #expect(book.text.contains(#"<a href="/teach/quizzes/\#(quiz)/grading">Waiting for an instructor to grade</a>"#))
            let grading = try await teacher.get("/teach/quizzes/\(quiz)/grading", headers: [.acceptLanguage: "en"])
            #expect(grading.status == .ok && grading.text.contains("خط مستقيم\nمن أعلى إلى أسفل") && grading.text.contains("<bdi>0–5</bdi>"))
            let tooMany = try await teacher.post("/teach/attempts/\(attempt)/grades/essay", fields: [("csrf", teacher.csrf), ("points", "6")])
            #expect(tooMany.status == .unprocessableContent)
            let graded = try await teacher.post("/teach/attempts/\(attempt)/grades/essay", fields: [("csrf", teacher.csrf), ("points", "٤"), ("comment", "واضح")])
            #expect(graded.status == .seeOther)
            let after = try await teacher.get("/teach/quizzes/\(quiz)/grading", headers: [.acceptLanguage: "en"])
            #expect(after.text.contains("No essay is waiting for a grade."))
            #expect(try await teacher.get("/teach/arabic-script/gradebook").text.contains("<bdi>80%</bdi>"))
            var student = TestBrowser(client)
            try await student.signIn("amina@example.org")
            let result = try await student.get("/attempts/\(attempt)", headers: [.acceptLanguage: "en"])
            #expect(result.text.contains("واضح") && result.text.contains("80"))
            #expect(try await student.get("/teach/quizzes/\(quiz)/grading").status == .forbidden)
        }
    }
}
