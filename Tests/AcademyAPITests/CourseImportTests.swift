import AcademyAPI
import AcademyServices
import AcademyContent
import AcademyCore
import AcademyCrypto
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct CourseImportTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Courses").standardized

    static func copyOfSamples() throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("courses-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: samples, to: copy)
        try? FileManager.default.removeItem(at: copy.appendingPathComponent("README.md"))
        return copy
    }

    @Test func importsTheSampleCoursesAndServesThemInEveryLanguage() async throws {
        try await TestApp.withApp { client, app in
            let service = app.courseFolders
            let results = try await service.importFolders(
                [Self.samples.appendingPathComponent("studying-online"), Self.samples.appendingPathComponent("arabic-script")],
                instructorEmail: nil
            )
            #expect(results.map(\.slug) == ["studying-online", "arabic-script"])
            #expect(results.allSatisfy { $0.outcome?.created == true && $0.outcome?.lessonsCreated == 4 && $0.outcome?.modulesCreated == 2 })
            // The Arabic course adds a practice quiz drawn from its question bank.
            #expect(results.map { $0.outcome?.quizzesCreated } == [1, 2] && results.map { $0.outcome?.bankQuestions } == [0, 7])
            // Scripts/run's second start: existing courses are left as they are.
            let again = try await service.importFolders([Self.samples.appendingPathComponent("arabic-script")], instructorEmail: nil, onlyNew: true)
            #expect(again.count == 1 && again[0].outcome == nil)

            let catalogue = try await client.send(.get, "/api/v1/courses")
            #expect((catalogue.json["items"] as? [Any])?.count == 2)
            for (language, query, slug) in [("ur", "اکیڈمی", "studying-online"), ("ms", "Akademi", "studying-online"), ("tr", "Akademi", "studying-online"), ("ar", "الحروف", "arabic-script")] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
                let found = try await client.send(.get, "/api/v1/courses?q=\(encoded)&lang=\(language)")
                let items = found.json["items"] as? [[String: Any]] ?? []
                #expect(items.first?["slug"] as? String == slug, "\(query)")
                #expect(items.first?["language"] as? String == language)
            }
            let urdu = try await client.send(.get, "/api/v1/courses/studying-online", headers: [.acceptLanguage: "ur-PK"])
            #expect(urdu.json["direction"] as? String == "rtl")
            #expect((urdu.json["available_languages"] as? [String])?.count == 8)
        }
    }

    @Test func reimportingUpdatesInPlaceAndKeepsWhatTheFolderDoesNotList() async throws {
        let copy = try Self.copyOfSamples()
        defer { try? FileManager.default.removeItem(at: copy) }
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let service = app.courseFolders
            let folder = copy.appendingPathComponent("arabic-script")
            _ = try await service.importFolders([folder], instructorEmail: "teacher@example.org")
            let content = CourseContentRepository(database: app.database)
            let courseID = try #require(try await CourseRepository(database: app.database).find(.slug("arabic-script"), for: nil)?.course.id)
            let before = try await content.lessons(of: courseID)

            // The teacher adds a lesson through the API, then the folder changes and is imported again.
            let teacher = try await client.login("teacher@example.org")
            let added = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": before[0].moduleID.uuidString, "translations": ["ar": ["title": "درس إضافي", "body_markdown": "نص"]],
            ], token: teacher)
            #expect(added.status == .created)
            let path = folder.appendingPathComponent("lessons/01-the-alphabet/en.md")
            let edited = try String(contentsOf: path, encoding: .utf8).replacingOccurrences(of: "title: \"The twenty-eight letters\"", with: "title: \"The 28 letters\"")
            try edited.write(to: path, atomically: true, encoding: .utf8)

            let again = try await service.importFolders([folder], instructorEmail: nil)
            #expect(again.first?.outcome?.created == false)
            #expect(again.first?.outcome?.lessonsUpdated == 4)
            #expect(again.first?.outcome?.itemsKept == 1)
            let after = try await content.lessons(of: courseID)
            #expect(Set(after.map(\.id)) == Set(before.map(\.id)).union([UUID(uuidString: added.json["id"] as? String ?? "")!]))
            #expect(after.first { $0.key == "01-the-alphabet" }?.translations["en"]?.title == "The 28 letters")
            // The API lesson now follows the folder's lessons in its module.
            let kept = try #require(after.first { $0.key == nil })
            #expect(kept.position == 3)
        }
    }

    @Test func reimportingKeepsQuizzesAndTheirAttempts() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org")
            let service = app.courseFolders
            let folder = Self.samples.appendingPathComponent("arabic-script")
            _ = try await service.importFolders([folder], instructorEmail: "teacher@example.org")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let outline = try await client.send(.get, "/api/v1/courses/arabic-script/outline", token: teacher)
            let module = try #require((outline.json["modules"] as? [[String: Any]])?.first?["id"] as? String)
            let quiz = try await client.makeQuiz(module: module, token: teacher, ["position": 1])
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)
            let attempt = try #require(try await client.send(.post, "/api/v1/quizzes/\(quiz)/attempts", token: amina).json["id"] as? String)
            _ = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)

            // The folder does not list the quiz: importing it again keeps the quiz, behind the lessons.
            let again = try await service.importFolders([folder], instructorEmail: nil)
            #expect(again.first?.outcome?.itemsKept == 1)
            #expect(try await client.send(.get, "/api/v1/quizzes/\(quiz)", token: teacher).status == .ok)
            #expect(try await client.send(.get, "/api/v1/attempts/\(attempt)", token: amina).json["state"] as? String == "submitted")
            let items = try await client.send(.get, "/api/v1/courses/arabic-script/outline", token: teacher)
            let first = try #require((items.json["modules"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])
            #expect(first.last?["id"] as? String == quiz)
        }
    }

    @Test func folderQuizzesUpdateInPlaceAndGetANewVersionOnlyWhenTheirContentChanges() async throws {
        let copy = try Self.copyOfSamples()
        defer { try? FileManager.default.removeItem(at: copy) }
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            let service = app.courseFolders
            let folder = copy.appendingPathComponent("arabic-script")
            _ = try await service.importFolders([folder], instructorEmail: nil)
            let courseID = try #require(try await CourseRepository(database: app.database).find(.slug("arabic-script"), for: nil)?.course.id)
            let quizzes = QuizRepository(database: app.database)
            let imported = try #require(try await quizzes.quizzes(of: courseID).first { $0.key == "05-reading-check" })
            #expect(imported.key == "05-reading-check" && imported.version == 1 && imported.requiresPrevious)
            #expect(imported.settings.required && imported.settings.maxAttempts == 3 && imported.content.questions.count == 9)

            // The same folder again: nothing about the quiz changes.
            let same = try await service.importFolders([folder], instructorEmail: nil)
            #expect(same.first?.outcome?.quizzesUpdated == 2 && same.first?.outcome?.quizzesCreated == 0)
            #expect(try await quizzes.find(imported.id)?.version == 1)

            // An edited question makes version 2 under the same id; settings change in place.
            let file = folder.appendingPathComponent("quizzes/05-reading-check.yaml")
            let original = try String(contentsOf: file, encoding: .utf8)
            let edited = original
                .replacingOccurrences(of: "How many letters does the basic Arabic alphabet have?", with: "How many letters are in the basic Arabic alphabet?")
                .replacingOccurrences(of: "max_attempts: 3\n", with: "max_attempts: 5\n")
            #expect(edited != original)
            try edited.write(to: file, atomically: true, encoding: .utf8)
            _ = try await service.importFolders([folder], instructorEmail: nil)
            let updated = try #require(try await quizzes.find(imported.id))
            #expect(updated.version == 2 && updated.settings.maxAttempts == 5)
            #expect(updated.content.questions[0].translations["en"]?.prompt == "How many letters are in the basic Arabic alphabet?")
            #expect(try await quizzes.content(of: imported.id, version: 1) == imported.content)

            // Exported, the quiz file is the folder's file, byte for byte.
            let exported = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: exported) }
            try await service.export(slug: "arabic-script", to: exported)
            #expect(try Data(contentsOf: exported.appendingPathComponent("quizzes/05-reading-check.yaml")) == Data(edited.utf8))
            #expect(try Data(contentsOf: exported.appendingPathComponent("course.yaml")) == Data(contentsOf: folder.appendingPathComponent("course.yaml")))

            // A key that is a lesson in the academy cannot become a quiz: refused, nothing written.
            let course = folder.appendingPathComponent("course.yaml")
            try String(contentsOf: course, encoding: .utf8)
                .replacingOccurrences(of: "      - lesson: \"04-first-words\"\n        requires_previous: true\n", with: "")
                .replacingOccurrences(of: "- quiz: \"05-reading-check\"", with: "- quiz: \"04-first-words\"")
                .write(to: course, atomically: true, encoding: .utf8)
            try FileManager.default.removeItem(at: folder.appendingPathComponent("lessons/04-first-words"))
            try FileManager.default.moveItem(at: file, to: folder.appendingPathComponent("quizzes/04-first-words.yaml"))
            await #expect(throws: AcademyError.conflict("04-first-words is a lesson in arabic-script but a quiz in the folder: give the quiz another key")) {
                try await service.importFolders([folder], instructorEmail: nil)
            }
            #expect(try await quizzes.find(imported.id)?.key == "05-reading-check")
            _ = client
        }
    }

    @Test func theSampleQuizAcceptsArabicSpellingVariants() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            _ = try await app.courseFolders.importFolders([Self.samples.appendingPathComponent("arabic-script")], instructorEmail: nil)
            let courseID = try #require(try await CourseRepository(database: app.database).find(.slug("arabic-script"), for: nil)?.course.id)
            let quiz = try #require(try await QuizRepository(database: app.database).quizzes(of: courseID).first)
            let amina = try await client.login("amina@example.org")
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina).status == .created)
            // The quiz waits for the lessons before it (requires_previous): Amina reads them first.
            for lesson in try await CourseContentRepository(database: app.database).lessons(of: courseID) {
                #expect(try await client.send(.post, "/api/v1/lessons/\(lesson.id.uuidString.lowercased())/complete", token: amina).status == .ok)
            }
            let started = try await client.send(.post, "/api/v1/quizzes/\(quiz.id.uuidString.lowercased())/attempts", token: amina)
            #expect(started.status == .created, "\(started.text)")
            let attempt = try #require(started.json["id"] as? String)
            let answers: [(String, Any)] = [
                ("letter-count", ["option_id": "b"]), ("direction", ["value": true]), ("non-joining", ["option_ids": ["alif", "dal", "waw"]]),
                ("tha-dots", ["value": 3]), ("book", ["text": "كِتَاب"]), ("school", ["text": "مَدْرَسَه"]),
                ("alphabet-order", ["order": ["alif", "ba", "jim", "dal"]]),
                ("letter-names", ["pairs": [["option_id": "ba", "match_id": "m-ba"], ["option_id": "ta", "match_id": "m-ta"], ["option_id": "tha", "match_id": "m-tha"]]]),
            ]
            for (seq, (question, response)) in answers.enumerated() {
                let saved = try await client.send(.put, "/api/v1/attempts/\(attempt)/answers/\(question)", json: ["response": response, "seq": seq + 1], token: amina)
                #expect(saved.status == .ok, "\(question): \(saved.text)")
            }
            let result = try await client.send(.post, "/api/v1/attempts/\(attempt)/submit", token: amina)
            #expect(result.json["percent"] as? Double == 100, "\(result.text)")
            #expect(result.json["passed"] as? Bool == true)
            // Every lesson and the required quiz: the course is complete.
            let enrollments = try await client.send(.get, "/api/v1/me/enrollments", token: amina)
            let enrollment = (enrollments.json["items"] as? [[String: Any]])?.first?["enrollment"] as? [String: Any]
            #expect(enrollment?["status"] as? String == "completed", "\(enrollments.text)")
        }
    }

    @Test func aBrokenFolderWritesNothing() async throws {
        let copy = try Self.copyOfSamples()
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.removeItem(at: copy.appendingPathComponent("arabic-script/lessons/02-letter-shapes/ar.md"))
        try await TestApp.withApp { _, app in
            let service = app.courseFolders
            await #expect(throws: FolderProblems.self) {
                try await service.importFolders([copy.appendingPathComponent("studying-online"), copy.appendingPathComponent("arabic-script")], instructorEmail: nil)
            }
            let courses = try await CourseRepository(database: app.database).all(includingUnpublished: true)
            #expect(courses.isEmpty)
        }
    }

    @Test func exportImportExportIsByteIdenticalForCoursesMadeThroughTheAPI() async throws {
        let first = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        let second = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: teacher, publish: true)
            _ = try await client.makeQuiz(module: module, token: teacher, [
                "time_limit_seconds": 300, "review": "after_close", "closes_at": "2031-01-01T00:00:00Z", "shuffle_options": true,
            ])
            let service = app.courseFolders
            try await service.export(slug: "arabic-script", to: first)
            _ = try await service.importFolders([first], instructorEmail: nil)
            try await service.export(slug: "arabic-script", to: second)
            let files = try FileManager.default.subpathsOfDirectory(atPath: first.path).sorted()
            #expect(files.contains("lessons/01-lesson/ar.md"))
            #expect(files.contains("quizzes/02-quiz.yaml"))
            let quizFile = try String(contentsOf: first.appendingPathComponent("quizzes/02-quiz.yaml"), encoding: .utf8)
            #expect(quizFile.hasPrefix("translations:\n  ar:\n    title: \"اختبار الحروف\"\n  en:\n    title: \"Letters quiz\"\npass_percent: 60\nrequired: true\ntime_limit_seconds: 300\n"), "\(quizFile)")
            #expect(quizFile.contains("closes_at: \"2031-01-01T00:00:00Z\"\nreview: \"after_close\"\nquestions:\n  - id: \"q1\"\n    kind: \"single_choice\"\n"), "\(quizFile)")
            #expect(try FileManager.default.subpathsOfDirectory(atPath: second.path).sorted() == files)
            for file in files where !file.hasSuffix("/") {
                var isDirectory: ObjCBool = false
                FileManager.default.fileExists(atPath: first.appendingPathComponent(file).path, isDirectory: &isDirectory)
                if !isDirectory.boolValue {
                    #expect(FileManager.default.contentsEqual(atPath: first.appendingPathComponent(file).path, andPath: second.appendingPathComponent(file).path), "\(file)")
                }
            }
            // The re-import did not duplicate the lesson or the quiz, nor make a new quiz version.
            let courseID = try #require(try await CourseRepository(database: app.database).find(.slug("arabic-script"), for: nil)?.course.id)
            #expect(try await CourseContentRepository(database: app.database).lessons(of: courseID).count == 1)
            let quizzes = try await QuizRepository(database: app.database).quizzes(of: courseID)
            #expect(quizzes.count == 1 && quizzes.first?.version == 1 && quizzes.first?.key == "02-quiz")
        }
    }

    @Test func liveSessionsRoundTripThroughFoldersAndRaiseTheirSequenceOnlyWhenChanged() async throws {
        let first = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        let second = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: teacher, publish: true)
            let session = try await client.makeLiveSession(module: module, token: teacher, startsIn: 86_400, [
                "starts_at": "2031-01-01T08:00:00Z", "required": true, "recording_url": "https://video.example.org/r",
            ])
            func sequence() async throws -> Int? {
                try await client.send(.get, "/api/v1/live-sessions/\(session)", token: teacher).json["calendar_sequence"] as? Int
            }
            let service = app.courseFolders
            try await service.export(slug: "arabic-script", to: first)
            let file = try String(contentsOf: first.appendingPathComponent("live-sessions/02-live-session.yaml"), encoding: .utf8)
            #expect(file.hasPrefix("translations:\n  ar:\n    title: \"محاضرة مباشرة\"\n    description_markdown: \"**أهلاً** <script>alert(1)</script>\"\n  en:\n"), "\(file)")
            #expect(file.contains("starts_at: \"2031-01-01T08:00:00Z\"\nduration_minutes: 60\nrequired: true\nmeeting_url: \"https://meet.example.org/main\"\nchannels:\n  en: \"https://meet.example.org/en\"\n"), "\(file)")
            #expect(!file.contains("cancelled"))
            #expect(try String(contentsOf: first.appendingPathComponent("course.yaml"), encoding: .utf8).contains("      - live_session: \"02-live-session\"\n"))

            // Unchanged: the same session, no new SEQUENCE; the export is byte-identical.
            let same = try await service.importFolders([first], instructorEmail: nil)
            #expect(same.first?.outcome?.liveSessionsUpdated == 1 && same.first?.outcome?.liveSessionsCreated == 0)
            #expect(try await sequence() == 0)
            try await service.export(slug: "arabic-script", to: second)
            #expect(FileManager.default.contentsEqual(
                atPath: first.appendingPathComponent("live-sessions/02-live-session.yaml").path,
                andPath: second.appendingPathComponent("live-sessions/02-live-session.yaml").path
            ))
            // Moved in the folder: updated in place, with a higher SEQUENCE for calendars.
            try file.replacingOccurrences(of: "2031-01-01T08:00:00Z", with: "2031-01-02T08:00:00Z")
                .write(to: first.appendingPathComponent("live-sessions/02-live-session.yaml"), atomically: true, encoding: .utf8)
            _ = try await service.importFolders([first], instructorEmail: nil)
            let moved = try await client.send(.get, "/api/v1/live-sessions/\(session)", token: teacher)
            #expect(moved.json["starts_at"] as? String == "2031-01-02T08:00:00Z")
            #expect(moved.json["calendar_sequence"] as? Int == 1)
            #expect((moved.json["description_html"] as? String)?.contains("<script") == false)
            let courseID = try #require(try await CourseRepository(database: app.database).find(.slug("arabic-script"), for: nil)?.course.id)
            #expect(try await LiveSessionRepository(database: app.database).sessions(of: courseID).count == 1)
        }
    }

    @Test(arguments: TestFileStore.allCases)
    func folderAttachmentsAreStoredLinkedKeptAndExported(in fileStore: TestFileStore) async throws {
        let copy = try Self.copyOfSamples()
        let exported = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: copy)
            try? FileManager.default.removeItem(at: exported)
        }
        let lesson = copy.appendingPathComponent("arabic-script/lessons/01-the-alphabet")
        try FileManager.default.createDirectory(at: lesson.appendingPathComponent("attachments"), withIntermediateDirectories: true)
        let chart = Array("ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي\n".utf8)
        try Data(chart).write(to: lesson.appendingPathComponent("attachments/chart.txt"))
        let markdown = lesson.appendingPathComponent("en.md")
        try (try String(contentsOf: markdown, encoding: .utf8) + "\nPrint the [chart](attachments/chart.txt).\n").write(to: markdown, atomically: true, encoding: .utf8)

        try await fileStore.withStore { store in
            try await TestApp.withApp(overrides: store.settings) { client, app in
                try await app.makeUser("admin@example.org", role: .admin)
                let admin = try await client.login("admin@example.org")
                let service = app.courseFolders
                _ = try await service.importFolders([copy.appendingPathComponent("arabic-script")], instructorEmail: nil)
                let courseID = try #require(try await CourseRepository(database: app.database).find(.slug("arabic-script"), for: nil)?.course.id)
                let alphabet = try #require(try await CourseContentRepository(database: app.database).lessons(of: courseID).first { $0.key == "01-the-alphabet" })
                let shown = try await client.send(.get, "/api/v1/lessons/\(alphabet.id)?lang=en", token: admin)
                let attachment = try #require((shown.json["attachments"] as? [[String: Any]])?.first)
                let url = try #require(attachment["url"] as? String)
                #expect(attachment["filename"] as? String == "chart.txt")
                #expect((shown.json["body_html"] as? String)?.contains("href=\"\(url)\"") == true)
                #expect(Array(try await client.send(.get, url, token: admin).body.readableBytesView) == chart)

                // Re-importing keeps the attachment (and so its link).
                _ = try await service.importFolders([copy.appendingPathComponent("arabic-script")], instructorEmail: nil)
                let again = try await client.send(.get, "/api/v1/lessons/\(alphabet.id)?lang=en", token: admin)
                #expect((again.json["attachments"] as? [[String: Any]])?.compactMap { $0["url"] as? String } == [url])

                try await service.export(slug: "arabic-script", to: exported)
                #expect(FileManager.default.contents(atPath: exported.appendingPathComponent("lessons/01-the-alphabet/attachments/chart.txt").path).map(Array.init) == chart)
                #expect(FileManager.default.contentsEqual(atPath: exported.appendingPathComponent("lessons/01-the-alphabet/en.md").path, andPath: markdown.path))
                #expect(try await store.stored(SHA256Digest.hex(of: chart)) == chart)
                #expect(store.staged.isEmpty, "the copies made for the export are removed")
            }
        }
    }
}
