import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite struct IdempotencyTests {
    static let key = HTTPField.Name("Idempotency-Key")!
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    /// A retried enrolment gets the first answer back and enrols once; the same key for another
    /// request is refused; another session's key is its own.
    @Test func aRetryWithTheSameKeyGetsTheFirstAnswerAndActsOnce() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, _, _, _) = try await client.courseScene(app: app, enrolled: false)

            let first = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina, headers: [Self.key: "enrol-1"])
            #expect(first.status == .created)
            #expect(first.headers[Self.replayed] == nil)
            let retry = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina, headers: [Self.key: "enrol-1"])
            #expect(retry.status == .created)
            #expect(retry.headers[Self.replayed] == "true")
            #expect(retry.text == first.text)
            #expect(retry.headers[.contentType] == first.headers[.contentType])
            let rows = try await app.database.rows("SELECT count(*)::int FROM enrollments", as: Int.self)
            #expect(rows == [1])
            // Without the key, the second enrolment is what it always was: a conflict.
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina).status == .conflict)

            let other = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["key": "not the same"], token: amina, headers: [Self.key: "enrol-1"])
            #expect(other.status == .unprocessableContent)
            #expect((other.json["errors"] as? [[String: String]])?.first?["field"] == "Idempotency-Key")

            // The key belongs to the session that sent it.
            let draft: [String: Any] = ["slug": "second-course", "default_language": "ar", "translations": ["ar": ["title": "دورة", "summary": "وصف"]]]
            let made = try await client.send(.post, "/api/v1/courses", json: draft, token: teacher, headers: [Self.key: "enrol-1"])
            #expect(made.status == .created, "\(made.text)")
            let again = try await client.send(.post, "/api/v1/courses", json: draft, token: teacher, headers: [Self.key: "enrol-1"])
            #expect(again.headers[Self.replayed] == "true")
            #expect(again.json["id"] as? String == made.json["id"] as? String)
            let courses = try await app.database.rows("SELECT count(*)::int FROM courses WHERE slug = 'second-course'", as: Int.self)
            #expect(courses == [1])

            let bad = try await client.send(.post, "/api/v1/courses", json: draft, token: teacher, headers: [Self.key: "with space"])
            #expect(bad.status == .badRequest)

            // A token whose signature fails leaves nothing behind (it is not even looked up).
            let kept = try await app.database.rows("SELECT count(*)::int FROM idempotency_keys", as: Int.self)
            let forged = String(teacher.dropLast(4)) + "AAAA"
            #expect(try await client.send(.post, "/api/v1/courses", json: draft, token: forged, headers: [Self.key: "forged-1"]).status == .unauthorized)
            #expect(try await app.database.rows("SELECT count(*)::int FROM idempotency_keys", as: Int.self) == kept)
        }
    }

    /// Only answers that acted are kept: a refused request runs again when retried.
    @Test func aFailedRequestIsNotKept() async throws {
        try await TestApp.withApp { client, app in
            let (teacher, amina, _, _, _) = try await client.courseScene(app: app, enrolled: false)
            _ = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "closed"]], token: teacher)
            let refused = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina, headers: [Self.key: "k"])
            #expect(refused.status == .forbidden)
            _ = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "open"]], token: teacher)
            let retried = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina, headers: [Self.key: "k"])
            #expect(retried.status == .created)
            #expect(retried.headers[Self.replayed] == nil)
        }
    }

    @Test func expiredRowsArePruned() async throws {
        try await TestApp.withApp { _, app in
            try await app.database.run(
                """
                INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ('c', 'old', 'f', now() - interval '25 hours'), ('c', 'new', 'f', now());
                """
            )
            try await app.database.run("INSERT INTO throttle_events (scope, key, occurred_at) VALUES ('registration', 'a', now() - interval '2 days')")
            try await app.database.run("INSERT INTO login_failures (email_key, client_address, failed_at) VALUES ('e', 'a', now() - interval '2 days')")
            #expect(try await ExpiredRows(database: app.database).prune() == 3)
            #expect(try await app.database.rows("SELECT key FROM idempotency_keys", as: String.self) == ["new"])
        }
    }
}
