import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@Suite struct EnrollmentTests {
    func course(_ client: any TestClientProtocol, teacher: String, enrollment: [String: Any]) async throws -> (module: String, lesson: String) {
        let made = try await client.makeCourse(token: teacher, publish: true)
        let patched = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": enrollment], token: teacher)
        #expect(patched.status == .ok, "\(patched.text)")
        return made
    }

    /// Keys are hashed like passwords, so wrong ones are limited before any hashing: after the
    /// limit even the right key waits, for this student and course only.
    @Test func wrongEnrolmentKeysAreLimitedPerStudentAndCourse() async throws {
        try await TestApp.withApp(overrides: ["ACADEMY_ENROLLMENT_KEY_FAILURES": "2"]) { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            for name in ["amina", "bilal"] { try await app.makeUser("\(name)@example.org") }
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let bilal = try await client.login("bilal@example.org")
            _ = try await client.makeCourse(token: teacher, publish: true)
            let short = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "key", "key": "1234"]], token: teacher)
            #expect(short.status == .unprocessableContent)
            #expect((short.json["errors"] as? [[String: String]])?.first?["field"] == "enrollment.key")
            #expect(try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "key", "key": "open sesame"]], token: teacher).status == .ok)

            let enrol = { (key: String, token: String) in
                try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["key": key], token: token)
            }
            #expect(try await enrol("wrong guess 1", amina).status == .forbidden)
            #expect(try await enrol("wrong guess 2", amina).status == .forbidden)
            let limited = try await enrol("open sesame", amina)
            #expect(limited.status == .tooManyRequests)
            #expect((1...900).contains(Int(limited.headers[.retryAfter] ?? "") ?? 0))
            let stored = try await app.database.rows(
                "SELECT count(*)::int FROM enrollments e JOIN users u ON u.id = e.user_id WHERE u.email = 'amina@example.org'", as: Int.self
            )
            #expect(stored == [0])
            // Another student is not held back by Amina's guesses.
            #expect(try await enrol("open sesame", bilal).status == .created)
        }
    }

    @Test func openKeyApprovalAndClosedModes() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            for name in ["amina", "bilal", "chen"] { try await app.makeUser("\(name)@example.org") }
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let bilal = try await client.login("bilal@example.org")
            let chen = try await client.login("chen@example.org")
            _ = try await course(client, teacher: teacher, enrollment: ["mode": "key", "key": "open sesame"])

            let wrong = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["key": "guess"], token: amina)
            #expect(wrong.status == .forbidden)
            let joined = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["key": "open sesame"], token: amina)
            #expect(joined.status == .created)
            #expect(joined.json["status"] as? String == "active")
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["key": "open sesame"], token: amina).status == .conflict)

            _ = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "approval"]], token: teacher)
            let pending = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: bilal)
            #expect(pending.json["status"] as? String == "pending")
            let pendingID = try #require(pending.json["id"] as? String)
            #expect(try await client.send(.patch, "/api/v1/enrollments/\(pendingID)", json: ["status": "active"], token: bilal).status == .forbidden)
            let approved = try await client.send(.patch, "/api/v1/enrollments/\(pendingID)", json: ["status": "active"], token: teacher)
            #expect(approved.json["status"] as? String == "active")

            _ = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["enrollment": ["mode": "closed"]], token: teacher)
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: chen).status == .forbidden)
            let added = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["email": "chen@example.org"], token: teacher)
            #expect(added.status == .created)
            #expect(added.json["status"] as? String == "active")
            #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: ["email": "bilal@example.org"], token: amina).status == .forbidden)

            let roster = try await client.send(.get, "/api/v1/courses/arabic-script/enrollments", token: teacher)
            let names = (roster.json["items"] as? [[String: Any]])?.compactMap { ($0["user"] as? [String: Any])?["email"] as? String }
            #expect(names?.sorted() == ["amina@example.org", "bilal@example.org", "chen@example.org"])
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script/enrollments", token: amina).status == .forbidden)
        }
    }

    @Test func dropsKeepHistoryAndReEnrolmentReactivates() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let (module, lesson) = try await course(client, teacher: teacher, enrollment: ["mode": "open"])
            // A second lesson, so that completing the first does not finish the course.
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                "module_id": module, "translations": ["ar": ["title": "الباء", "body_markdown": "ب"]],
            ], token: teacher)
            let joined = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)
            let id = try #require(joined.json["id"] as? String)
            #expect(try await client.send(.post, "/api/v1/lessons/\(lesson)/complete", token: amina).json["completed_lessons"] as? Int == 1)
            #expect(try await client.send(.delete, "/api/v1/enrollments/\(id)", token: amina).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).status == .forbidden)
            let dropped = try await client.send(.get, "/api/v1/courses/arabic-script/enrollments?status=dropped", token: teacher)
            #expect((dropped.json["items"] as? [Any])?.count == 1)
            let back = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)
            #expect(back.json["id"] as? String == id)
            let mine = try await client.send(.get, "/api/v1/me/enrollments", token: amina)
            let item = try #require((mine.json["items"] as? [[String: Any]])?.first)
            #expect((item["progress"] as? [String: Any])?["completed_lessons"] as? Int == 1)
            #expect((item["course"] as? [String: Any])?["slug"] as? String == "arabic-script")
        }
    }

    @Test func capacityHoldsUnderARaceOfFiftyEnrolments() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            _ = try await course(client, teacher: teacher, enrollment: ["mode": "open", "capacity": 10])
            var tokens: [String] = []
            for index in 0..<50 {
                try await app.makeUser("student\(index)@example.org")
                tokens.append(try await client.login("student\(index)@example.org"))
            }
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for token in tokens {
                    group.addTask {
                        let response = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: token)
                        return (response.status, response.json["type"] as? String)
                    }
                }
                var all: [(HTTPResponse.Status, String?)] = []
                for try await result in group { all.append(result) }
                return all
            }
            #expect(statuses.filter { $0.0 == .created }.count == 10)
            #expect(statuses.filter { $0.0 == .conflict && $0.1 == "/problems/course-full" }.count == 40)
            let roster = try await client.send(.get, "/api/v1/courses/arabic-script/enrollments?status=active&limit=200", token: teacher)
            #expect((roster.json["items"] as? [Any])?.count == 10)
        }
    }

    @Test func lessonsOpenByReleaseDatePrerequisiteAndCourseStart() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            try await app.makeUser("amina@example.org")
            let teacher = try await client.login("teacher@example.org")
            let amina = try await client.login("amina@example.org")
            let (module, first) = try await course(client, teacher: teacher, enrollment: ["mode": "open"])
            func lesson(_ extra: [String: Any]) async throws -> String {
                let made = try await client.send(.post, "/api/v1/courses/arabic-script/lessons", json: [
                    "module_id": module, "translations": ["ar": ["title": "درس", "body_markdown": "نص"]],
                ].merging(extra) { $1 }, token: teacher)
                return made.json["id"] as? String ?? ""
            }
            let second = try await lesson(["requires_previous": true])
            let later = try await lesson(["release_at": "2099-01-01T00:00:00Z"])
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina)

            let blocked = try await client.send(.get, "/api/v1/lessons/\(second)", token: amina)
            #expect(blocked.status == .forbidden)
            #expect(blocked.json["type"] as? String == "/problems/item-locked")
            #expect(try await client.send(.post, "/api/v1/lessons/\(second)/complete", token: amina).status == .forbidden)
            let notYet = try await client.send(.get, "/api/v1/lessons/\(later)", token: amina)
            #expect(notYet.json["type"] as? String == "/problems/item-locked")
            #expect((notYet.json["detail"] as? String)?.contains("2099-01-01T00:00:00Z") == true)

            let outline = try await client.send(.get, "/api/v1/courses/arabic-script/outline", token: amina)
            let items = try #require(((outline.json["modules"] as? [[String: Any]])?.first?["items"]) as? [[String: Any]])
            #expect(items.map { $0["locked"] as? Bool } == [false, true, true])
            #expect(items[1]["lock_reason"] as? String == "requires_previous")
            #expect(items[1]["blocked_by"] as? String == first)
            #expect(items[2]["unlocks_at"] as? String == "2099-01-01T00:00:00Z")
            #expect(items.allSatisfy { $0["completed"] as? Bool == false })

            let progress = try await client.send(.post, "/api/v1/lessons/\(first)/complete", token: amina)
            #expect(progress.json["completed_lessons"] as? Int == 1)
            #expect(progress.json["total_lessons"] as? Int == 3)
            #expect(progress.json["percent"] as? Int == 33)
            let again = try await client.send(.post, "/api/v1/lessons/\(first)/complete", token: amina)
            #expect(again.json["completed_lessons"] as? Int == 1)
            #expect(try await client.send(.get, "/api/v1/lessons/\(second)", token: amina).status == .ok)
            // The student sees one language, not the authoring translations.
            #expect(try await client.send(.get, "/api/v1/lessons/\(first)", token: amina).json["translations"] == nil)

            _ = try await client.send(.patch, "/api/v1/courses/arabic-script", json: ["starts_at": "2099-06-01T00:00:00Z"], token: teacher)
            let early = try await client.send(.get, "/api/v1/lessons/\(first)", token: amina)
            #expect(early.json["type"] as? String == "/problems/item-locked")
            // Instructors see everything, unlocked.
            let teacherView = try await client.send(.get, "/api/v1/courses/arabic-script/outline", token: teacher)
            let teacherItems = ((teacherView.json["modules"] as? [[String: Any]])?.first?["items"]) as? [[String: Any]]
            #expect(teacherItems?.allSatisfy { $0["locked"] as? Bool == false && $0["completed"] == nil } == true)
        }
    }
}
