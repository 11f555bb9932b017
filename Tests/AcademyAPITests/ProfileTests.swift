import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct ProfileTests {
    @Test func updatesAndClearsProfileFields() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org", name: "Amina")
            let token = try await client.login("amina@example.org")
            let updated = try await client.send(.patch, "/api/v1/me", json: ["display_name": "أمينة", "locale": "ar-EG", "timezone": "Africa/Cairo"], token: token)
            #expect(updated.status == .ok)
            #expect(updated.json["display_name"] as? String == "أمينة")
            #expect(updated.json["locale"] as? String == "ar-EG")
            let cleared = try await client.send(.patch, "/api/v1/me", json: ["locale": NSNull()], token: token)
            #expect(cleared.json["locale"] is NSNull)
            #expect(cleared.json["timezone"] as? String == "Africa/Cairo")
            let stored = try await app.accounts.users.find(email: "amina@example.org")
            #expect(stored?.locale == nil)
            #expect(stored?.displayName == "أمينة")
        }
    }

    @Test func refusesBadValuesAndUnknownFields() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            let token = try await client.login("amina@example.org")
            let bad = try await client.send(.patch, "/api/v1/me", json: ["timezone": "Mars/Base", "locale": "klingon!"], token: token)
            #expect(bad.status == .unprocessableContent)
            #expect((bad.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } == ["locale", "timezone"])
            // A user cannot make themselves admin through their profile.
            let escalate = try await client.send(.patch, "/api/v1/me", json: ["role": "admin"], token: token)
            #expect(escalate.status == .unprocessableContent)
            #expect(try await app.accounts.users.find(email: "amina@example.org")?.role == .student)
        }
    }

    @Test func aPasswordChangeKeepsThisSessionAndEndsTheOthers() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            let here = try await client.login("amina@example.org")
            let elsewhere = try await client.login("amina@example.org")
            let wrong = try await client.send(.patch, "/api/v1/me", json: ["current_password": "not my password", "new_password": "a new long password"], token: here)
            #expect(wrong.status == .unprocessableContent)
            #expect((wrong.json["errors"] as? [[String: String]])?.first?["field"] == "current_password")
            let missing = try await client.send(.patch, "/api/v1/me", json: ["new_password": "a new long password"], token: here)
            #expect(missing.status == .unprocessableContent)

            let changed = try await client.send(.patch, "/api/v1/me", json: ["current_password": goodPassword, "new_password": "a new long password"], token: here)
            #expect(changed.status == .ok)
            #expect(try await client.send(.get, "/api/v1/me", token: here).status == .ok)
            #expect(try await client.send(.get, "/api/v1/me", token: elsewhere).status == .unauthorized)
            let old = try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": goodPassword])
            #expect(old.status == .unauthorized)
            _ = try await client.login("amina@example.org", password: "a new long password")
        }
    }

    @Test func listsAndRevokesOwnSessions() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("amina@example.org")
            try await app.makeUser("bilal@example.org")
            let phone = try await client.login("amina@example.org", headers: [.userAgent: "Phone/1.0"])
            let laptop = try await client.login("amina@example.org", headers: [.userAgent: "Laptop/2.0"])
            let bilal = try await client.login("bilal@example.org")
            let list = try await client.send(.get, "/api/v1/me/sessions", token: laptop)
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(list.json["next_cursor"] is NSNull)
            let current = try #require(items.first { $0["current"] as? Bool == true })
            #expect(current["user_agent"] as? String == "Laptop/2.0")
            let phoneSession = try #require(items.first { $0["current"] as? Bool == false }?["id"] as? String)

            // Another user's session is not yours to revoke, or even to know of.
            let bilalSessions = try await client.send(.get, "/api/v1/me/sessions", token: bilal)
            let bilalSession = try #require((bilalSessions.json["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await client.send(.delete, "/api/v1/me/sessions/\(bilalSession)", token: laptop).status == .notFound)
            #expect(try await client.send(.get, "/api/v1/me", token: bilal).status == .ok)

            #expect(try await client.send(.delete, "/api/v1/me/sessions/\(phoneSession)", token: laptop).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/me", token: phone).status == .unauthorized)
            #expect(try await client.send(.delete, "/api/v1/me/sessions/\(phoneSession)", token: laptop).status == .notFound)
            #expect(try await client.send(.delete, "/api/v1/me/sessions/not-a-uuid", token: laptop).status == .notFound)
        }
    }
}
