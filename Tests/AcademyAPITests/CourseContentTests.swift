import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct ModuleTests {
    func titles(_ client: any TestClientProtocol, token: String) async throws -> [String] {
        let list = try await client.send(.get, "/api/v1/courses/arabic-script/modules?lang=en", token: token)
        return (list.json["items"] as? [[String: Any]])?.compactMap { $0["title"] as? String } ?? []
    }

    @Test func modulesKeepAGaplessOrder() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (letters, _) = try await client.makeCourse(token: teacher)
            func add(_ title: String, at position: Int? = nil) async throws -> String {
                var body: [String: Any] = ["translations": ["ar": ["title": title], "en": ["title": title]]]
                body["position"] = position
                let response = try await client.send(.post, "/api/v1/courses/arabic-script/modules", json: body, token: teacher)
                #expect(response.status == .created)
                return response.json["id"] as? String ?? ""
            }
            let words = try await add("Words")
            _ = try await add("Welcome", at: 1)
            _ = try await add("Later", at: 99)
            #expect(try await titles(client, token: teacher) == ["Welcome", "Letters", "Words", "Later"])

            let moved = try await client.send(.patch, "/api/v1/modules/\(words)", json: ["position": 1], token: teacher)
            #expect(moved.json["position"] as? Int == 1)
            #expect(try await titles(client, token: teacher) == ["Words", "Welcome", "Letters", "Later"])

            #expect(try await client.send(.delete, "/api/v1/modules/\(letters)", token: teacher).status == .conflict)
            #expect(try await client.send(.delete, "/api/v1/modules/\(words)", token: teacher).status == .noContent)
            let positions = (try await client.send(.get, "/api/v1/courses/arabic-script/modules", token: teacher).json["items"] as? [[String: Any]])?.compactMap { $0["position"] as? Int }
            #expect(positions == [1, 2, 3])

            let invalid = try await client.send(.post, "/api/v1/courses/arabic-script/modules", json: ["position": 0, "translations": ["en": ["title": ""]]], token: teacher)
            #expect((invalid.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } == ["position", "translations.ar", "translations.en.title"])
        }
    }

    @Test func onlyTheCoursesEditorsChangeModules() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("other@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let other = try await client.login("other@example.org")
            let (module, _) = try await client.makeCourse(token: teacher)
            #expect(try await client.send(.patch, "/api/v1/modules/\(module)", json: ["position": 1], token: other).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script/modules").status == .notFound)
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/publish", token: teacher)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script/modules").status == .ok)
            #expect(try await client.send(.patch, "/api/v1/modules/\(module)", json: ["position": 1], token: other).status == .forbidden)
            #expect(try await client.send(.delete, "/api/v1/modules/\(UUID())", token: teacher).status == .notFound)
        }
    }
}

@Suite struct LessonTests {
    @Test func lessonsAreRenderedSafelyAndServedInTheNegotiatedLanguage() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: teacher)
            let created = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": module, "position": 1, "release_at": "2027-01-01T08:00:00Z", "requires_previous": true,
                "translations": [
                    "ar": ["title": "الباء", "body_markdown": "# الباء\n\n<script>alert('x')</script>\n\n[رابط](javascript:alert(1)) **ب**"],
                    "en": ["title": "Ba", "body_markdown": "Ba <img src=x onerror=alert(1)>"],
                ],
            ], token: teacher)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["position"] as? Int == 1)
            #expect(created.json["release_at"] as? String == "2027-01-01T08:00:00Z")

            let arabic = try await client.send(.get, "/api/v1/lessons/\(id)", token: teacher, headers: [.acceptLanguage: "ar"])
            #expect(arabic.json["language"] as? String == "ar")
            #expect(arabic.json["direction"] as? String == "rtl")
            let html = try #require(arabic.json["body_html"] as? String)
            #expect(html.contains("<h1>الباء</h1>"))
            #expect(html.contains("<strong>ب</strong>"))
            #expect(!html.contains("<script"))
            #expect(!html.contains("javascript:"))
            let english = try await client.send(.get, "/api/v1/lessons/\(id)?lang=en", token: teacher)
            #expect(!(english.json["body_html"] as? String ?? "onerror").contains("onerror"))
            #expect(english.headers[.contentLanguage] == "en")
            #expect((english.json["translations"] as? [String: Any])?.count == 2)
            #expect(english.json["attachments"] as? [Any] != nil)

            // The first lesson moved to position 2.
            let outline = try await CourseContentRepositoryProbe.positions(app, module: module)
            #expect(outline == [1, 2])
        }
    }

    @Test func lessonsMoveBetweenModulesAndLeaveNoGaps() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (letters, alif) = try await client.makeCourse(token: teacher)
            let words = try await client.send(.post, "/api/v1/courses/arabic-script/modules", json: ["translations": ["ar": ["title": "الكلمات"]]], token: teacher).json["id"] as? String ?? ""
            let ba = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": letters, "translations": ["ar": ["title": "الباء", "body_markdown": "ب"]], "release_at": "2027-01-01T08:00:00Z",
            ], token: teacher).json["id"] as? String ?? ""

            let moved = try await client.send(.patch, "/api/v1/lessons/\(alif)", json: ["module_id": words, "release_at": NSNull()], token: teacher)
            #expect(moved.status == .ok)
            #expect(moved.json["module_id"] as? String == words)
            #expect(moved.json["position"] as? Int == 1)
            #expect(try await CourseContentRepositoryProbe.positions(app, module: letters) == [1])
            let baNow = try await client.send(.get, "/api/v1/lessons/\(ba)", token: teacher)
            #expect(baNow.json["position"] as? Int == 1)
            let cleared = try await client.send(.patch, "/api/v1/lessons/\(ba)", json: ["release_at": NSNull()], token: teacher)
            #expect(cleared.json["release_at"] is NSNull)

            let foreignModule = try await client.send(.patch, "/api/v1/lessons/\(ba)", json: ["module_id": UUID().uuidString], token: teacher)
            #expect(foreignModule.status == .unprocessableContent)
            #expect(try await client.send(.delete, "/api/v1/lessons/\(alif)", token: teacher).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/lessons/\(alif)", token: teacher).status == .notFound)
        }
    }

    @Test func studentsCannotEditOrReadUnenrolledLessons() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("student@example.org")
            let teacher = try await client.login("teacher@example.org")
            let student = try await client.login("student@example.org")
            let (_, lesson) = try await client.makeCourse(token: teacher, publish: true)
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: student).status == .forbidden)
            #expect(try await client.send(.patch, "/api/v1/lessons/\(lesson)", json: ["position": 1], token: student).status == .forbidden)
            #expect(try await client.send(.delete, "/api/v1/lessons/\(lesson)", token: student).status == .forbidden)
            let missingTranslation = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": UUID().uuidString, "translations": ["en": ["title": "No Arabic", "body_markdown": ""]],
            ], token: teacher)
            #expect((missingTranslation.json["errors"] as? [[String: String]])?.first?["field"] == "translations.ar")
        }
    }

    @Test func coverageListsWhatEachPartLacks() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_LANGUAGES": "ar,en,fr"]) { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await client.makeCourse(token: teacher)
            let coverage = try await client.send(.get, "/api/v1/courses/arabic-script/translations", token: teacher)
            #expect(coverage.json["languages"] as? [String] == ["ar", "en", "fr"])
            #expect(coverage.json["complete"] as? Bool == false)
            let missing = try #require(coverage.json["missing"] as? [[String: Any]])
            #expect(missing.compactMap { $0["kind"] as? String } == ["course", "module", "lesson"])
            #expect(missing.allSatisfy { $0["missing_languages"] as? [String] == ["fr"] })
        }
    }
}

/// Reads positions straight from the store, to check what the API left behind.
enum CourseContentRepositoryProbe {
    static func positions(_ app: AppDependencies, module: String) async throws -> [Int] {
        let moduleID = try #require(UUID(uuidString: module))
        let content = CourseContentRepository(database: app.database)
        guard let courseID = try await content.module(moduleID)?.courseID else { return [] }
        return try await content.lessons(of: courseID).filter { $0.moduleID == moduleID }.map(\.position)
    }
}
