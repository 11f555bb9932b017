import AcademyAPI
import AcademyCore
import AcademyServices
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// Moodle-style partial credit through the API: weights, partly right texts and numbers.
@Suite struct PartialCreditQuizTests {
    static var questions: [[String: Any]] { [
        [
            "id": "weighted", "kind": "multiple_choice", "points": 4,
            "translations": ["ar": ["prompt": "من في القبر؟", "options": [["id": "a", "text": "لا أحد"], ["id": "b", "text": "غرانت"], ["id": "c", "text": "زوجته"]]]],
            "answer": ["option_ids": ["b", "c"], "weights": [["option_id": "a", "credit": -1], ["option_id": "b", "credit": 0.5], ["option_id": "c", "credit": 0.5]]],
        ],
        [
            "id": "word", "kind": "short_text", "points": 2,
            "translations": ["ar": ["prompt": "اكتب: كتب"]],
            "answer": ["accepted": ["كتب"], "normalize": "arabic", "partially_accepted": [["text": "كت*", "credit": 0.5]]],
        ],
        [
            "id": "year", "kind": "numeric", "points": 2,
            "translations": ["ar": ["prompt": "متى؟"]],
            "answer": ["value": 1822, "tolerance": 0, "partial_values": [["value": 1822, "tolerance": 2, "credit": 0.25]]],
        ],
    ] }

    @Test func partlyRightAnswersEarnTheirShareAndBadCreditsAreRefused() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let body: [String: Any] = [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "اختبار"]], "questions": Self.questions,
            ]
            var refusedBody = body
            var broken = Self.questions
            broken[0]["answer"] = ["option_ids": ["b", "c"], "weights": [["option_id": "b", "credit": 0.5], ["option_id": "c", "credit": 0.2]]]
            refusedBody["questions"] = broken
            let refused = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: refusedBody, token: scene.teacher)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("questions.0.answer.weights"))

            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: scene.teacher)
            #expect(created.status == .created, "\(created.text)")
            let quiz = try #require(created.json["id"] as? String)
            #expect(created.text.contains("\"partially_accepted\"") && created.text.contains("\"weights\""))

            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina)
            let attempt = try #require(started.json["id"] as? String)
            for (question, response) in [("weighted", ["option_ids": ["b"]]), ("word", ["text": "كتاب"]), ("year", ["value": 1823])] as [(String, [String: Any])] {
                let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/\(question)", json: ["response": response, "seq": 1], token: scene.amina)
                #expect(saved.status == .ok, "\(saved.text)")
            }
            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina)
            #expect(submitted.status == .ok, "\(submitted.text)")
            // 4 × 0.5 + 2 × 0.5 + 2 × 0.25 of 8.
            #expect(submitted.json["score"] as? Double == 3.5 && submitted.json["max_score"] as? Double == 8)
        }
    }

    @Test func orderingsAreAnsweredWithTheWholeOrderAndDescriptionsAreNotGraded() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let body: [String: Any] = [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "اختبار"]],
                "questions": [
                    ["id": "intro", "kind": "description", "points": 0, "translations": ["ar": ["prompt": "اقرأ ما يلي"]], "answer": [:] as [String: Any]],
                    [
                        "id": "order", "kind": "ordering", "points": 3, "partial_credit": true,
                        "translations": ["ar": ["prompt": "رتّب الحروف", "options": [["id": "a", "text": "ا"], ["id": "b", "text": "ب"], ["id": "c", "text": "ت"]]]],
                        "answer": ["option_ids": ["a", "b", "c"]],
                    ],
                ],
            ]
            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: scene.teacher)
            #expect(created.status == .created, "\(created.text)")
            let quiz = try #require(created.json["id"] as? String)
            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina)
            let attempt = try #require(started.json["id"] as? String)
            let questions = try #require(started.json["questions"] as? [[String: Any]])
            #expect(questions.map { $0["kind"] as? String } == ["description", "ordering"])
            #expect(!started.text.contains("option_ids"))
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/intro", json: ["response": ["text": "x"], "seq": 1], token: scene.amina).status == .unprocessableContent)
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/order", json: ["response": ["order": ["a", "b"]], "seq": 1], token: scene.amina).status == .unprocessableContent)
            let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/order", json: ["response": ["order": ["a", "c", "b"]], "seq": 2], token: scene.amina)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect((saved.json["response"] as? [String: Any])?["order"] as? [String] == ["a", "c", "b"])
            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina)
            #expect(submitted.json["score"] as? Double == 1 && submitted.json["max_score"] as? Double == 3)
        }
    }

    @Test func matchingIsAnsweredPairByPairEachRightPairEarningItsShare() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let body: [String: Any] = [
                "module_id": scene.module, "pass_percent": 50, "translations": ["ar": ["title": "مطابقة"]],
                "questions": [[
                    "id": "names", "kind": "matching", "points": 2,
                    "translations": ["ar": [
                        "prompt": "طابق", "options": [["id": "a", "text": "ا"], ["id": "b", "text": "ب"]],
                        "matches": [["id": "x", "text": "ألف"], ["id": "y", "text": "باء"], ["id": "z", "text": "تاء"]],
                    ]],
                    "answer": ["pairs": [["option_id": "a", "match_id": "x"], ["option_id": "b", "match_id": "y"]]],
                ]],
            ]
            let created = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: scene.teacher)
            #expect(created.status == .created, "\(created.text)")
            let quiz = try #require(created.json["id"] as? String)
            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: scene.amina)
            let attempt = try #require(started.json["id"] as? String)
            let question = try #require((started.json["questions"] as? [[String: Any]])?.first)
            #expect(Set(((question["matches"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }) == ["x", "y", "z"])
            #expect(!started.text.contains("\"pairs\""))
            let pairs = ["pairs": [["option_id": "a", "match_id": "x"], ["option_id": "b", "match_id": "z"]]]
            let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/names", json: ["response": pairs, "seq": 1], token: scene.amina)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/names", json: ["response": ["pairs": [["option_id": "a", "match_id": "q"]]], "seq": 2], token: scene.amina).status == .unprocessableContent)
            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: scene.amina)
            #expect(submitted.json["score"] as? Double == 1 && submitted.json["max_score"] as? Double == 2)
        }
    }
}
