import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct UsersAdminTests {
    @Test func adminsCreateAccountsOfAnyRole() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("admin@example.org", role: .admin)
            let admin = try await client.login("admin@example.org")
            let created = try await client.send(.post, "/api/v1/users", json: [
                "email": "teacher@example.org", "password": goodPassword, "display_name": "Ustadh Yusuf", "role": "instructor",
            ], token: admin)
            #expect(created.status == .created)
            #expect(created.json["role"] as? String == "instructor")
            let id = try #require(created.json["id"] as? String)
            let shown = try await client.send(.get, "/api/v1/users/\(id)", token: admin)
            #expect(shown.json["email"] as? String == "teacher@example.org")
            #expect(try await client.send(.get, "/api/v1/users/\(UUID().uuidString)", token: admin).status == .notFound)
            let badRole = try await client.send(.post, "/api/v1/users", json: [
                "email": "x@example.org", "password": goodPassword, "display_name": "X", "role": "superuser",
            ], token: admin)
            #expect(badRole.status == .unprocessableContent)
        }
    }

    @Test func nonAdminsAreForbidden() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let student = try await app.makeUser("student@example.org")
            let teacher = try await client.login("teacher@example.org")
            #expect(try await client.send(.get, "/api/v1/users", token: teacher).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/users/\(student.id)", token: teacher).status == .forbidden)
            let escalate = try await client.send(.patch, "/api/v1/users/\(student.id)", json: ["role": "admin"], token: teacher)
            #expect(escalate.status == .forbidden)
            let create = try await client.send(.post, "/api/v1/users", json: [
                "email": "new@example.org", "password": goodPassword, "display_name": "N", "role": "admin",
            ], token: teacher)
            #expect(create.status == .forbidden)
            #expect(try await app.accounts.users.find(email: "new@example.org") == nil)
            #expect(try await app.accounts.users.find(id: student.id)?.role == .student)
        }
    }

    @Test func listsSearchesFiltersAndPages() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("admin@example.org", role: .admin, name: "Admin")
            for (index, name) in ["Zainab", "أمينة", "Bilal", "Yusuf", "Aisha"].enumerated() {
                try await app.makeUser("user\(index)@example.org", role: index == 3 ? .instructor : .student, name: name)
            }
            let admin = try await client.login("admin@example.org")
            var names: [String] = []
            var cursor: String?
            repeat {
                let query = cursor.map { "&cursor=\($0)" } ?? ""
                let page = try await client.send(.get, "/api/v1/users?limit=2\(query)", token: admin)
                #expect(page.status == .ok)
                names += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["display_name"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(names == ["Admin", "Aisha", "Bilal", "Yusuf", "Zainab", "أمينة"])

            let instructors = try await client.send(.get, "/api/v1/users?role=instructor", token: admin)
            #expect((instructors.json["items"] as? [[String: Any]])?.compactMap { $0["display_name"] as? String } == ["Yusuf"])
            let search = try await client.send(.get, "/api/v1/users?q=%D8%A3%D9%85%D9%8A", token: admin)
            #expect((search.json["items"] as? [[String: Any]])?.compactMap { $0["display_name"] as? String } == ["أمينة"])
            let wildcard = try await client.send(.get, "/api/v1/users?q=%25", token: admin)
            #expect((wildcard.json["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/v1/users?role=pope", token: admin).status == .badRequest)
            #expect(try await client.send(.get, "/api/v1/users?limit=500", token: admin).status == .badRequest)
        }
    }

    @Test func roleChangesAndDisablingFollowThePolicy() async throws {
        try await TestApp.withApp { client, app in
            let root = try await app.makeUser("admin@example.org", role: .admin)
            let student = try await app.makeUser("student@example.org")
            let admin = try await client.login("admin@example.org")
            let studentToken = try await client.login("student@example.org")

            let promoted = try await client.send(.patch, "/api/v1/users/\(student.id)", json: ["role": "instructor"], token: admin)
            #expect(promoted.json["role"] as? String == "instructor")
            // The student's session continues with the new role.
            #expect(try await client.send(.get, "/api/v1/me", token: studentToken).json["role"] as? String == "instructor")

            let selfDemotion = try await client.send(.patch, "/api/v1/users/\(root.id)", json: ["role": "student"], token: admin)
            #expect(selfDemotion.status == .forbidden)
            let selfDisable = try await client.send(.patch, "/api/v1/users/\(root.id)", json: ["disabled": true], token: admin)
            #expect(selfDisable.status == .forbidden)

            let disabled = try await client.send(.patch, "/api/v1/users/\(student.id)", json: ["disabled": true], token: admin)
            #expect(disabled.json["disabled"] as? Bool == true)
            #expect(try await client.send(.get, "/api/v1/me", token: studentToken).status == .unauthorized)
            let enabled = try await client.send(.patch, "/api/v1/users/\(student.id)", json: ["disabled": false], token: admin)
            #expect(enabled.json["disabled"] as? Bool == false)
            // Enabling does not bring old sessions back.
            #expect(try await client.send(.get, "/api/v1/me", token: studentToken).status == .unauthorized)

            let events = try await app.auditLog.tail(limit: 20).map(\.event)
            #expect(events.contains(.roleChanged))
            #expect(events.contains(.userDisabled))
            #expect(events.contains(.userEnabled))
        }
    }

    @Test func theLastAdminSurvivesTwoAdminsDemotingEachOtherAtOnce() async throws {
        try await TestApp.withApp { client, app in
            let first = try await app.makeUser("first@example.org", role: .admin)
            let second = try await app.makeUser("second@example.org", role: .admin)
            let firstToken = try await client.login("first@example.org")
            let secondToken = try await client.login("second@example.org")
            async let a = client.send(.patch, "/api/v1/users/\(second.id)", json: ["role": "student"], token: firstToken)
            async let b = client.send(.patch, "/api/v1/users/\(first.id)", json: ["role": "student"], token: secondToken)
            let statuses = [try await a.status, try await b.status]
            #expect(statuses.contains(.ok))
            #expect(statuses.contains(.conflict) || statuses.contains(.unauthorized) || statuses.contains(.forbidden))
            let admins = try await app.accounts.users.list(matching: nil, role: .admin, page: PageRequest())
            #expect(admins.items.count == 1)
        }
    }
}

@Suite struct PasswordPoolTests {
    @Test func aLoginStormBeyondThePoolGets503WithRetryAfter() async throws {
        // One hashing thread, a queue of one, and a hash slow enough to keep them busy.
        let overrides = ["ACADEMY_PASSWORD_HASH_THREADS": "1", "ACADEMY_PASSWORD_HASH_QUEUE": "1", "ACADEMY_PASSWORD_HASH_COST": "15"]
        try await TestApp.withApp(overrides: overrides) { client, app in
            try await app.makeUser("amina@example.org")
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let response = try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": goodPassword])
                        return (response.status, response.headers[.retryAfter])
                    }
                }
                var collected: [(HTTPResponse.Status, String?)] = []
                for try await result in group { collected.append(result) }
                return collected
            }
            let refused = statuses.filter { $0.0 == .serviceUnavailable }
            #expect(!refused.isEmpty)
            #expect(refused.allSatisfy { $0.1 == "2" })
            #expect(statuses.contains { $0.0 == .ok })
            #expect(statuses.allSatisfy { [.ok, .serviceUnavailable].contains($0.0) })
        }
    }
}

@Suite struct SecretsTests {
    /// At every level: at trace the database driver logs each message it receives, rows
    /// included, so it is held at debug.
    @Test(arguments: ["debug", "trace"])
    func noResponseOrLogLineCarriesAPasswordOrAHash(level: String) async throws {
        let logs = LogCapture()
        let password = "unforgettable-Sentence-42"
        let bodies = try await TestApp.withApp(overrides: ["ACADEMY_LOG_LEVEL": level], logs: logs) { client, app in
            try await app.makeUser("admin@example.org", role: .admin)
            var seen: [String] = []
            seen.append(try await client.register("amina@example.org", password: password).text)
            let login = try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": password])
            seen.append(login.text)
            let token = login.json["token"] as? String ?? ""
            seen.append(try await client.send(.post, "/api/v1/auth/login", json: ["email": "amina@example.org", "password": password + "x"]).text)
            seen.append(try await client.send(.get, "/api/v1/me", token: token).text)
            seen.append(try await client.send(.patch, "/api/v1/me", json: ["current_password": password, "new_password": password + "-2"], token: token).text)
            let admin = try await client.login("admin@example.org")
            seen.append(try await client.send(.get, "/api/v1/users", token: admin).text)
            let audit = try await app.auditLog.tail(limit: 50)
            seen.append(audit.map { "\($0)" }.joined(separator: "\n"))
            return seen
        }
        for body in bodies {
            #expect(!body.contains(password))
            #expect(!body.contains("$scrypt$"))
            #expect(!body.contains("password_hash"))
        }
        #expect(!logs.lines.isEmpty)
        // Rows are logged as bytes: look for the hash's prefix in hex as well.
        let hexPrefix = Array("$scrypt$".utf8).map { String(format: "%02x", $0) }.joined()
        for line in logs.lines {
            let text = line.message + " " + line.metadata.values.joined(separator: " ")
            #expect(!text.contains(password), "\(line.message)")
            #expect(!text.contains("$scrypt$"), "\(line.message)")
            #expect(!text.replacingOccurrences(of: " ", with: "").contains(hexPrefix), "\(line.message.prefix(200))")
        }
    }
}
