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

/// What Python's `icalendar` (Scripts/lib/ics-check.py, run with TEST_PYTHON) reads in a feed:
/// the events by UID, or a failure with the problems it found.
enum ICalendarCheck {
    struct Event: Decodable, Equatable {
        let sequence: Int
        let summary: String
        let description: String
        let start: String
        let end: String?
        let status: String
        let url: String
    }

    static func events(of feed: String) throws -> [String: Event] {
        guard let python = ProcessInfo.processInfo.environment["TEST_PYTHON"] else {
            throw TestDatabaseError("TEST_PYTHON is not set: run the tests with Scripts/test, which installs icalendar for this check")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Scripts/lib/ics-check.py").standardized.path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(feed.utf8))
        try input.fileHandleForWriting.close()
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaints = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestDatabaseError("icalendar rejected the feed: \(complaints)") }
        return try JSONDecoder().decode([String: Event].self, from: printed)
    }
}

@Suite struct CalendarTests {
    /// The path and query of an absolute address, as the test client asks for it.
    static func path(of url: String) -> String? {
        url.range(of: "/api/v1/").map { String(url[$0.lowerBound...]) }
    }

    @Test func theFeedValidatesAndAnEditedSessionKeepsItsUIDWithAHigherSequence() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            _ = try await client.send(.patch, "/api/v1/me", json: ["locale": "en"], token: scene.amina)
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            let longTitle = String(repeating: "Tajwīd, rules; and ", count: 8) + "more"
            let session = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: 86_400, [
                "translations": ["ar": ["title": "محاضرة التجويد"], "en": ["title": longTitle]],
            ])
            let closes = RFC3339.string(from: Date().addingTimeInterval(7 * 86_400))
            let quiz = try await client.makeQuiz(module: scene.module, token: scene.teacher, ["closes_at": closes])

            // No address yet; making one shows it once.
            #expect(try await client.send(.get, "/api/v1/me/calendar/address", token: scene.amina).json["exists"] as? Bool == false)
            let made = try await client.send(.post, "/api/v1/me/calendar/address", token: scene.amina)
            #expect(made.status == .created)
            let url = try #require(made.json["url"] as? String)
            let path = try #require(Self.path(of: url))
            let shown = try await client.send(.get, "/api/v1/me/calendar/address", token: scene.amina)
            #expect(shown.json["exists"] as? Bool == true)
            #expect(shown.json["url"] is NSNull)

            // A calendar app sends no token: the secret in the address is the credential.
            let feed = try await client.send(.get, path)
            #expect(feed.status == .ok)
            #expect(feed.headers[.contentType] == "text/calendar; charset=utf-8")
            let events = try ICalendarCheck.events(of: feed.text)
            let uid = "\(session)@holy-knowledge-academy"
            let event = try #require(events[uid])
            #expect(event.sequence == 0)
            #expect(event.summary == longTitle, "in Amina's language, unfolded and unescaped intact")
            #expect(event.description == "Arabic script: first steps")
            #expect(event.status == "CONFIRMED")
            let quizEvent = try #require(events["\(quiz)@holy-knowledge-academy"])
            #expect(quizEvent.summary == "Letters quiz")
            #expect(quizEvent.start == closes)
            #expect(!feed.text.contains("meet.example.org"), "meeting links are not published in calendars")
            #expect(event.url.hasSuffix("/live-sessions/\(session)"), "the page that shows the link when it is time")
            #expect(quizEvent.url.hasSuffix("/quizzes/\(quiz)"))

            // Moved, then cancelled: the same event, each time a higher SEQUENCE.
            let moved = RFC3339.string(from: Date().addingTimeInterval(2 * 86_400).rounded())
            #expect(try await client.send(.patch, "/api/v1/live-sessions/\(session)", json: ["starts_at": moved], token: scene.teacher).status == .ok)
            let afterMove = try #require(try ICalendarCheck.events(of: try await client.send(.get, path).text)[uid])
            #expect(afterMove.sequence == 1)
            #expect(afterMove.start == moved)
            #expect(try await client.send(.patch, "/api/v1/live-sessions/\(session)", json: ["cancelled": true], token: scene.teacher).status == .ok)
            let afterCancel = try #require(try ICalendarCheck.events(of: try await client.send(.get, path).text)[uid])
            #expect(afterCancel.sequence == 2)
            #expect(afterCancel.status == "CANCELLED")

            // With a bearer token too, and ?lang= picks the titles' language.
            let arabic = try ICalendarCheck.events(of: try await client.send(.get, "/api/v1/me/calendar.ics?lang=ar", token: scene.amina).text)
            #expect(arabic[uid]?.summary == "محاضرة التجويد")
            // Someone not in the course sees none of its events.
            #expect(try ICalendarCheck.events(of: try await client.send(.get, "/api/v1/me/calendar.ics", token: omar).text).isEmpty)

            // A new address retires the old one; a guessed one is refused like a missing one.
            let renewed = try await client.send(.post, "/api/v1/me/calendar/address", token: scene.amina)
            #expect(try await client.send(.get, path).status == .unauthorized)
            let renewedPath = try #require(Self.path(of: renewed.json["url"] as? String ?? ""))
            #expect(try await client.send(.get, renewedPath).status == .ok)
            #expect(try await client.send(.get, "/api/v1/me/calendar.ics?token=\(String(repeating: "A", count: 43))").status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/me/calendar.ics?token=short").status == .unauthorized)
            #expect(try await client.send(.get, "/api/v1/me/calendar.ics").status == .unauthorized)
            #expect(try await client.send(.delete, "/api/v1/me/calendar/address", token: scene.amina).status == .noContent)
            #expect(try await client.send(.get, renewedPath).status == .unauthorized)
        }
    }
}

@Suite struct AnnouncementTests {
    @Test func studentsOfTheCourseReadPublishedAnnouncementsInTheirLanguageWithUnreadCounts() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            try await app.makeUser("omar@example.org")
            let omar = try await client.login("omar@example.org")
            func post(_ english: String, _ extra: [String: Any] = [:]) async throws -> String {
                let created = try await client.send(.post, "/api/v1/courses/arabic-script/announcements", json: [
                    "translations": [
                        "ar": ["title": "إعلان: \(english)", "body_markdown": "**مرحبا** <script>alert(1)</script>"],
                        "en": ["title": english, "body_markdown": "Hello [there](javascript:alert(1))"],
                    ],
                ].merging(extra) { $1 }, token: scene.teacher)
                #expect(created.status == .created, "\(created.text)")
                return created.json["id"] as? String ?? ""
            }
            let first = try await post("Welcome")
            let pinned = try await post("Read this first", ["pinned": true])
            let scheduled = try await post("Next week", ["publish_at": RFC3339.string(from: Date().addingTimeInterval(7 * 86_400))])

            let mine = try await client.send(.get, "/api/v1/me/announcements", token: scene.amina, headers: [.acceptLanguage: "en"])
            #expect(mine.status == .ok)
            let items = try #require(mine.json["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["title"] as? String } == ["Read this first", "Welcome"], "pinned first; the scheduled one hidden")
            #expect(items.allSatisfy { $0["read"] as? Bool == false })
            #expect(mine.json["unread_count"] as? Int == 2)
            let pinnedHTML = try #require(items.first?["body_html"] as? String)
            #expect(pinnedHTML.contains("there") && !pinnedHTML.contains("javascript:"))
            let arabic = try await client.send(.get, "/api/v1/me/announcements", token: scene.amina, headers: [.acceptLanguage: "ar"])
            let arabicItem = try #require((arabic.json["items"] as? [[String: Any]])?.last)
            #expect(arabicItem["title"] as? String == "إعلان: Welcome")
            #expect(arabicItem["direction"] as? String == "rtl")
            #expect((arabicItem["body_html"] as? String)?.contains("<strong>مرحبا</strong>") == true)
            #expect((arabicItem["body_html"] as? String)?.contains("<script") == false)

            #expect(try await client.send(.post, "/api/v1/announcements/\(first)/read", token: scene.amina).status == .noContent)
            #expect(try await client.send(.post, "/api/v1/announcements/\(first)/read", token: scene.amina).status == .noContent)
            let afterRead = try await client.send(.get, "/api/v1/me/announcements", token: scene.amina)
            #expect(afterRead.json["unread_count"] as? Int == 1)
            #expect((afterRead.json["items"] as? [[String: Any]])?.first { $0["id"] as? String == first }?["read"] as? Bool == true)
            let reads = try await app.database.rows("SELECT count(*)::int FROM announcement_reads", as: Int.self)
            #expect(reads == [1])

            // A scheduled announcement does not exist for students until its time.
            #expect(try await client.send(.get, "/api/v1/announcements/\(scheduled)", token: scene.amina).status == .notFound)
            #expect(try await client.send(.post, "/api/v1/announcements/\(scheduled)/read", token: scene.amina).status == .notFound)
            let staffList = try await client.send(.get, "/api/v1/courses/arabic-script/announcements?limit=2", token: scene.teacher)
            #expect((staffList.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [pinned, scheduled])
            let cursor = try #require(staffList.json["next_cursor"] as? String)
            let rest = try await client.send(.get, "/api/v1/courses/arabic-script/announcements?limit=2&cursor=\(cursor)", token: scene.teacher)
            #expect((rest.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [first])
            #expect(rest.json["next_cursor"] is NSNull)
            #expect(((staffList.json["items"] as? [[String: Any]])?.first?["translations"] as? [String: Any])?.count == 2)

            // Only the course's students: others see nothing of it.
            #expect(try await client.send(.get, "/api/v1/courses/arabic-script/announcements", token: omar).status == .forbidden)
            #expect(try await client.send(.get, "/api/v1/announcements/\(first)", token: omar).status == .forbidden)
            #expect(try await client.send(.post, "/api/v1/announcements/\(first)/read", token: omar).status == .forbidden)
            let omars = try await client.send(.get, "/api/v1/me/announcements", token: omar)
            #expect((omars.json["items"] as? [Any])?.isEmpty == true)
            #expect(omars.json["unread_count"] as? Int == 0)

            // Editing, unpinning and deleting are the staff's.
            #expect(try await client.send(.patch, "/api/v1/announcements/\(pinned)", json: ["pinned": false], token: scene.amina).status == .forbidden)
            let unpinned = try await client.send(.patch, "/api/v1/announcements/\(pinned)", json: ["pinned": false], token: scene.teacher)
            #expect(unpinned.json["pinned"] as? Bool == false)
            #expect(try await client.send(.delete, "/api/v1/announcements/\(pinned)", token: scene.teacher).status == .noContent)
            #expect(try await client.send(.get, "/api/v1/me/announcements", token: scene.amina).json["unread_count"] as? Int == 0)
            let invalid = try await client.send(.post, "/api/v1/courses/arabic-script/announcements", json: [
                "translations": ["en": ["title": "", "body_markdown": " "]],
            ], token: scene.teacher)
            #expect((invalid.json["errors"] as? [[String: String]])?.compactMap { $0["field"] } == ["translations.ar", "translations.en.title", "translations.en.body_markdown"])
        }
    }
}

private extension Date {
    /// Whole seconds, as RFC 3339 round-trips them in these checks.
    func rounded() -> Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
