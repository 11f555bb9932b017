import AcademyCore
import Foundation
import HTTPTypes
import NIOCore
import HummingbirdTesting
import Testing

/// Every PATCH is a JSON Merge Patch (RFC 7396): what is left out stays, `null` removes, objects
/// merge member by member, and the result is validated as a whole.
@Suite struct MergePatchTests {
    @Test func fixingOneTranslationOfACourseKeepsTheOthers() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app, enrolled: false)
            let fixed = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["translations": ["en": ["title": "Arabic script: the first steps"]]], token: scene.teacher)
            #expect(fixed.status == .ok, "\(fixed.text)")
            let translations = try #require(fixed.json["translations"] as? [String: [String: String]])
            #expect(translations["en"] == ["title": "Arabic script: the first steps", "summary": "Learn to write and pronounce the Arabic letters"])
            #expect(translations["ar"]?["title"] == "الخط العربي: الخطوات الأولى")

            let scheduled = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["starts_at": "2027-01-01T00:00:00Z", "enrollment": ["capacity": 40]], token: scene.teacher)
            #expect(scheduled.json["starts_at"] as? String == "2027-01-01T00:00:00Z")
            #expect((scheduled.json["enrollment"] as? [String: Any])?["capacity"] as? Int == 40)
            #expect((scheduled.json["enrollment"] as? [String: Any])?["mode"] as? String == "open")
            let cleared = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["starts_at": NSNull(), "enrollment": ["capacity": NSNull()]], token: scene.teacher)
            #expect(cleared.json["starts_at"] is NSNull)
            #expect((cleared.json["enrollment"] as? [String: Any])?["capacity"] is NSNull)

            let dropped = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["translations": ["en": NSNull()]], token: scene.teacher)
            #expect((dropped.json["translations"] as? [String: Any])?.keys.sorted() == ["ar"])
            let noDefault = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["translations": ["ar": NSNull()]], token: scene.teacher)
            #expect(noDefault.status == .unprocessableContent)
            #expect(noDefault.fieldErrors == ["translations.ar"])
            let noSlug = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["slug": NSNull()], token: scene.teacher)
            #expect(noSlug.fieldErrors == ["slug"])
            let notAPatch = try await client.execute(
                uri: "/api/v1/courses/arabic-script", method: .patch,
                headers: [.authorization: "Bearer \(scene.teacher)", .contentType: "application/merge-patch+json"], body: ByteBuffer(string: "[]")
            )
            #expect(notAPatch.status == .unprocessableContent)
            let stored = try await client.send(.get, "/api/v1/courses/arabic-script", token: scene.teacher)
            #expect((stored.json["translations"] as? [String: Any])?.keys.sorted() == ["ar"])
            #expect(stored.json["slug"] as? String == "arabic-script")
        }
    }

    @Test func aLessonKeepsItsOtherTextsAndClearsItsReleaseDate() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app, enrolled: false)
            let path = "/api/v1/lessons/\(scene.lesson)"
            let released = try await client.send(.patch, path, json: ["release_at": "2027-03-01T00:00:00Z", "translations": ["en": ["title": "Alif, the first letter"]]], token: scene.teacher)
            #expect(released.status == .ok, "\(released.text)")
            #expect(released.json["release_at"] as? String == "2027-03-01T00:00:00Z")
            let english = try #require((released.json["translations"] as? [String: [String: String]])?["en"])
            #expect(english == ["title": "Alif, the first letter", "body_markdown": "# Alif\n\nThe first **letter**"])
            let cleared = try await client.send(.patch, path, json: ["release_at": NSNull()], token: scene.teacher)
            #expect(cleared.json["release_at"] is NSNull)
            let arabic = try await client.send(.get, path + "?lang=ar", token: scene.teacher)
            #expect(arabic.json["body_html"] as? String == "<h1>الألف</h1>\n<p>أول <strong>الحروف</strong></p>\n")
            #expect(arabic.json["title"] as? String == "الألف")
        }
    }

    @Test func aQuizKeepsItsQuestionsWhenOneSettingChanges() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.quizScene(app: app)
            let path = "/api/v1/quizzes/\(scene.quiz)"
            let timed = try await client.send(.patch, path, json: ["time_limit_seconds": 600], token: scene.teacher)
            #expect(timed.status == .ok, "\(timed.text)")
            #expect((timed.json["settings"] as? [String: Any])?["time_limit_seconds"] as? Int == 600)
            #expect((timed.json["settings"] as? [String: Any])?["pass_percent"] as? Double == 60)
            #expect((timed.json["questions"] as? [[String: Any]])?.count == 3)
            let untimed = try await client.send(.patch, path, json: ["time_limit_seconds": NSNull(), "required": NSNull()], token: scene.teacher)
            #expect((untimed.json["settings"] as? [String: Any])?["time_limit_seconds"] as? Int == nil)
            #expect((untimed.json["settings"] as? [String: Any])?["required"] as? Bool == false)
            let moved = try await client.send(.patch, path, json: ["position": 9], token: scene.teacher)
            #expect(moved.fieldErrors == ["position"])
        }
    }

    @Test func aProfileClearsOneFieldAndKeepsTheRest() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app, enrolled: false)
            let set = try await client.send(.patch, "/api/v1/me", json: ["locale": "ar", "timezone": "Asia/Riyadh"], token: scene.amina)
            #expect(set.status == .ok, "\(set.text)")
            let cleared = try await client.send(.patch, "/api/v1/me", json: ["locale": NSNull()], token: scene.amina)
            #expect(cleared.json["locale"] is NSNull)
            #expect(cleared.json["timezone"] as? String == "Asia/Riyadh")
            let nameless = try await client.send(.patch, "/api/v1/me", json: ["display_name": NSNull()], token: scene.amina)
            #expect(nameless.fieldErrors == ["display_name"])
            #expect(try await client.send(.patch, "/api/v1/me", json: [:], token: scene.amina).status == .ok)
        }
    }
}

extension TestResponse {
    /// The fields a 422 problem names, in order.
    var fieldErrors: [String] {
        (json["errors"] as? [[String: String]])?.compactMap { $0["field"] } ?? []
    }
}
