import AcademyCore
import Foundation
import Testing

@Suite struct PaginationTests {
    @Test func limitDefaultsAndBounds() throws {
        #expect(try PageRequest(limitParameter: nil, cursorParameter: nil).limit == 50)
        #expect(try PageRequest(limitParameter: "200", cursorParameter: nil).limit == 200)
        for bad in ["0", "201", "-5", "ten", ""] {
            #expect(throws: AcademyError.malformedRequest("limit must be an integer from 1 to 200.")) {
                try PageRequest(limitParameter: bad, cursorParameter: nil)
            }
        }
    }

    @Test func cursorsRoundTripAndForgeriesAreRefused() throws {
        let cursor = PageCursor(sortKey: "الخط العربي", id: UUID())
        let encoded = cursor.encoded
        #expect(!encoded.contains("="))
        #expect(!encoded.contains("/"))
        #expect(try PageRequest(limitParameter: nil, cursorParameter: encoded).after == cursor)
        for bad in ["not-a-cursor", "eyJ4IjoxfQ", String(repeating: "A", count: 2000)] {
            #expect(throws: AcademyError.malformedRequest("cursor is not one this API handed out.")) {
                try PageRequest(limitParameter: nil, cursorParameter: bad)
            }
        }
    }

    @Test func aPageKnowsWhetherAnotherFollows() {
        let ids = (0..<4).map { _ in UUID() }
        let request = PageRequest(limit: 3)
        let full = Page(rows: ids, request: request) { PageCursor(sortKey: "", id: $0) }
        #expect(full.items == Array(ids.prefix(3)))
        #expect(full.nextCursor == PageCursor(sortKey: "", id: ids[2]))
        let last = Page(rows: Array(ids.prefix(3)), request: request) { PageCursor(sortKey: "", id: $0) }
        #expect(last.items.count == 3)
        #expect(last.nextCursor == nil)
    }
}
