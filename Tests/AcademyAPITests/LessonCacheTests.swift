import AcademyAPI
import AcademyServices
import AcademyCore
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

/// An instance keeps the lessons it has read (`LessonCache`) and hands one out only while its
/// course's content version is the one it was read at. The changes below are made straight in
/// the database, as another instance, the CLI or an operator's psql would make them: the
/// database itself bumps the version (migration 0018), so the very next read sees each of them.
@Suite struct LessonCacheTests {
    /// A published course whose lesson Amina has read once, so that it is kept.
    func readOnce(_ client: any TestClientProtocol, _ app: AppDependencies) async throws -> (lesson: String, amina: String, teacher: String) {
        try await app.makeUser("teacher@example.org", role: .instructor)
        try await app.makeUser("amina@example.org")
        let teacher = try await client.login("teacher@example.org")
        let amina = try await client.login("amina@example.org")
        let (_, lesson) = try await client.makeCourse(token: teacher, publish: true)
        #expect(try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: amina).status == .created)
        let first = try await client.send(.get, "/api/v1/lessons/\(lesson)?lang=en", token: amina)
        #expect(first.status == .ok)
        #expect(first.json["title"] as? String == "Alif")
        return (lesson, amina, teacher)
    }

    func lessonID(_ lesson: String) throws -> UUID {
        try #require(UUID(uuidString: lesson))
    }

    @Test func aTextChangedInTheDatabaseIsReadAtOnce() async throws {
        try await TestApp.withApp { client, app in
            let (lesson, amina, _) = try await readOnce(client, app)
            try await app.database.run("UPDATE lesson_translations SET title = 'Alif, again' WHERE lesson_id = \(try lessonID(lesson)) AND language = 'en'")
            let read = try await client.send(.get, "/api/v1/lessons/\(lesson)?lang=en", token: amina)
            #expect(read.json["title"] as? String == "Alif, again")
        }
    }

    @Test func aFileAddedOrRemovedInTheDatabaseIsReadAtOnce() async throws {
        try await TestApp.withApp { client, app in
            let (lesson, amina, _) = try await readOnce(client, app)
            let sha256 = String(repeating: "ab", count: 32)
            try await app.database.run("INSERT INTO blobs (sha256, size) VALUES (\(sha256), 3)")
            try await app.database.run(
                "INSERT INTO lesson_attachments (lesson_id, sha256, filename, content_type, size) VALUES (\(try lessonID(lesson)), \(sha256), 'notes.txt', 'text/plain', 3)"
            )
            let files = try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).json["attachments"] as? [[String: Any]]
            #expect(files?.compactMap { $0["filename"] as? String } == ["notes.txt"])
            try await app.database.run("DELETE FROM lesson_attachments WHERE lesson_id = \(try lessonID(lesson))")
            #expect((try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).json["attachments"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aScheduleOrCourseChangedInTheDatabaseIsEnforcedAtOnce() async throws {
        try await TestApp.withApp { client, app in
            let (lesson, amina, _) = try await readOnce(client, app)
            try await app.database.run("UPDATE course_items SET release_at = '2099-01-01T00:00:00Z' WHERE id = \(try lessonID(lesson))")
            let locked = try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina)
            #expect(locked.status == .forbidden)
            #expect(locked.json["type"] as? String == "/problems/item-locked")
            try await app.database.run("UPDATE course_items SET release_at = NULL WHERE id = \(try lessonID(lesson))")
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).status == .ok)

            try await app.database.run("UPDATE courses SET status = 'draft' WHERE slug = 'arabic-script'")
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).status == .notFound)
        }
    }

    @Test func theCallerIsAskedAfreshOnEveryRead() async throws {
        try await TestApp.withApp { client, app in
            let (lesson, amina, teacher) = try await readOnce(client, app)
            // The teacher's read gets every translation; Amina's, on the same kept lesson, one.
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: teacher).json["translations"] != nil)
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).json["translations"] == nil)
            try await app.database.run("UPDATE enrollments SET status = 'dropped' WHERE user_id = (SELECT id FROM users WHERE email = 'amina@example.org')")
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)", token: amina).status == .forbidden)
        }
    }

    /// Proof that the kept lesson is what is served: with the database's bump switched off, a
    /// change goes unseen; the next change that bumps the version is seen with it.
    @Test func aKeptLessonIsServedUntilTheVersionMoves() async throws {
        try await TestApp.withApp { client, app in
            let (lesson, amina, _) = try await readOnce(client, app)
            let id = try lessonID(lesson)
            try await app.database.run("ALTER TABLE lesson_translations DISABLE TRIGGER lesson_translations_changed")
            try await app.database.run("UPDATE lesson_translations SET title = 'Unannounced' WHERE lesson_id = \(id) AND language = 'en'")
            try await app.database.run("ALTER TABLE lesson_translations ENABLE TRIGGER lesson_translations_changed")
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)?lang=en", token: amina).json["title"] as? String == "Alif")
            try await app.database.run("UPDATE course_translations SET summary = 'Bumped' WHERE language = 'en'")
            #expect(try await client.send(.get, "/api/v1/lessons/\(lesson)?lang=en", token: amina).json["title"] as? String == "Unannounced")
        }
    }

    /// One version bump per changing transaction, however many rows it touched.
    @Test func aTransactionBumpsTheVersionOnce() async throws {
        try await TestApp.withApp { client, app in
            _ = try await readOnce(client, app)
            func version() async throws -> Int64 {
                try await app.database.rows("SELECT content_version FROM courses WHERE slug = 'arabic-script'", as: Int64.self)[0]
            }
            let before = try await version()
            try await app.database.withTransaction { connection in
                try await connection.run("UPDATE lesson_translations SET title = title || '.'")
                try await connection.run("UPDATE course_modules SET created_at = created_at")
                try await connection.run("UPDATE course_translations SET summary = summary || '.'")
            }
            #expect(try await version() == before + 1)
        }
    }
}
