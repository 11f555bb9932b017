import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing

extension TestClientProtocol {
    /// A live session in `module` starting `startsIn` seconds from now (negative: in the past),
    /// with English and French interpretation channels.
    func makeLiveSession(module: String, token: String, startsIn: TimeInterval, _ extra: [String: Any] = [:]) async throws -> String {
        let body: [String: Any] = [
            "module_id": module,
            "starts_at": RFC3339.string(from: Date().addingTimeInterval(startsIn)),
            "duration_minutes": 60,
            "meeting_url": "https://meet.example.org/main",
            "channels": ["en": "https://meet.example.org/en", "fr": "https://meet.example.org/fr"],
            "translations": [
                "ar": ["title": "محاضرة مباشرة", "description_markdown": "**أهلاً** <script>alert(1)</script>"],
                "en": ["title": "Live lecture", "description_markdown": "Welcome"],
            ],
        ].merging(extra) { $1 }
        let created = try await send(.post, "/api/v1/courses/arabic-script/live-sessions", json: body, token: token)
        #expect(created.status == .created, "\(created.text)")
        return created.json["id"] as? String ?? ""
    }

    func sendCSV(_ uri: String, _ text: String, token: String, contentType: String = "text/csv") async throws -> TestResponse {
        try await execute(
            uri: uri, method: .post, headers: [.authorization: "Bearer \(token)", .contentType: contentType], body: ByteBuffer(string: text)
        )
    }
}

@Suite struct LiveSessionTests {
    @Test func studentsSeeTheChannelOfTheirLanguageOnlyWhileTheSessionIsLive() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            let live = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 5 * 60)
            let later = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 3 * 3600)
            let over = try await client.makeLiveSession(
                module: scene.module, token: scene.teacher, startsIn: -3 * 3600, ["recording_url": "https://video.example.org/rec1"]
            )

            let english = try await client.send(.get, "/api/v1/live-sessions/\(live)", token: scene.amina, headers: [.acceptLanguage: "en"])
            #expect(english.status == .ok)
            #expect(english.json["phase"] as? String == "live")
            #expect(english.json["title"] as? String == "Live lecture")
            #expect(english.json["join_url"] as? String == "https://meet.example.org/en")
            #expect(english.json["channel_language"] as? String == "en")
            #expect(english.json["meeting_url"] == nil)
            #expect(english.json["channels"] == nil)
            #expect(english.json["attendance"] is NSNull)
            let french = try await client.send(.get, "/api/v1/live-sessions/\(live)?lang=fr", token: scene.amina)
            #expect(french.json["join_url"] as? String == "https://meet.example.org/fr")
            #expect(french.json["title"] as? String == "محاضرة مباشرة", "no French title: the course's default language")
            let turkish = try await client.send(.get, "/api/v1/live-sessions/\(live)", token: scene.amina, headers: [.acceptLanguage: "tr"])
            #expect(turkish.json["join_url"] as? String == "https://meet.example.org/main")
            #expect(turkish.json["channel_language"] is NSNull)
            let arabic = try await client.send(.get, "/api/v1/live-sessions/\(live)", token: scene.amina, headers: [.acceptLanguage: "ar"])
            #expect(arabic.json["direction"] as? String == "rtl")
            let html = try #require(arabic.json["description_html"] as? String)
            #expect(html.contains("<strong>أهلاً</strong>"))
            #expect(!html.contains("<script"))

            let early = try await client.send(.get, "/api/v1/live-sessions/\(later)", token: scene.amina, headers: [.acceptLanguage: "en"])
            #expect(early.json["phase"] as? String == "upcoming")
            #expect(early.json["join_url"] is NSNull)
            #expect(!early.text.contains("meet.example.org"))
            let startsAt = try #require(RFC3339.date(from: early.json["starts_at"] as? String ?? ""))
            #expect(RFC3339.date(from: early.json["links_available_from"] as? String ?? "") == startsAt.addingTimeInterval(-15 * 60))

            let ended = try await client.send(.get, "/api/v1/live-sessions/\(over)", token: scene.amina)
            #expect(ended.json["phase"] as? String == "ended")
            #expect(ended.json["join_url"] is NSNull)
            #expect(ended.json["recording_url"] as? String == "https://video.example.org/rec1")
            #expect((try await client.send(.get, "/api/v1/live-sessions/\(live)", token: scene.amina)).json["recording_url"] is NSNull)

            // Not enrolled, not signed in: no session at all, let alone its links.
            let stranger = try await client.send(.get, "/api/v1/live-sessions/\(live)", token: omar)
            #expect(stranger.status == .forbidden)
            #expect(!stranger.text.contains("meet.example.org"))
            #expect(try await client.send(.get, "/api/v1/live-sessions/\(live)").status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/live-sessions/\(UUID())", token: scene.amina).status == .notFound)

            // The teacher sees every link at any time.
            let teacher = try await client.send(.get, "/api/v1/live-sessions/\(later)", token: scene.teacher)
            #expect(teacher.json["meeting_url"] as? String == "https://meet.example.org/main")
            #expect((teacher.json["channels"] as? [String: String])?.count == 2)
            #expect(teacher.json["join_url"] as? String == "https://meet.example.org/main")

            // The outline lists sessions among the lessons.
            let outline = try await client.send(.get, "/api/v1/courses/arabic-script/outline?lang=en", token: scene.amina)
            let items = ((outline.json["modules"] as? [[String: Any]])?.first?["items"] as? [[String: Any]]) ?? []
            #expect(items.map { $0["kind"] as? String } == ["lesson", "live_session", "live_session", "live_session"])
            #expect(items.dropFirst().first?["title"] as? String == "Live lecture")
        }
    }

    @Test func aRecordingUploadedToASessionIsItsStudentsOnceItIsOver() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let live = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 60)
            let over = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: -3 * 3600)
            let video = Array([0, 0, 0, 0x18] + Array("ftypmp42".utf8)) + Array(repeating: UInt8(7), count: 2_000)
            func upload(to session: String, token: String) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/live-sessions/\(session)/attachments?filename=recording.mp4", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "video/mp4"], body: ByteBuffer(bytes: video)
                )
            }
            #expect(try await upload(to: live, token: scene.amina).status == .forbidden)
            let during = try #require(try await upload(to: live, token: scene.teacher).json["id"] as? String)
            let after = try await upload(to: over, token: scene.teacher)
            #expect(after.status == .created, "\(after.text)")
            let recording = try #require(after.json["id"] as? String)

            // While live: neither listed nor served to students; the teacher has it.
            let liveRead = try await client.send(.get, "/api/v1/live-sessions/\(live)", token: scene.amina)
            #expect((liveRead.json["attachments"] as? [Any])?.isEmpty == true)
            #expect(try await client.send(.get, "/api/v1/attachments/\(during)", token: scene.amina).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/attachments/\(during)", token: scene.teacher).status == .ok)
            // Over: listed and served whole and in ranges.
            let overRead = try await client.send(.get, "/api/v1/live-sessions/\(over)", token: scene.amina)
            #expect((overRead.json["attachments"] as? [[String: Any]])?.first?["filename"] as? String == "recording.mp4")
            let ranged = try await client.send(.get, "/api/v1/attachments/\(recording)", token: scene.amina, headers: [.range: "bytes=4-11"])
            #expect(ranged.status == .partialContent)
            #expect(ranged.text == "ftypmp42")
            // Others never.
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            #expect(try await client.send(.get, "/api/v1/attachments/\(recording)", token: omar).status == .forbidden)
        }
    }

    @Test func authorsGetEveryBadFieldAtOnceAndOnlyEditorsChangeSessions() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let invalid = try await client.send(.post, "/api/v1/courses/arabic-script/live-sessions", json: [
                "module_id": scene.module, "duration_minutes": 0, "meeting_url": "javascript:alert(1)",
                "channels": ["xx": "https://meet.example.org/xx", "en": "not a link"],
                "translations": ["en": ["title": "No Arabic"]],
            ], token: scene.teacher)
            #expect(invalid.status == .unprocessableContent)
            let fields = Set((invalid.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } ?? [])
            #expect(fields == ["starts_at", "duration_minutes", "meeting_url", "channels.xx", "channels.en", "translations.ar"])

            let id = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 3600)
            #expect(try await client.send(.patch, "/api/v1/live-sessions/\(id)", json: ["cancelled": true], token: scene.amina).status == .forbidden)
            let moved = try await client.send(.patch, "/api/v1/live-sessions/\(id)", json: ["position": 1, "duration_minutes": 90], token: scene.teacher)
            #expect(moved.status == .ok)
            #expect(moved.json["position"] as? Int == 1)
            #expect(moved.json["duration_minutes"] as? Int == 90)
            #expect(moved.json["calendar_sequence"] as? Int == 1)
            func order() async throws -> [String] {
                try await app.database.rows(
                    "SELECT kind || ' ' || position FROM course_items WHERE module_id = \(UUID(uuidString: scene.module)!) ORDER BY position",
                    as: String.self
                )
            }
            #expect(try await order() == ["live_session 1", "lesson 2"])
            #expect(try await client.send(.delete, "/api/v1/live-sessions/\(id)", token: scene.amina).status == .forbidden)
            #expect(try await client.send(.delete, "/api/v1/live-sessions/\(id)", token: scene.teacher).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/live-sessions/\(id)", token: scene.teacher).status == .notFound)
            #expect(try await order() == ["lesson 1"])
        }
    }

    @Test func checkInIsIdempotentAndARequiredSessionCountsTowardCompletion() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            let session = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 60, ["required": true])
            let later = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 3 * 3600)
            func status() async throws -> String? {
                let mine = try await client.send(.get, "/api/v1/me/enrollments", token: scene.amina)
                return ((mine.json["items"] as? [[String: Any]])?.first?["enrollment"] as? [String: Any])?["status"] as? String
            }

            #expect(try await client.send(.post, "/api/v1/lessons/\(scene.lesson)/complete", token: scene.amina).status == .ok)
            #expect(try await status() == "active", "the required session is still to attend")

            let first = try await client.send(.post, "/api/v1/live-sessions/\(session)/attendance", token: scene.amina)
            #expect(first.status == .ok, "\(first.text)")
            let checkedIn = try #require(first.json["checked_in_at"] as? String)
            #expect((first.json["progress"] as? [String: Any])?["percent"] as? Int == 100)
            let again = try await client.send(.post, "/api/v1/live-sessions/\(session)/attendance", token: scene.amina)
            #expect(again.status == .ok)
            #expect(again.json["checked_in_at"] as? String == checkedIn)
            #expect(try await status() == "completed")
            let certificates = try await client.send(.get, "/api/v1/me/certificates", token: scene.amina)
            #expect((certificates.json["items"] as? [Any])?.count == 1)
            let shown = try await client.send(.get, "/api/v1/live-sessions/\(session)", token: scene.amina)
            #expect((shown.json["attendance"] as? [String: Any])?["checked_in_at"] as? String == checkedIn)
            let attendanceRows = try await app.database.rows(
                "SELECT count(*)::int FROM live_session_attendance WHERE session_id = \(UUID(uuidString: session)!)", as: Int.self
            )
            #expect(attendanceRows == [1])

            let tooEarly = try await client.send(.post, "/api/v1/live-sessions/\(later)/attendance", token: scene.amina)
            #expect(tooEarly.status == .conflict)
            #expect(try await client.send(.post, "/api/v1/live-sessions/\(session)/attendance", token: scene.teacher).status == .forbidden)
        }
    }

    @Test func aParticipantsReportRecordsTheCoursesStudentsAndReportsEveryOtherRowByLine() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            try await app.makeUser("bilal@example.org", name: "Bilal")
            try await app.makeUser("outsider@example.org")
            let bilal = try await client.login("bilal@example.org")
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/enrollments", json: [:], token: bilal)
            let session = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: -2 * 3600, ["required": true])
            // Zoom's export: a line about the meeting, then the participants, one row per join.
            let report = """
                Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\r
                123 456 789,Live lecture,12/01/2026 08:00,12/01/2026 09:00,teacher@example.org,60,5\r
                \r
                Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r
                Amina,AMINA@example.org,12/01/2026 08:00,12/01/2026 08:30,30,No\r
                Interpreter,interpreter@example.org,12/01/2026 08:00,12/01/2026 09:00,60,Yes\r
                Amina,amina@example.org,12/01/2026 08:35,12/01/2026 08:55,20,No\r
                Guest,,12/01/2026 08:00,12/01/2026 09:00,60,Yes\r
                Outsider,outsider@example.org,12/01/2026 08:00,12/01/2026 09:00,60,No\r
                Bilal,bilal@example.org,12/01/2026 08:00,12/01/2026 08:40,forty,No\r

                """
            let imported = try await client.sendCSV("/api/v1/live-sessions/\(session)/attendance/import", report, token: scene.teacher)
            #expect(imported.status == .ok, "\(imported.text)")
            #expect(imported.json["recorded"] as? Int == 1)
            let skipped = try #require(imported.json["skipped"] as? [[String: Any]])
            #expect(skipped.compactMap { $0["line"] as? Int } == [6, 8, 9, 10])
            #expect(skipped.first?["email"] as? String == "interpreter@example.org")
            #expect(skipped.first?["reason"] as? String == "no student of this course has this email")

            let register = try await client.send(.get, "/api/v1/live-sessions/\(session)/attendance", token: scene.teacher)
            let rows = try #require(register.json["items"] as? [[String: Any]])
            // By display name: Bilal, then Amina ("Someone").
            #expect(rows.compactMap { $0["email"] as? String } == ["bilal@example.org", "amina@example.org"])
            #expect(rows.last?["minutes"] as? Int == 50)
            #expect(rows.last?["attended"] as? Bool == true)
            #expect(rows.first?["attended"] as? Bool == false)
            #expect(rows.first?["minutes"] is NSNull)

            // Again: nothing doubles.
            _ = try await client.sendCSV("/api/v1/live-sessions/\(session)/attendance/import", report, token: scene.teacher)
            let stored = try await app.database.rows(
                "SELECT minutes FROM live_session_attendance WHERE session_id = \(UUID(uuidString: session)!)", as: Int?.self
            )
            #expect(stored == [50])

            // The import counted toward Amina's completion, like a check-in.
            _ = try await client.send(.post, "/api/v1/lessons/\(scene.lesson)/complete", token: scene.amina)
            let mine = try await client.send(.get, "/api/v1/me/enrollments", token: scene.amina)
            #expect(((mine.json["items"] as? [[String: Any]])?.first?["enrollment"] as? [String: Any])?["status"] as? String == "completed")

            let csv = try await client.send(.get, "/api/v1/live-sessions/\(session)/attendance", token: scene.teacher, headers: [.accept: "text/csv"])
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.contains("amina@example.org,Someone,yes,,50"))
            let course = try await client.send(.get, "/api/v1/courses/arabic-script/attendance", token: scene.teacher)
            #expect(course.json["sessions"] as? Int == 1)
            let students = try #require(course.json["students"] as? [[String: Any]])
            #expect(students.first { $0["email"] as? String == "amina@example.org" }?["required_attended"] as? Int == 1)
            #expect(students.first { $0["email"] as? String == "bilal@example.org" }?["attended"] as? Int == 0)

            // What cannot be imported at all is refused whole.
            let noHeader = try await client.sendCSV("/api/v1/live-sessions/\(session)/attendance/import", "name,when\nAmina,now\n", token: scene.teacher)
            #expect(noHeader.status == .unprocessableContent)
            let json = try await client.sendCSV("/api/v1/live-sessions/\(session)/attendance/import", report, token: scene.teacher, contentType: "application/json")
            #expect(json.status == .unsupportedMediaType)
            #expect(try await client.sendCSV("/api/v1/live-sessions/\(session)/attendance/import", report, token: scene.amina).status == .forbidden)
            let upcoming = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 3600)
            #expect(try await client.sendCSV("/api/v1/live-sessions/\(upcoming)/attendance/import", report, token: scene.teacher).status == .conflict)
        }
    }
}
