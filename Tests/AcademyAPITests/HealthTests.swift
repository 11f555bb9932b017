import AcademyStore
import AcademyTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite struct HealthTests {
    @Test func liveAnswersWhileTheProcessRuns() async throws {
        try await TestApp.run { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.json["status"] as? String == "live")
            }
        }
    }

    @Test func readyWhenTheDatabaseAnswersAndTheSchemaIsCurrent() async throws {
        let migrationCount = try Migration.bundled().count
        try await TestApp.run { client in
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = response.json
                #expect(body["status"] as? String == "ready")
                #expect(body["applied_migrations"] as? Int == migrationCount)
            }
        }
    }

    @Test func notReadyWhileMigrationsArePending() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestApp.run(databaseURL: url, overrides: ["ACADEMY_AUTO_MIGRATE": "false"]) { client in
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[.retryAfter] != nil)
                    let detail = try #require(response.json["detail"] as? String)
                    #expect(detail.contains("pending"))
                }
            }
        }
    }

    @Test func autoMigrateBringsAnEmptyDatabaseToReady() async throws {
        try await TestDatabases.withEmptyDatabase { url in
            try await TestApp.run(databaseURL: url) { client in
                var status: HTTPResponse.Status = .serviceUnavailable
                for _ in 0..<100 where status != .ok {
                    status = try await client.execute(uri: "/health/ready", method: .get) { $0.status }
                    if status != .ok { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(status == .ok)
            }
        }
    }

    @Test func unreachableDatabaseKeepsLiveUpAndReadyAt503() async throws {
        // Nothing listens on port 1: every connection attempt is refused.
        let unreachable = try DatabaseURL("postgres://nobody:secret@127.0.0.1:1/none?sslmode=disable")
        let logs = LogCapture()
        try await TestApp.run(databaseURL: unreachable, overrides: ["ACADEMY_DATABASE_TIMEOUT_SECONDS": "1"], logs: logs) { client in
            try await client.execute(uri: "/health/live", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "1")
                let body = response.json
                #expect(body["title"] as? String == "Service Unavailable")
                #expect(!response.text.contains("secret"))
            }
            // The start-up migration keeps retrying and says why.
            for _ in 0..<50 where !logs.lines.contains(where: { $0.message.contains("Database not reachable") }) {
                try await Task.sleep(for: .milliseconds(100))
            }
            let retry = logs.lines.first { $0.message.contains("Database not reachable") }
            #expect(retry?.metadata["retry_in"] != nil)
            #expect(retry?.metadata["reason"] != nil)
        }
        let leaking = logs.lines.filter { line in line.message.contains("secret") || line.metadata.values.contains { $0.contains("secret") } }
        #expect(leaking.isEmpty, "\(leaking.map { "\($0.level) \($0.message) \($0.metadata)" })")
    }
}
