import AcademyCore
import Foundation
import Testing

@Suite struct RequestIDTests {
    @Test func safeIdsAreKept() {
        #expect(RequestID.accepting("abc-123_x.y:z") == "abc-123_x.y:z")
    }

    @Test(arguments: [nil, "", "two words", "line\nbreak", "quote\"", String(repeating: "a", count: 129), "ü"])
    func unsafeIdsAreReplaced(candidate: String?) {
        let id = RequestID.accepting(candidate)
        #expect(id != candidate)
        #expect(UUID(uuidString: id) != nil)
    }

    @Test func generatedIdsAreDistinctAndLowercase() {
        let ids = (0..<1000).map { _ in RequestID.generate() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0 == $0.lowercased() && UUID(uuidString: $0) != nil })
    }
}

@Suite struct RFC3339Tests {
    @Test func writesUTCWholeSeconds() {
        #expect(RFC3339.string(from: Date(timeIntervalSince1970: 1_794_042_000.75)) == "2026-11-07T09:00:00Z")
    }

    @Test func readsOffsetsAndFractions() {
        let expected = Date(timeIntervalSince1970: 1_794_042_000)
        #expect(RFC3339.date(from: "2026-11-07T09:00:00Z") == expected)
        #expect(RFC3339.date(from: "2026-11-07T12:00:00+03:00") == expected)
        #expect(RFC3339.date(from: "2026-11-07T09:00:00.500Z") == expected.addingTimeInterval(0.5))
        #expect(RFC3339.date(from: "07/11/2026") == nil)
    }
}
