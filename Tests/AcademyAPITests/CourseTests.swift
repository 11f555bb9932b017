import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A course as the tests create it: Arabic by default, with an English translation.
var arabicScript: [String: Any] { [
    "slug": "arabic-script",
    "default_language": "ar",
    "translations": [
        "ar": ["title": "الخط العربي: الخطوات الأولى", "summary": "تعلم كتابة الحروف العربية ونطقها"],
        "en": ["title": "Arabic script: first steps", "summary": "Learn to write and pronounce the Arabic letters"],
    ],
] }

extension TestClientProtocol {
    /// Creates a course with one module and one lesson; returns the module id and lesson id.
    func makeCourse(_ body: [String: Any]? = nil, token: String, publish: Bool = false) async throws -> (module: String, lesson: String) {
        let body = body ?? arabicScript
        let slug = body["slug"] as? String ?? ""
        let created = try await send(.post, "/api/v1/courses", json: body, token: token)
        #expect(created.status == .created, "\(created.text)")
        let module = try await send(.post, "/api/v1/courses/\(slug)/modules", json: ["translations": ["ar": ["title": "الحروف"], "en": ["title": "Letters"]]], token: token)
        let moduleID = module.json["id"] as? String ?? ""
        let lesson = try await send(.post, "/api/v1/courses/\(slug)/lessons", json: [
            "module_id": moduleID,
            "translations": ["ar": ["title": "الألف", "body_markdown": "# الألف\n\nأول **الحروف**"], "en": ["title": "Alif", "body_markdown": "# Alif\n\nThe first **letter**"]],
        ], token: token)
        #expect(lesson.status == .created, "\(lesson.text)")
        if publish {
            #expect(try await send(.post, "/api/v1/courses/\(slug)/publish", token: token).status == .ok)
        }
        return (moduleID, lesson.json["id"] as? String ?? "")
    }
}

@Suite struct CourseAuthoringTests {
    @Test func instructorsCreateDraftsWithAllTranslations() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let token = try await client.login("teacher@example.org")
            let created = try await client.send(.post, "/api/v1/courses", json: arabicScript.merging(["enrollment": ["mode": "key", "key": "open sesame", "capacity": 30]]) { $1 }, token: token)
            #expect(created.status == .created)
            let body = created.json
            #expect(body["status"] as? String == "draft")
            #expect(body["language"] as? String == "ar")
            #expect(body["direction"] as? String == "rtl")
            #expect((body["translations"] as? [String: Any])?.keys.sorted() == ["ar", "en"])
            #expect((body["enrollment"] as? [String: Any])?["has_key"] as? Bool == true)
            #expect(!created.text.contains("open sesame"))
            #expect(created.headers[.contentLanguage] == "ar")
            let instructors = try await client.send(.get, "/api/v1/courses/arabic-script/instructors", token: token)
            #expect((instructors.json["items"] as? [[String: Any]])?.first?["email"] as? String == "teacher@example.org")
        }
    }

    @Test func refusesBadCourses() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("student@example.org")
            let token = try await client.login("teacher@example.org")
            let student = try await client.login("student@example.org")
            #expect(try await client.send(.post, "/api/v1/courses", json: arabicScript).status == .unauthorized)
            #expect(try await client.send(.post, "/api/v1/courses", json: arabicScript, token: student).status == .forbidden)

            let invalid = try await client.send(.post, "/api/v1/courses", json: [
                "slug": "Bad Slug", "default_language": "ar",
                "translations": ["en": ["title": "Only English"], "xx": ["title": "?"]],
                "enrollment": ["mode": "key"], "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-11-01T00:00:00Z",
            ], token: token)
            #expect(invalid.status == .unprocessableContent)
            let fields = (invalid.json["errors"] as? [[String: String]])?.compactMap { $0["field"] }
            #expect(fields == ["slug", "translations.ar", "translations.xx", "enrollment.key", "ends_at"])

            #expect(try await client.send(.post, "/api/v1/courses", json: arabicScript, token: token).status == .created)
            let duplicate = try await client.send(.post, "/api/v1/courses", json: arabicScript, token: token)
            #expect(duplicate.status == .conflict)
            let unknownField = try await client.send(.post, "/api/v1/courses", json: arabicScript.merging(["colour": "blue"]) { $1 }, token: token)
            #expect(unknownField.status == .unprocessableContent)
        }
    }

    @Test func draftsAreInvisibleToEveryoneButTheirInstructorsAndAdmins() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("other@example.org", role: .instructor)
            try await app.makeUser("admin@example.org", role: .admin)
            try await app.makeUser("student@example.org")
            let teacher = try await client.login("teacher@example.org")
            let other = try await client.login("other@example.org")
            let admin = try await client.login("admin@example.org")
            let student = try await client.login("student@example.org")
            _ = try await client.makeCourse(token: teacher)

            #expect(try await client.send(.get, "/api/v1/courses/arabic-script").status == .notFound)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script", token: student).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script", token: other).status == .notFound)
            #expect(try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["slug": "stolen"], token: other).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script", token: admin).status == .ok)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script", token: teacher).status == .ok)

            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/publish", token: teacher).status == .ok)
            let anonymous = try await client.send(.get, "/api/v1/courses/arabic-script")
            #expect(anonymous.status == .ok)
            #expect(anonymous.json["translations"] == nil)
            #expect(try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["slug": "stolen"], token: other).status == .forbidden)
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/unpublish", token: student).status == .forbidden)

            // A co-instructor may edit.
            let otherID = try #require(try await app.accounts.users.find(email: "other@example.org")?.id)
            let added = try await client.send(.post, "/api/v1/courses/arabic-script/instructors", json: ["user_id": otherID.uuidString], token: teacher)
            #expect(added.status == .created)
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/instructors", json: ["user_id": otherID.uuidString], token: teacher).status == .conflict)
            let studentID = try #require(try await app.accounts.users.find(email: "student@example.org")?.id)
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/instructors", json: ["user_id": studentID.uuidString], token: teacher).status == .unprocessableContent)
            let renamed = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["slug": "arabic-letters"], token: other)
            #expect(renamed.json["slug"] as? String == "arabic-letters")
        }
    }

    @Test func publishingNeedsALessonAndArchivingIsSoft() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            #expect(try await client.send(.post, "/api/v1/courses", json: arabicScript, token: teacher).status == .created)
            let empty = try await client.send(.post, "/api/v1/courses/arabic-script/publish", token: teacher)
            #expect(empty.status == .unprocessableContent)
            #expect((empty.json["errors"] as? [[String: String]])?.first?["field"] == "lessons")

            let module = try await client.send(.post, "/api/v1/courses/arabic-script/modules", json: ["translations": ["ar": ["title": "الحروف"]]], token: teacher)
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: ["module_id": module.json["id"] ?? "", "translations": ["ar": ["title": "الألف", "body_markdown": "ا"]]], token: teacher)
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/publish", token: teacher).json["status"] as? String == "published")
            #expect((try await client.send(.get, "/api/v1/courses").json["items"] as? [Any])?.count == 1)

            #expect(try await client.send(.delete, "/api/v1/courses/arabic-script", token: teacher).status == .noContent)
            #expect((try await client.send(.get, "/api/v1/courses").json["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script").status == .notFound)
            let archived = try await client.send(.get, "/api/v1/courses/arabic-script", token: teacher)
            #expect(archived.json["status"] as? String == "archived")
            // The lesson is still there.
            let lessons = try await CourseContentRepository(database: app.database).lessons(of: UUID(uuidString: archived.json["id"] as? String ?? "")!)
            #expect(lessons.count == 1)
        }
    }

    @Test func patchMergesTranslationsAndChecksTheDefaultLanguage() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await client.makeCourse(token: teacher)
            let updated = try await client.send(.patch, "/api/v1/courses/arabic-script", json: [
                "translations": ["ar": ["title": "الخط العربي"], "fr": ["title": "L’écriture arabe", "summary": "Premiers pas"]],
            ], token: teacher)
            #expect(updated.status == .ok)
            #expect((updated.json["translations"] as? [String: Any])?.keys.sorted() == ["ar", "en", "fr"])
            let withoutDefault = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["translations": ["ar": NSNull()]], token: teacher)
            #expect(withoutDefault.status == .unprocessableContent)
            let newDefault = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["default_language": "fr"], token: teacher)
            #expect(newDefault.json["default_language"] as? String == "fr")
            let noTranslation = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["default_language": "tr"], token: teacher)
            #expect(noTranslation.status == .unprocessableContent)
        }
    }
}

@Suite struct CatalogueTests {
    @Test func servesTheNegotiatedLanguage() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await client.makeCourse(token: teacher, publish: true)

            let english = try await client.send(.get, "/api/v1/courses/arabic-script", headers: [.acceptLanguage: "fr;q=0.9, en-GB;q=0.8"])
            #expect(english.json["language"] as? String == "en")
            #expect(english.json["direction"] as? String == "ltr")
            #expect(english.json["title"] as? String == "Arabic script: first steps")
            #expect(english.json["available_languages"] as? [String] == ["ar", "en"])
            #expect(english.headers[.contentLanguage] == "en")
            #expect(english.headers[.vary] == "Accept-Language")
            let query = try await client.send(.get, "/api/v1/courses/arabic-script?lang=ar", headers: [.acceptLanguage: "en"])
            #expect(query.json["language"] as? String == "ar")
            #expect(query.json["direction"] as? String == "rtl")
            let fallback = try await client.send(.get, "/api/v1/courses/arabic-script", headers: [.acceptLanguage: "de, q=broken;;"])
            #expect(fallback.json["language"] as? String == "ar")

            try await app.makeUser("amina@example.org")
            let amina = try await client.login("amina@example.org")
            _ = try await client.send(.patch, "/api/v1/me", json: ["locale": "en-US"], token: amina)
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script", token: amina).json["language"] as? String == "en")
        }
    }

    @Test func searchesEveryLanguageWithItsStemmer() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await client.makeCourse(token: teacher, publish: true)
            _ = try await client.makeCourse([
                "slug": "studying-online", "default_language": "en",
                "translations": [
                    "en": ["title": "Studying online at the Academy", "summary": "How lessons, quizzes and certificates work"],
                    "fr": ["title": "Étudier en ligne à l’Académie", "summary": "Comment fonctionnent les leçons et les certificats"],
                ],
            ], token: teacher, publish: true)
            _ = try await client.makeCourse([
                "slug": "hidden-draft", "default_language": "en", "translations": ["en": ["title": "Letters of a draft"]],
            ], token: teacher)

            func slugs(_ query: String) async throws -> [String] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
                let response = try await client.send(.get, "/api/v1/courses?q=\(encoded)")
                #expect(response.status == .ok)
                return (response.json["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } ?? []
            }
            #expect(try await slugs("letter") == ["arabic-script"])
            #expect(try await slugs("حروف") == ["arabic-script"])
            #expect(try await slugs("certificats") == ["studying-online"])
            #expect(try await slugs("certificate") == ["studying-online"])
            #expect(try await slugs("nothing-matches-this") == [])
            #expect(try await slugs("\" & | ! :*") == [])

            let firstPage = try await client.send(.get, "/api/v1/courses?limit=1")
            let cursor = try #require(firstPage.json["next_cursor"] as? String)
            let secondPage = try await client.send(.get, "/api/v1/courses?limit=1&cursor=\(cursor)")
            #expect((secondPage.json["items"] as? [Any])?.count == 1)
            #expect(secondPage.json["next_cursor"] is NSNull)
            let pages = [firstPage, secondPage].compactMap { ($0.json["items"] as? [[String: Any]])?.first?["slug"] as? String }
            #expect(Set(pages) == ["arabic-script", "studying-online"])

            let mine = try await client.send(.get, "/api/v1/courses?mine=true", token: teacher)
            #expect((mine.json["items"] as? [Any])?.count == 3)
            #expect(try await client.send(.get, "/api/v1/courses?mine=true").status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/courses?mine=null", token: teacher).status == .badRequest)
        }
    }
}
