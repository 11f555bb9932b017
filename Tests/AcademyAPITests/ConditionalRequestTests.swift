import AcademyAPI
import AcademyCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct ConditionalRequestTests {
    /// An unchanged resource costs a 304 without a body; a changed one is sent again with a new tag.
    @Test func ifNoneMatchAnswers304UntilTheResourceChanges() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, _, _, lesson) = try await client.courseScene(app: app)

            let first = try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina)
            let etag = try #require(first.headers[.eTag])
            #expect(etag.hasPrefix("W/\"") && etag.count == 36)
            let unchanged = try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina, headers: [.ifNoneMatch: etag])
            #expect(unchanged.status == .notModified)
            #expect(unchanged.body.readableBytes == 0)
            #expect(unchanged.headers[.eTag] == etag)
            // Another language is another representation, with its own tag.
            let english = try await client.send(.get, "/api/v1/lessons/\(lesson)?lang=en", token: amina, headers: [.ifNoneMatch: etag])
            #expect(english.status == .ok && english.headers[.eTag] != etag)

            let edited = try await client.send(.patch, "/api/v1/lessons/\(lesson)", json: ["release_at": "2020-01-01T00:00:00Z"], token: teacher)
            #expect(edited.status == .ok, "\(edited.text)")
            let changed = try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok)
            #expect(changed.headers[.eTag] != etag)
            #expect(try await client.send(.get, "/api/v1/me", token: amina, headers: [.ifNoneMatch: "*"]).status == .notModified)
        }
    }

    /// An edit sent with the tag of what the editor last read is refused once someone else
    /// changed the resource, so no change is silently overwritten.
    @Test func ifMatchRefusesAnEditOfAStaleCopy() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await client.makeCourse(token: teacher)
            let read = try await client.send(.get, "/api/v1/courses/arabic-script", token: teacher)
            let etag = try #require(read.headers[.eTag])
            let mine = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "open", "capacity": 30]], token: teacher, headers: [.ifMatch: etag])
            #expect(mine.status == .ok, "\(mine.text)")
            let stale = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "open", "capacity": 40]], token: teacher, headers: [.ifMatch: etag])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.json["type"] as? String == "/problems/precondition-failed")
            let stored = try await client.send(.get, "/api/v1/courses/arabic-script", token: teacher)
            #expect((stored.json["enrollment"] as? [String: Any])?["capacity"] as? Int == 30)
            let fresh = try #require(stored.headers[.eTag])
            #expect(try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "open", "capacity": 40]], token: teacher, headers: [.ifMatch: fresh]).status == .ok)

            // A bad change is refused for its own sake, whatever the tag.
            let invalid = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["capacity": 0]], token: teacher, headers: [.ifMatch: etag])
            #expect(invalid.status == .unprocessableContent)
            // Who may not see the resource learns that first, not whether their tag is current.
            let anonymous = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "open"]], headers: [.ifMatch: etag])
            #expect(anonymous.status == .unauthorized)
            let missing = try await client.send(.patch, "/api/v1/courses/no-such-course", json: ["enrollment": ["mode": "open"]], token: teacher, headers: [.ifMatch: etag])
            #expect(missing.status == .notFound)
        }
    }
}
