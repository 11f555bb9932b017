import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

extension TestClientProtocol {
    /// A three-question quiz in `module`: single choice (b), true/false (true), short text ("alif").
    func makeQuiz(module: String, token: String, _ extra: [String: Any] = [:]) async throws -> String {
        let body: [String: Any] = [
            "module_id": module, "pass_percent": 60, "required": true,
            "translations": ["ar": ["title": "اختبار الحروف"], "en": ["title": "Letters quiz"]],
            "questions": [
                [
                    "id": "q1", "kind": "single_choice", "points": 2,
                    "translations": [
                        "ar": ["prompt": "ما أول حرف؟", "options": [["id": "a", "text": "ب"], ["id": "b", "text": "أ"]], "feedback": "الألف أولاً"],
                        "en": ["prompt": "Which letter is first?", "options": [["id": "a", "text": "Ba"], ["id": "b", "text": "Alif"]], "feedback": "Alif comes first"],
                    ],
                    "answer": ["option_id": "b"],
                ],
                [
                    "id": "q2", "kind": "true_false", "points": 1,
                    "translations": ["ar": ["prompt": "يكتب العربي من اليمين"], "en": ["prompt": "Arabic is written right to left"]],
                    "answer": ["value": true],
                ],
                [
                    "id": "q3", "kind": "short_text", "points": 1,
                    "translations": ["ar": ["prompt": "اسم الحرف الأول بالإنجليزية"], "en": ["prompt": "Name the first letter"]],
                    "answer": ["accepted": ["alif"]],
                ],
            ],
        ].merging(extra) { $1 }
        let created = try await send(.post, "/api/v1/courses/arabic-script/quizzes", json: body, token: token)
        #expect(created.status == .created, "\(created.text)")
        return created.json["id"] as? String ?? ""
    }

    /// A teacher (signed in), a published course with a module and a lesson, and Amina signed
    /// in, enrolled when `enrolled`.
    func courseScene(app: AppDependencies, enrolled: Bool = true) async throws -> (teacher: String, amina: String, aminaID: UUID, module: String, lesson: String) {
        try await app.makeUser("teacher@example.org", role: .instructor)
        let student = try await app.makeUser("amina@example.org")
        let teacher = try await login("teacher@example.org")
        let amina = try await login("amina@example.org")
        let (module, lesson) = try await makeCourse(token: teacher, publish: true)
        if enrolled {
            #expect(try await send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina).status == .created)
        }
        return (teacher, amina, student.id, module, lesson)
    }

    /// `courseScene` with `makeQuiz`'s quiz.
    func quizScene(app: AppDependencies, _ extra: [String: Any] = [:]) async throws -> (teacher: String, amina: String, aminaID: UUID, quiz: String) {
        let scene = try await courseScene(app: app)
        let quiz = try await makeQuiz(module: scene.module, token: scene.teacher, extra)
        return (scene.teacher, scene.amina, scene.aminaID, quiz)
    }
}

@Suite struct QuizTests {
    @Test func studentsTakeAQuizWithoutSeeingAnswersAndPassingFinishesTheCourse() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let (module, lesson) = try await client.makeCourse(token: teacher)
            let quiz = try await client.makeQuiz(module: module, token: teacher)
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/publish", token: teacher).status == .ok)
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)

            let authored = try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: teacher)
            #expect(authored.text.contains("\"option_id\":\"b\""))
            let shown = try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: amina, headers: [.acceptLanguage: "en"])
            #expect(shown.status == .ok)
            #expect(shown.json["title"] as? String == "Letters quiz")
            #expect(!shown.text.contains("answer") && !shown.text.contains("option_id") && !shown.text.contains("alif"))

            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina, headers: [.acceptLanguage: "en"])
            #expect(started.status == .created, "\(started.text)")
            #expect(!started.text.contains("option_id") && !started.text.contains("\"answer\"") && !started.text.contains("Alif comes first"))
            let attempt = try #require(started.json["id"] as? String)
            #expect((started.json["questions"] as? [[String: Any]])?.map { $0["id"] as? String } == ["q1", "q2", "q3"])
            let resumed = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina)
            #expect(resumed.status == .ok)
            #expect(resumed.json["id"] as? String == attempt)

            // Autosave: a newer answer wins, a stale retry of an older one does not overwrite it.
            let wrong = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 1], token: amina)
            #expect(wrong.status == .ok, "\(wrong.text)")
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "b"], "seq": 3], token: amina).status == .ok)
            let stale = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 2], token: amina)
            #expect(stale.json["seq"] as? Int == 3)
            #expect((stale.json["response"] as? [String: Any])?["option_id"] as? String == "b")
            // The same seq again with another answer: the first one stays, and the reply says so.
            let repeated = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 3], token: amina)
            #expect(repeated.json["seq"] as? Int == 3)
            #expect((repeated.json["response"] as? [String: Any])?["option_id"] as? String == "b")
            // Retries racing each other: whatever order they land in, the highest seq is kept and
            // no reply claims an older seq than the one it carried.
            let replies = try await withThrowingTaskGroup(of: (Int, Int?).self) { group in
                for seq in (10..<40).shuffled() {
                    group.addTask {
                        let reply = try await client.send(
                            .put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": seq == 39 ? "b" : "a"], "seq": seq], token: amina
                        )
                        return (seq, reply.json["seq"] as? Int)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.allSatisfy { sent, kept in (kept ?? -1) >= sent })
            let kept = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 5], token: amina)
            #expect(kept.json["seq"] as? Int == 39)
            #expect((kept.json["response"] as? [String: Any])?["option_id"] as? String == "b")
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q2", json: ["response": ["value": true], "seq": 1], token: amina)
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q3", json: ["response": ["text": "  ALIF "], "seq": 1], token: amina)
            let misfit = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "z"], "seq": 4], token: amina)
            #expect(misfit.status == .unprocessableContent)
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q9", json: ["response": ["text": "x"], "seq": 1], token: amina).status == .notFound)
            let stored = try await app.database.withConnection { connection in
                try await connection.query("SELECT count(*)::int FROM attempt_answers WHERE attempt_id = \(UUID(uuidString: attempt)!)", logger: app.logger).collect().first?.decode(Int.self)
            }
            #expect(stored == 3)

            // The teacher cannot answer for her; nobody else can see the attempt.
            #expect(try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: teacher).status == .forbidden)
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            #expect(try await client.send(.get, "/api/v1/attempts/\(attempt)", token: omar).status == .notFound)

            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina, headers: [.acceptLanguage: "en"])
            #expect(submitted.status == .ok, "\(submitted.text)")
            #expect(submitted.json["state"] as? String == "submitted")
            #expect(submitted.json["score"] as? Double == 4)
            #expect(submitted.json["passed"] as? Bool == true)
            #expect((submitted.json["results"] as? [[String: Any]])?.first?["feedback"] as? String == "Alif comes first")
            let again = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)
            #expect(again.json["submitted_at"] as? String == submitted.json["submitted_at"] as? String)
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 9], token: amina).status == .conflict)

            // The quiz passed, the lesson still open: not finished until both are done.
            #expect((try await client.send(.get, "/api/v1/me/certificates", token: amina).json["items"] as? [Any])?.isEmpty == true)
            _ = try await client.send(.post, "/api/v1/lessons/\(lesson)/complete", token: amina)
            #expect((try await client.send(.get, "/api/v1/me/certificates", token: amina).json["items"] as? [Any])?.count == 1)

            let listed = try await client.send(.get, "/api/v1/quizzes/\(quiz)/attempts", token: teacher)
            #expect((listed.json["items"] as? [[String: Any]])?.first?["percent"] as? Double == 100)
            #expect(try await client.send(.get, "/api/v1/quizzes/\(quiz)/attempts", token: amina).status == .forbidden)
            #expect(try await client.send(.delete, "/api/v1/quizzes/\(quiz)", token: teacher).status == .conflict)
        }
    }

    @Test func attemptsAreLimitedAndAnAttemptPastItsDeadlineIsGradedFromWhatWasSaved() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, aminaID, quiz) = try await client.quizScene(app: app, ["max_attempts": 1, "time_limit_seconds": 600, "grace_seconds": 0])

            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina)
            let attempt = try #require(started.json["id"] as? String)
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "b"], "seq": 1], token: amina)
            try await app.database.withConnection { connection in
                _ = try await connection.query(
                    "UPDATE quiz_attempts SET deadline = now() - interval '1 minute' WHERE id = \(UUID(uuidString: attempt)!)", logger: app.logger
                ).collect()
            }
            let late = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q2", json: ["response": ["value": true], "seq": 1], token: amina)
            #expect(late.status == .conflict)
            let shown = try await client.send(.get, "/api/v1/attempts/\(attempt)", token: amina)
            #expect(shown.json["state"] as? String == "expired_submitted")
            #expect(shown.json["score"] as? Double == 2)
            #expect(shown.json["passed"] as? Bool == false)
            #expect(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).status == .conflict)

            // An accommodation: one more attempt for this student only.
            let override = try await client.send(.put, "/api/v1/quizzes/\(quiz)/overrides/\(aminaID.uuidString.lowercased())", json: ["max_attempts": 2], token: teacher)
            #expect(override.status == .noContent, "\(override.text)")
            let second = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina)
            #expect(second.status == .created)
            #expect(second.json["number"] as? Int == 2)
        }
    }

    @Test func authoringIsCheckedAndVersioned() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let (module, _) = try await client.makeCourse(token: teacher, publish: true)

            let broken = try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: [
                "module_id": module, "pass_percent": 150,
                "translations": ["en": ["title": "No Arabic"]],
                "questions": [["id": "q1", "kind": "single_choice", "points": 1,
                               "translations": ["ar": ["prompt": "؟", "options": [["id": "a", "text": "أ"]]]],
                               "answer": ["option_id": "missing"]]],
            ], token: teacher)
            #expect(broken.status == .unprocessableContent)
            let fields = Set((broken.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? [])
            #expect(fields.contains("pass_percent"))
            #expect(fields.contains { $0.hasPrefix("questions.0") })
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/quizzes", json: ["module_id": module], token: amina).status == .forbidden)

            let quiz = try await client.makeQuiz(module: module, token: teacher)
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)
            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            // Editing the answer key makes a new version; the running attempt keeps the old one.
            let edited = try await client.send(.patch, "/api/v1/quizzes/\(quiz)", json: ["questions": [[
                "id": "q1", "kind": "single_choice", "points": 1,
                "translations": ["ar": ["prompt": "؟", "options": [["id": "a", "text": "أ"], ["id": "b", "text": "ب"]]]],
                "answer": ["option_id": "a"],
            ]]], token: teacher)
            #expect(edited.status == .ok, "\(edited.text)")
            #expect(edited.json["version"] as? Int == 2)
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "b"], "seq": 1], token: amina)
            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)
            #expect(submitted.json["score"] as? Double == 2)
            #expect((submitted.json["questions"] as? [Any])?.count == 3)
        }
    }
    @Test func theSweeperGradesAbandonedAttemptsOnce() async throws {
        // The app's own sweeper runs once at start, before the attempt exists; this test sweeps.
        try await TestApp.withApp(overrides: ["ACADEMY_ATTEMPT_SWEEP_SECONDS": "3600"]) { client, app in
            let (teacher, amina, _, quiz) = try await client.quizScene(app: app, ["time_limit_seconds": 600])
            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q2", json: ["response": ["value": true], "seq": 1], token: amina)

            let finisher = app.finisher
            #expect(try await finisher.finishExpired().finished == 0)
            // Past the deadline but inside the 30-second grace: a late save still lands.
            let id = try #require(UUID(uuidString: attempt))
            try await app.database.withConnection { connection in
                _ = try await connection.query("UPDATE quiz_attempts SET deadline = now() - interval '10 seconds' WHERE id = \(id)", logger: app.logger).collect()
            }
            #expect(try await finisher.finishExpired().finished == 0)
            #expect(try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q3", json: ["response": ["text": "alif"], "seq": 1], token: amina).status == .ok)
            try await app.database.withConnection { connection in
                _ = try await connection.query("UPDATE quiz_attempts SET deadline = now() - interval '1 hour' WHERE id = \(id)", logger: app.logger).collect()
            }
            #expect(try await finisher.finishExpired().finished == 1)
            #expect(try await finisher.finishExpired().finished == 0)
            let stored = try await app.database.withConnection { connection in
                try await connection.query("SELECT state, submitted_at IS NOT NULL FROM quiz_attempts WHERE id = \(id)", logger: app.logger)
                    .collect().first?.decode((String, Bool).self)
            }
            #expect(stored?.0 == "expired_submitted")
            #expect(stored?.1 == true)
            let listed = try await client.send(.get, "/api/v1/quizzes/\(quiz)/attempts", token: teacher)
            #expect((listed.json["items"] as? [[String: Any]])?.first?["percent"] as? Double == 50)
        }
    }
    @Test func oneInstanceSweepsAtATimeAndAnUngradableAttemptHoldsUpNoOther() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_ATTEMPT_SWEEP_SECONDS": "3600"]) { client, app in
            let (_, amina, _, quiz) = try await client.quizScene(app: app, ["time_limit_seconds": 600])
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: omar).status == .created)
            var started: [UUID] = []
            for token in [amina, omar] {
                let attempt = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: token)
                started.append(try #require(UUID(uuidString: attempt.json["id"] as? String ?? "")))
            }
            let ids = started
            let (broken, sound) = (ids[0], ids[1])
            // Both left past their deadline; the first names a content version that does not exist.
            try await app.database.withConnection { connection in
                _ = try await connection.query("UPDATE quiz_attempts SET deadline = now() - interval '1 hour' WHERE id = ANY(\(ids))", logger: app.logger).collect()
                _ = try await connection.query("UPDATE quiz_attempts SET version = 99 WHERE id = \(broken)", logger: app.logger).collect()
            }
            let finisher = app.finisher
            // While another instance holds the sweep lock, this one rests.
            let rested = try await app.database.withConnection { connection in
                _ = try await connection.query("SELECT pg_advisory_lock(\(AttemptRepository.sweepLockKey))", logger: app.logger).collect()
                let sweep = try await finisher.finishExpired()
                _ = try await connection.query("SELECT pg_advisory_unlock(\(AttemptRepository.sweepLockKey))", logger: app.logger).collect()
                return sweep
            }
            #expect(rested.sweptElsewhere && rested.finished == 0)

            let sweep = try await finisher.finishExpired()
            #expect(!sweep.sweptElsewhere && sweep.finished == 1)
            #expect(Array(sweep.failures.keys) == [broken], "\(sweep.failures)")
            let states = try await app.database.withConnection { connection in
                try await connection.query("SELECT id, state FROM quiz_attempts WHERE id = ANY(\(ids))", logger: app.logger)
                    .collect().map { try $0.decode((UUID, String).self) }
            }
            #expect(Dictionary(uniqueKeysWithValues: states) == [broken: "in_progress", sound: "expired_submitted"])
        }
    }

    @Test func theGradebookFollowsEachQuizsGradingInJSONAndCSV() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org", name: "أمينة")
            try await app.makeUser("omar@example.org", name: "=HYPERLINK(\"x\")")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let omar = try await client.login("omar@example.org")
            let (module, _) = try await client.makeCourse(token: teacher, publish: true)
            let quiz = try await client.makeQuiz(module: module, token: teacher, ["grading": "average"])
            for token in [amina, omar] {
                _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: token)
            }
            // Amina: 100 %, then 50 %; the average is 75 %.
            for answers in [["q1": ["option_id": "b"], "q2": ["value": true], "q3": ["text": "alif"]], ["q1": ["option_id": "b"]]] as [[String: [String: Any]]] {
                let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
                for (question, response) in answers {
                    _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/\(question)", json: ["response": response, "seq": 1], token: amina)
                }
                _ = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)
            }

            let book = try await client.send(.get, "/api/v1/courses/arabic-script/gradebook", token: teacher, headers: [.acceptLanguage: "en"])
            #expect(book.status == .ok, "\(book.text)")
            #expect((book.json["quizzes"] as? [[String: Any]])?.first?["title"] as? String == "Letters quiz")
            let students = try #require(book.json["students"] as? [[String: Any]])
            let grades = Dictionary(uniqueKeysWithValues: students.map { ($0["email"] as? String ?? "", ($0["grades"] as? [[String: Any]])?.first) })
            #expect(grades["amina@example.org"]??["percent"] as? Double == 75)
            #expect(grades["amina@example.org"]??["passed"] as? Bool == true)
            #expect(grades["omar@example.org"]??["percent"] is NSNull)

            let csv = try await client.send(.get, "/api/v1/courses/arabic-script/gradebook", token: teacher, headers: [.accept: "text/csv", .acceptLanguage: "en"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition]?.contains("arabic-script-gradebook.csv") == true)
            let lines = csv.text.components(separatedBy: "\r\n")
            #expect(lines.first == "\u{FEFF}email,display_name,status,lessons_percent,Letters quiz (%)")
            #expect(lines.contains("amina@example.org,أمينة,active,0,75.00"))
            // A name a spreadsheet would run as a formula is defused.
            #expect(lines.contains("omar@example.org,\"'=HYPERLINK(\"\"x\"\")\",active,0,"))

            #expect(try await client.send(.get, "/api/v1/courses/arabic-script/gradebook", token: amina).status == .forbidden)
        }
    }
    /// Saves are written in batches (`AnswerWriter`): whatever batch a save lands in, an
    /// acknowledged one is stored as sent and counted by the grading, a refused one is not stored,
    /// and the attempts of other students in the same batch are not affected by a submit.
    @Test func savesRacingASubmitAreEitherGradedOrRefused() async throws {
        try await TestApp.withApp { client, app in
            let (_, amina, _, quiz) = try await client.quizScene(app: app)
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: omar).status == .created)
            let aminasAttempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            let omarsAttempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: omar).json["id"] as? String)
            @Sendable func rightAnswer(_ question: String) -> [String: Any] {
                switch question {
                case "q1": ["option_id": "b"]
                case "q2": ["value": true]
                default: ["text": "alif"]
                }
            }

            // Forty saves from each student over the three questions, Amina's submit among them.
            enum Outcome { case save(student: String, question: String, seq: Int, status: HTTPResponse.Status), submit(HTTPResponse.Status) }
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for seq in 1...40 {
                    for (student, token, attempt) in [("amina", amina, aminasAttempt), ("omar", omar, omarsAttempt)] {
                        let question = ["q1", "q2", "q3"][seq % 3]
                        group.addTask {
                            let reply = try await client.send(
                                .put, "/api/v1/attempts/\(attempt)/answers/\(question)", json: ["response": rightAnswer(question), "seq": seq], token: token
                            )
                            return .save(student: student, question: question, seq: seq, status: reply.status)
                        }
                    }
                    if seq == 20 {
                        group.addTask { .submit(try await client.send(.post, "/api/v1/attempts/\(aminasAttempt)/submit", token: amina).status) }
                    }
                }
                return try await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            var acknowledged: [String: [String: Int]] = [:]
            for case .save(let student, let question, let seq, let status) in outcomes {
                #expect(status == .ok || (student == "amina" && status == .conflict), "\(student) \(question) seq \(seq): \(status)")
                if status == .ok { acknowledged[student, default: [:]][question] = max(acknowledged[student]?[question] ?? 0, seq) }
            }
            #expect(outcomes.contains { if case .submit(.ok) = $0 { true } else { false } })

            func stored(_ attempt: String) async throws -> [String: Int] {
                try await app.database.withConnection { connection in
                    var seqs: [String: Int] = [:]
                    for try await (question, seq) in try await connection.query(
                        "SELECT question_id, seq FROM attempt_answers WHERE attempt_id = \(UUID(uuidString: attempt)!)", logger: app.logger
                    ).decode((String, Int).self) {
                        seqs[question] = seq
                    }
                    return seqs
                }
            }
            // Every acknowledged save is stored, and nothing newer than the last one acknowledged.
            #expect(try await stored(omarsAttempt) == acknowledged["omar"] ?? [:])
            #expect(try await stored(aminasAttempt) == acknowledged["amina"] ?? [:])
            // Her grade counts exactly the answers she was told were saved (each one right).
            let graded = try await client.send(.get, "/api/v1/attempts/\(aminasAttempt)", token: amina)
            let points = ["q1": 2.0, "q2": 1.0, "q3": 1.0]
            #expect(graded.json["score"] as? Double == (acknowledged["amina"] ?? [:]).keys.reduce(0) { $0 + points[$1]! })
            #expect(try await client.send(.put, "/api/v1/attempts/\(omarsAttempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 99], token: omar).status == .ok)
        }
    }

    @Test func concurrentStartsMakeOneAttemptAndRespectMaxAttempts() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, _, quiz) = try await client.quizScene(app: app, ["max_attempts": 2])

            func startTwelveAtOnce() async throws -> [(HTTPResponse.Status, String?)] {
                try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            let response = try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina)
                            return (response.status, response.json["id"] as? String)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            for round in 1...2 {
                let outcomes = try await startTwelveAtOnce()
                #expect(outcomes.filter { $0.0 == .created }.count == 1, "round \(round)")
                #expect(outcomes.allSatisfy { $0.0 == .created || $0.0 == .ok })
                let ids = Set(outcomes.compactMap(\.1))
                #expect(ids.count == 1)
                _ = try await client.send(.post, "/api/v1/attempts/\(ids.first ?? "")/submit", token: amina)
            }
            let third = try await startTwelveAtOnce()
            #expect(third.allSatisfy { $0.0 == .conflict })
            let count = try await app.database.withConnection { connection in
                try await connection.query("SELECT count(*)::int FROM quiz_attempts WHERE quiz_id = \(UUID(uuidString: quiz)!)", logger: app.logger)
                    .collect().first?.decode(Int.self)
            }
            #expect(count == 2)
            let first = try await client.send(.get, "/api/v1/quizzes/\(quiz)/attempts?limit=1", token: teacher)
            #expect((first.json["items"] as? [[String: Any]])?.map { $0["number"] as? Int } == [1])
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await client.send(.get, "/api/v1/quizzes/\(quiz)/attempts?limit=1&cursor=\(cursor)", token: teacher)
            #expect((second.json["items"] as? [[String: Any]])?.map { $0["number"] as? Int } == [2])
            #expect(second.json["next_cursor"] is NSNull)
        }
    }
    @Test func scoresAndCorrectnessStayHiddenUntilTheReviewOpens() async throws {
        try await TestApp.withApp { client, app in
            let closes = RFC3339.string(from: Date().addingTimeInterval(3600))
            let (teacher, amina, _, quiz) = try await client.quizScene(app: app, ["review": "after_close", "closes_at": closes])
            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/q1", json: ["response": ["option_id": "a"], "seq": 1], token: amina)
            let submitted = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)
            #expect(submitted.status == .ok)
            #expect(submitted.json["state"] as? String == "submitted")
            for hidden in ["score", "percent", "passed"] {
                #expect(submitted.json[hidden] is NSNull, "\(hidden)")
            }
            #expect(submitted.json["results"] == nil)
            #expect(!submitted.text.contains("correct") && !submitted.text.contains("feedback"))
            let shown = try await client.send(.get, "/api/v1/attempts/\(attempt)", token: amina)
            #expect(shown.json["results"] == nil && shown.json["score"] is NSNull)

            let staff = try await client.send(.get, "/api/v1/attempts/\(attempt)", token: teacher)
            #expect(staff.json["score"] as? Double == 0)
            #expect((staff.json["results"] as? [[String: Any]])?.first?["correct"] as? Bool == false)

            // Omar has until tomorrow: while he may still be answering, nobody sees the answers.
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: omar)
            let omarID = try #require(try await client.send(.get, "/api/v1/me", token: omar).json["id"] as? String)
            let extended = try await client.send(.put, "/api/v1/quizzes/\(quiz)/overrides/\(omarID)", json: ["closes_at": RFC3339.string(from: Date().addingTimeInterval(86_400))], token: teacher)
            #expect(extended.status == .noContent)

            // Once the quiz closes, the student sees them too.
            try await app.database.withConnection { connection in
                _ = try await connection.query(
                    "UPDATE quizzes SET settings = jsonb_set(settings, '{closes_at}', to_jsonb(\(RFC3339.string(from: Date().addingTimeInterval(-60))))) WHERE id = \(UUID(uuidString: quiz)!)",
                    logger: app.logger
                ).collect()
            }
            #expect(try await client.send(.get, "/api/v1/attempts/\(attempt)", token: amina).json["score"] is NSNull)
            #expect(try await client.send(.delete, "/api/v1/quizzes/\(quiz)/overrides/\(omarID)", token: teacher).status == .noContent)
            let reviewed = try await client.send(.get, "/api/v1/attempts/\(attempt)", token: amina)
            #expect(reviewed.json["score"] as? Double == 0)
            #expect((reviewed.json["results"] as? [Any])?.count == 3)
        }
    }

    /// While results are hidden, nothing else tells them: the outline does not mark the quiz
    /// done, the item after it stays locked, the course stays open. Once the review opens (its
    /// close plus the grace), the sweeper settles the pass, and the course completes.
    @Test func progressKeepsAHiddenResultUntilTheReviewOpens() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, _, module, lesson) = try await client.courseScene(app: app)
            let closes = Date().addingTimeInterval(3600)
            let quiz = try await client.makeQuiz(module: module, token: teacher, ["review": "after_close", "closes_at": RFC3339.string(from: closes), "grace_seconds": 60])
            let after = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": module, "requires_previous": true, "translations": ["ar": ["title": "بعد الاختبار", "body_markdown": "نص"]],
            ], token: teacher)
            let afterID = try #require(after.json["id"] as? String)
            #expect(try await client.send(.post, "/api/v1/lessons/\(lesson)/complete", token: amina).status == .ok)

            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            for (question, response) in [("q1", ["option_id": "b"]), ("q2", ["value": true]), ("q3", ["text": "alif"])] as [(String, [String: Any])] {
                _ = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/\(question)", json: ["response": response, "seq": 1], token: amina)
            }
            #expect(try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina).json["passed"] is NSNull)

            func items() async throws -> [String: [String: Any]] {
                let outline = try await client.send(.get, "/api/v1/courses/arabic-script/outline", token: amina)
                let all = (outline.json["modules"] as? [[String: Any]])?.flatMap { $0["items"] as? [[String: Any]] ?? [] } ?? []
                return Dictionary(uniqueKeysWithValues: all.map { ($0["id"] as? String ?? "", $0) })
            }
            func enrollmentStatus() async throws -> String? {
                let items = try await client.send(.get, "/api/v1/me/enrollments", token: amina).json["items"] as? [[String: Any]]
                return (items?.first?["enrollment"] as? [String: Any])?["status"] as? String
            }
            var outline = try await items()
            #expect(outline[quiz]?["completed"] as? Bool == false)
            #expect(outline[afterID]?["locked"] as? Bool == true)
            #expect(try await client.send(.get, "/api/v1/lessons/\(afterID)", token: amina).status == .forbidden)
            #expect(try await enrollmentStatus() == "active")
            #expect(try await app.finisher.settleNewlyVisibleResults() == 0)

            // Closed a minute ago: answers are still accepted for the 60 s of grace, so still hidden.
            let closed = try await client.send(.patch, "/api/v1/quizzes/\(quiz)", json: ["closes_at": RFC3339.string(from: Date().addingTimeInterval(-30))], token: teacher)
            #expect(closed.status == .ok, "\(closed.text)")
            #expect(try await app.finisher.settleNewlyVisibleResults() == 0)
            #expect(try await items()[quiz]?["completed"] as? Bool == false)

            // Past the grace: visible, settled once, and the pass counts everywhere.
            _ = try await client.send(.patch, "/api/v1/quizzes/\(quiz)", json: ["closes_at": RFC3339.string(from: Date().addingTimeInterval(-120))], token: teacher)
            #expect(try await app.finisher.settleNewlyVisibleResults() == 1)
            #expect(try await app.finisher.settleNewlyVisibleResults() == 0)
            outline = try await items()
            #expect(outline[quiz]?["completed"] as? Bool == true)
            #expect(outline[afterID]?["locked"] as? Bool == false)
            #expect(try await client.send(.get, "/api/v1/attempts/\(attempt)", token: amina).json["passed"] as? Bool == true)
            #expect(try await client.send(.post, "/api/v1/lessons/\(afterID)/complete", token: amina).status == .ok)
            #expect(try await enrollmentStatus() == "completed")
        }
    }

    /// When results are never shown, pass or fail cannot gate anything: a submission counts.
    @Test func aQuizWhoseResultsAreNeverShownCountsOnceSubmitted() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, _, quiz) = try await client.quizScene(app: app, ["review": "never"])
            _ = teacher
            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            // Nothing answered: a failing attempt.
            _ = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)
            let outline = try await client.send(.get, "/api/v1/courses/arabic-script/outline", token: amina)
            let all = (outline.json["modules"] as? [[String: Any]])?.flatMap { $0["items"] as? [[String: Any]] ?? [] } ?? []
            #expect(all.first { $0["id"] as? String == quiz }?["completed"] as? Bool == true)
            let passed = try await app.database.rows("SELECT passed FROM quiz_attempts", as: Bool?.self)
            #expect(passed == [false])
        }
    }
}
