import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// ACADEMY_DATABASE_REPLICA_URL against the streaming replica Scripts/test starts beside the test
/// cluster (every test database is replicated as it is made). Its replay is paused to make it lag.
@Suite struct ReadReplicaTests {
    static func replica(of url: DatabaseURL) throws -> String {
        guard let port = ProcessInfo.processInfo.environment["TEST_DATABASE_REPLICA_PORT"] else {
            throw TestDatabaseError("TEST_DATABASE_REPLICA_PORT is not set: run the tests with Scripts/test, which starts a streaming replica")
        }
        return "postgres://\(url.username):\(url.password ?? "")@\(url.host):\(port)/\(url.database)?sslmode=disable"
    }

    /// Pauses or resumes the replica's replay, as its superuser over its unix socket.
    static func replay(_ action: String) async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let port = environment["TEST_DATABASE_REPLICA_PORT"], let socket = environment["TEST_DATABASE_REPLICA_SOCKET"] else {
            throw TestDatabaseError("TEST_DATABASE_REPLICA_SOCKET is not set: run the tests with Scripts/test, which starts a streaming replica")
        }
        let superuser = try DatabaseURL("postgres://postgres@localhost:\(port)/postgres?host=\(socket)")
        do {
            try await TestDatabases.withDatabase(superuser) { database in
                try await database.run(action == "pause" ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()")
            }
        } catch let error as PSQLError {
            throw TestDatabaseError("replay \(action): \(error.serverInfo?[.message] ?? String(reflecting: error))")
        }
    }

    static func catalogue(_ client: some TestClientProtocol, token: String? = nil) async throws -> [String] {
        let page = try await client.send(.get, "/api/v1/courses", token: token)
        return (page.json["items"] as? [[String: Any]])?.compactMap { $0["slug"] as? String } ?? []
    }

    /// Polls `condition` for up to two minutes: the replica replays every test database the suite
    /// makes beside this test (each a copy of the template's files: `AdminConnection.create`), and
    /// on two busy cores it may fall seconds behind.
    static func eventually(_ what: Comment, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<1200 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("never: \(what)")
    }

    static func course(_ slug: String) -> [String: Any] {
        ["slug": slug, "default_language": "en", "translations": ["en": ["title": "Course \(slug)"]]]
    }

    @Test func visitorsReadTheCatalogueFromTheReplicaWhileItKeepsUpAndWritersFromThePrimary() async throws {
        try await TestDatabases.withMigratedDatabase { url in
            let replica = try Self.replica(of: url)
            try await TestApp.run(databaseURL: url, overrides: ["ACADEMY_DATABASE_REPLICA_URL": replica, "ACADEMY_REPLICA_MAX_LAG_SECONDS": "3600"]) { client, app in
                try await app.makeUser("teacher@example.org", role: .instructor)
                try await app.makeUser("amina@example.org")
                let teacher = try await client.login("teacher@example.org")
                let amina = try await client.login("amina@example.org")
                _ = try await client.makeCourse(Self.course("first-course"), token: teacher, publish: true)
                try await Self.eventually("the replica is read") { app.replica?.isUsable == true }
                try await Self.eventually("the replica has the first course") { try await Self.catalogue(client).contains("first-course") }

                try await Self.replay("pause")
                do {
                    let (_, lesson) = try await client.makeCourse(Self.course("second-course"), token: teacher, publish: true)
                    // Within the bound (an hour), visitors and students read the paused replica...
                    #expect(try await Self.catalogue(client) == ["first-course"])
                    #expect(try await Self.catalogue(client, token: amina) == ["first-course"])
                    // ...while the instructor who just published reads the primary.
                    #expect(Set(try await Self.catalogue(client, token: teacher)) == ["first-course", "second-course"])

                    // A certificate issued now is not on the replica: its check reads the primary.
                    _ = try await client.send(.post, "/api/v1/courses/second-course/enrollments", json: [:], token: amina)
                    #expect(try await client.send(.post, "/api/v1/lessons/\(lesson)/complete", token: amina).status == .ok)
                    let certificate = try #require(
                        (try await client.send(.get, "/api/v1/me/certificates", token: amina).json["items"] as? [[String: Any]])?.first?["id"] as? String
                    )
                    let verified = try await client.send(.get, "/api/v1/certificates/\(certificate)")
                    #expect(verified.status == .ok && verified.json["valid"] as? Bool == true)
                } catch {
                    try await Self.replay("resume")
                    throw error
                }
                try await Self.replay("resume")
                try await Self.eventually("the replica catches up") { try await Self.catalogue(client).count == 2 }
            }

            // A tight bound: a paused replica soon lags past it, and visitors read the primary.
            try await TestApp.run(databaseURL: url, overrides: ["ACADEMY_DATABASE_REPLICA_URL": replica, "ACADEMY_REPLICA_MAX_LAG_SECONDS": "1"]) { client, app in
                let teacher = try await client.login("teacher@example.org")
                try await Self.replay("pause")
                do {
                    _ = try await client.makeCourse(Self.course("third-course"), token: teacher, publish: true)
                    try await Self.eventually("the lagging replica is left") { app.replica?.isUsable == false }
                    #expect(Set(try await Self.catalogue(client)) == ["first-course", "second-course", "third-course"])
                } catch {
                    try await Self.replay("resume")
                    throw error
                }
                try await Self.replay("resume")
            }

            // A replica that cannot be reached: everything from the primary.
            try await TestApp.run(databaseURL: url, overrides: ["ACADEMY_DATABASE_REPLICA_URL": "postgres://nobody:x@127.0.0.1:9/none?sslmode=disable"]) { client, app in
                #expect(app.replica?.isUsable == false)
                let served = try await Self.catalogue(client)
                #expect(Set(served) == ["first-course", "second-course", "third-course"])
            }
        }
    }
}
