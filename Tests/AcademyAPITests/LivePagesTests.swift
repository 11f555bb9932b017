import AcademyAPI
import AcademyCore
import AcademyServices
import AcademyStore
import Foundation
import HTTPTypes
import HummingbirdTesting
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
