import AcademyCore
import Foundation
import Testing

@Suite struct LiveSessionRulesTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func session(cancelled: Bool = false) -> LiveSession {
        LiveSession(
            id: UUID(), courseID: UUID(), moduleID: UUID(), position: 1, releaseAt: nil, requiresPrevious: false, startsAt: start,
            durationMinutes: 90, meetingURL: "https://meet.example.org/main", channels: ["en": "https://meet.example.org/en"],
            required: true, cancelled: cancelled, recordingURL: nil, translations: [:], updatedAt: start, calendarSequence: 0
        )
    }

    @Test func linksShowFromTheLeadTimeUntilTheEnd() {
        let lead: TimeInterval = 15 * 60
        #expect(LiveSessionRules.phase(of: session(), at: start.addingTimeInterval(-lead - 1), leadTime: lead) == .upcoming)
        #expect(LiveSessionRules.phase(of: session(), at: start.addingTimeInterval(-lead), leadTime: lead) == .live)
        #expect(LiveSessionRules.phase(of: session(), at: start.addingTimeInterval(90 * 60 - 1), leadTime: lead) == .live)
        #expect(LiveSessionRules.phase(of: session(), at: start.addingTimeInterval(90 * 60), leadTime: lead) == .ended)
        #expect(LiveSessionRules.phase(of: session(cancelled: true), at: start, leadTime: lead) == .cancelled)
        #expect(throws: AcademyError.self) { try LiveSessionRules.requireCheckInOpen(session(), at: start.addingTimeInterval(-lead - 1), leadTime: lead) }
        #expect(throws: Never.self) { try LiveSessionRules.requireCheckInOpen(session(), at: start, leadTime: lead) }
    }

    @Test func aStudentJoinsTheChannelOfTheirLanguageOrTheMainLink() {
        #expect(LiveSessionRules.joinLink(of: session(), language: "en") == ("https://meet.example.org/en", "en"))
        #expect(LiveSessionRules.joinLink(of: session(), language: "tr") == ("https://meet.example.org/main", nil))
    }

    @Test func attendanceCountsHeldSessionsInCourseOrder() {
        var first = session(), cancelled = session(cancelled: true), optional = session()
        first.required = true
        cancelled.required = true
        optional.required = false
        let summary = AttendanceSummary(attended: [optional.id, cancelled.id, first.id, UUID()], sessions: [first, cancelled, optional])
        #expect(summary.attended == [first.id, optional.id])
        #expect(summary.requiredAttended == 1)
    }

    @Test func onlyWebLinksWithAHostAreAccepted() {
        for good in ["https://zoom.us/j/123?pwd=abc", "http://bbb.example.org/b/room", "https://meet.jit.si/Academy-Fajr"] {
            #expect((try? LiveSessionRules.link(good, field: "meeting_url").get()) == good)
        }
        for bad in ["javascript:alert(1)", "https://", "ftp://example.org", "https://exa mple.org", "https://example.org/\u{0}", String(repeating: "https://a.org/", count: 200)] {
            #expect((try? LiveSessionRules.link(bad, field: "meeting_url").get()) == nil, "\(bad.prefix(30))")
        }
    }
}

@Suite struct ParticipantsReportTests {
    @Test func bigBlueButtonDurationsAndRepeatedJoinsAddUp() throws {
        let report = try ParticipantsReport("""
            Name,Email,Moderator,Join,Left,Duration
            Amina,amina@example.org,false,08:00,08:45,0:45:10
            Amina,amina@example.org,false,08:50,09:00,10:00
            Bilal,bilal@example.org,false,08:00,09:00,12.5
            Chadi,not-an-email,false,08:00,09:00,30
            """)
        #expect(report.attendees.map { "\($0.email) \($0.minutes) \($0.lines)" } == ["amina@example.org 56 [2, 3]", "bilal@example.org 13 [4]"])
        #expect(report.problems == [ParticipantsReport.Problem(line: 5, email: "not-an-email", reason: "not an email address")])
    }

    @Test func aReportWithoutEmailAndMinutesColumnsIsRefusedWhole() {
        #expect(throws: AcademyError.self) { try ParticipantsReport("Name,Joined\nAmina,08:00\n") }
        #expect(throws: AcademyError.self) { try ParticipantsReport(String(repeating: "x", count: ParticipantsReport.maximumBytes + 1)) }
    }
}

@Suite struct ICalendarTests {
    @Test func textIsEscapedAndLongLinesFoldWithoutSplittingCharacters() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let title = "درس، التجويد; part 1, \\ notes\n" + String(repeating: "ب", count: 60)
        let text = ICalendar(name: "Feed", events: [
            ICalendar.Event(uid: "x@academy", sequence: 3, start: start, end: start.addingTimeInterval(3600), summary: title, description: nil, url: nil, cancelled: true, modified: start),
        ]).text(stamp: start)
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.contains("DTSTART:20270115T080000Z"))
        #expect(lines.contains("SEQUENCE:3"))
        #expect(lines.contains("STATUS:CANCELLED"))
        let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
        #expect(unfolded.contains("SUMMARY:درس، التجويد\\; part 1\\, \\\\ notes\\n" + String(repeating: "ب", count: 60)))
        #expect(!text.contains("\n\u{FFFD}"))
    }
}
