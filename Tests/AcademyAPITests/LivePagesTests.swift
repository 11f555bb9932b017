import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing
@testable import AcademyWeb

/// The student's pages of issue 16: a live session (its channel, check-in), announcements with
/// what is unread, and the calendar address.
@Suite struct LivePagesTests {
    @Test func aStudentJoinsTheirChannelChecksInReadsAnnouncementsAndGetsACalendarAddress() async throws {
        try await TestApp.withApp { client, app in
            try await app.makeUser("teacher@example.org", role: .instructor)
            let teacher = try await client.login("teacher@example.org")
            let (module, _) = try await client.makeCourse(token: teacher, publish: true)
            let live = try await client.makeLiveSession(module: module, token: teacher, startsIn: 120)
            let later = try await client.makeLiveSession(module: module, token: teacher, startsIn: 3 * 3600)
            _ = try await client.send(.post, "/api/v1/courses/arabic-script/announcements", json: [
                "translations": ["ar": ["title": "تنبيه", "body_markdown": "غدا"], "en": ["title": "Notice", "body_markdown": "The lecture is **tomorrow**"]],
            ], token: teacher)

            var browser = TestBrowser(client)
            try await browser.signUp("amina@example.org")
            #expect(try await browser.get("/live-sessions/\(live)").status == .forbidden)
            try await browser.get("/courses/arabic-script")
            #expect(try await browser.post("/courses/arabic-script/enrol", form: ["csrf": browser.csrf]).status == .seeOther)
            browser.cookies["academy_lang"] = "en"

            let outline = try await browser.get("/courses/arabic-script")
            #expect(outline.text.contains(#"<a href="/live-sessions/\#(live)" lang="en" dir="ltr">Live lecture</a>"#))
            let page = try await browser.get("/live-sessions/\(live)")
            #expect(page.status == .ok)
            #expect(page.text.contains(#"href="https://meet.example.org/en""#))
            #expect(page.text.contains("Interpretation in"))
            #expect(!page.text.contains("meet.example.org/main"))
            let upcoming = try await browser.get("/live-sessions/\(later)")
            #expect(!upcoming.text.contains("meet.example.org"))
            #expect(upcoming.text.contains("The link to join appears here from"))

            try await browser.get("/live-sessions/\(live)")
            #expect(try await browser.post("/live-sessions/\(live)/attendance", form: ["csrf": browser.csrf]).status == .seeOther)
            let checkedIn = try await browser.get("/live-sessions/\(live)")
            #expect(checkedIn.text.contains("Your attendance is recorded."))
            #expect(!checkedIn.text.contains("/attendance\""))
            #expect(try await browser.post("/live-sessions/\(live)/attendance", form: ["csrf": "forged"]).status == .forbidden)

            let announcements = try await browser.get("/my/announcements")
            #expect(announcements.text.contains("Unread: <bdi>1</bdi>"))
            #expect(announcements.text.contains("The lecture is <strong>tomorrow</strong>"))
            let id = try #require(announcements.text.range(of: #"/announcements/[0-9a-f-]{36}/read"#, options: .regularExpression).map { String(announcements.text[$0]) })
            #expect(try await browser.post(id, form: ["csrf": browser.csrf]).status == .seeOther)
            let read = try await browser.get("/my/announcements")
            #expect(!read.text.contains("Unread:"))
            #expect(!read.text.contains("/read\""))

            let calendar = try await browser.get("/my/calendar")
            #expect(calendar.text.contains("Make my calendar address"))
            let made = try await browser.post("/my/calendar", form: ["csrf": browser.csrf])
            let address = try #require(made.text.range(of: #"/api/v1/me/calendar.ics\?token=[A-Za-z0-9_-]{43}"#, options: .regularExpression).map { String(made.text[$0]) })
            let feed = try await client.send(.get, address)
            #expect(feed.status == .ok)
            #expect(try ICalendarCheck.events(of: feed.text)["\(live)@holy-knowledge-academy"] != nil)
            let again = try await browser.get("/my/calendar")
            #expect(!again.text.contains("calendar.ics?token="), "the address is shown only once")
            #expect(again.text.contains("Make a new address"))
            #expect(try await browser.post("/my/calendar/remove", form: ["csrf": browser.csrf]).status == .seeOther)
            #expect(try await client.send(.get, address).status == .unauthorized)
        }
    }
}

/// The staff's pages of issue 16: a live session written in a form (times in the instructor's
/// time zone), its register with a pasted report and a CSV, and a course's announcements.
@Suite struct LiveSessionEditorPagesTests {
    @Test func anInstructorWritesASessionImportsItsReportAndPostsAnAnnouncement() async throws {
        try await TestApp.withApp { client, app in
            let scene = try await client.courseScene(app: app)
            _ = try await client.send(.patch, "/api/v1/me", json: ["timezone": "Asia/Riyadh"], token: scene.teacher)
            var teacher = TestBrowser(client)
            try await teacher.signIn("teacher@example.org")
            teacher.cookies["academy_lang"] = "en"

            let editor = try await teacher.get("/teach/arabic-script")
            #expect(editor.text.contains("/teach/arabic-script/live-sessions/new?module=\(scene.module)"))
            try await teacher.get("/teach/arabic-script/live-sessions/new?module=\(scene.module)")
            let refused = try await teacher.post("/teach/arabic-script/live-sessions/new", form: [
                "csrf": teacher.csrf, "module_id": scene.module, "starts_at": "2031-01-01T11:00", "duration_minutes": "0",
                "meeting_url": "ftp://meet.example.org", "title-en": "Only English",
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"id="duration_minutes""#) && refused.text.contains("Only English"))
            let created = try await teacher.post("/teach/arabic-script/live-sessions/new", form: [
                "csrf": teacher.csrf, "module_id": scene.module, "starts_at": "2031-01-01T11:00", "duration_minutes": "90",
                "meeting_url": "https://meet.example.org/room", "channel-en": "https://meet.example.org/room-en", "required": "on",
                "title-ar": "محاضرة", "body-ar": "**مرحبا**", "title-en": "Lecture",
            ])
            #expect(created.status == .seeOther, "\(created.text)")
            let location = try #require(created.headers[.location])
            let id = String(location.dropFirst("/teach/live-sessions/".count).prefix(36))
            let stored = try await client.send(.get, "/api/v1/live-sessions/\(id)", token: scene.teacher)
            #expect(stored.json["starts_at"] as? String == "2031-01-01T08:00:00Z", "11:00 in Riyadh")
            #expect(stored.json["required"] as? Bool == true)
            #expect((stored.json["channels"] as? [String: String])?["en"] == "https://meet.example.org/room-en")
            let edit = try await teacher.get(location)
            #expect(edit.text.contains(#"value="2031-01-01T11:00""#))
            var fields = ["csrf": teacher.csrf, "module_id": scene.module, "position": "2", "starts_at": "2031-01-01T12:00", "duration_minutes": "90"]
            fields.merge(["meeting_url": "https://meet.example.org/room", "title-ar": "محاضرة", "cancelled": "on"]) { $1 }
            #expect(try await teacher.post("/teach/live-sessions/\(id)", form: fields).status == .seeOther)
            let changed = try await client.send(.get, "/api/v1/live-sessions/\(id)", token: scene.teacher)
            #expect(changed.json["cancelled"] as? Bool == true && changed.json["calendar_sequence"] as? Int == 1)
            #expect((changed.json["channels"] as? [String: String])?.isEmpty == true, "a channel left empty is removed")

            // The recording, uploaded from the session's form: its students get it once it is over.
            try await teacher.get(location)
            let attached = try await teacher.postFiles("/teach/live-sessions/\(id)/attachments", [("slides.pdf", LessonUploadTests.pdf)], fields: [("csrf", teacher.csrf)])
            #expect(attached.status == .seeOther, "\(attached.text)")
            #expect(try await teacher.get(location).text.contains("slides.pdf"))
            let files = try await client.send(.get, "/api/v1/live-sessions/\(id)", token: scene.teacher).json["attachments"] as? [[String: Any]]
            #expect(files?.first?["filename"] as? String == "slides.pdf")

            // The register of a session that took place, a report pasted in.
            let past = try await client.makeLiveSession(module: scene.module, token: scene.teacher, startsIn: -7200)
            try await teacher.get("/teach/live-sessions/\(past)/attendance")
            let imported = try await teacher.post("/teach/live-sessions/\(past)/attendance", form: [
                "csrf": teacher.csrf, "report": "Name,User Email,Duration (Minutes)\nAmina,amina@example.org,45\nGuest,guest@example.org,10\n",
            ])
            #expect(imported.status == .ok)
            #expect(imported.text.contains("Students recorded: <bdi>1</bdi>"))
            #expect(imported.text.contains("guest@example.org"))
            #expect(imported.text.contains("<bdi>45</bdi>"))
            let csv = try await teacher.get("/teach/live-sessions/\(past)/attendance?format=csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.contains("amina@example.org,Someone,yes,,45"))
            try await teacher.get("/teach/live-sessions/\(past)/attendance")
            let bad = try await teacher.post("/teach/live-sessions/\(past)/attendance", form: ["csrf": teacher.csrf, "report": "nothing,here\n"])
            #expect(bad.status == .unprocessableContent)

            // Announcements: posted in a form, scheduled, deleted.
            try await teacher.get("/teach/arabic-script/announcements")
            let posted = try await teacher.post("/teach/arabic-script/announcements", form: [
                "csrf": teacher.csrf, "title-ar": "تنبيه", "body-ar": "غدا", "title-en": "Notice", "body-en": "Tomorrow", "pinned": "on",
                "publish_at": "2031-01-01T09:00",
            ])
            #expect(posted.status == .seeOther)
            let list = try await teacher.get("/teach/arabic-script/announcements")
            #expect(list.text.contains("Notice") && list.text.contains("Scheduled") && list.text.contains("Pinned"))
            let mine = try await client.send(.get, "/api/v1/me/announcements", token: scene.amina)
            #expect((mine.json["items"] as? [Any])?.isEmpty == true, "scheduled for 2031")
            let announcement = try #require(list.text.range(of: #"/teach/announcements/[0-9a-f-]{36}/delete"#, options: .regularExpression).map { String(list.text[$0]) })
            #expect(try await teacher.post(announcement, form: ["csrf": teacher.csrf]).status == .unprocessableContent, "unconfirmed")
            #expect(try await teacher.post(announcement, form: ["csrf": teacher.csrf, "confirm": "on"]).status == .seeOther)
            #expect(try await app.database.rows("SELECT count(*)::int FROM announcements", as: Int.self) == [0])

            // Students see none of it.
            var student = TestBrowser(client)
            try await student.signIn("amina@example.org")
            #expect(try await student.get("/teach/live-sessions/\(id)").status == .forbidden)
            #expect(try await student.get("/teach/arabic-script/announcements").status == .forbidden)
        }
    }
}
