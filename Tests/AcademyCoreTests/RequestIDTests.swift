import AcademyCore
import Foundation
import Testing

@Suite struct RequestIDTests {
    @Test func safeIdsAreKept() {
        #expect(RequestID.isAcceptable("abc-123_x.y:z"))
        #expect(RequestID.isAcceptable(String(repeating: "a", count: 128)))
    }

    @Test(arguments: ["", "two words", "line\nbreak", "quote\"", String(repeating: "a", count: 129), "ü"])
    func unsafeIdsAreRefused(candidate: String) {
        #expect(!RequestID.isAcceptable(candidate))
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

    /// Everything RFC 3339 allows (and JSON Schema's date-time format checks), including what
    /// Foundation's parser refuses: offsets past ±18:00, lowercase t and z, a leap second.
    @Test func readsEveryRFC3339DateTime() {
        let expected = Date(timeIntervalSince1970: 1_794_042_000)
        #expect(RFC3339.date(from: "2026-11-08T03:26:00+18:26") == expected)
        #expect(RFC3339.date(from: "2026-11-06T09:01:00-23:59") == expected)
        #expect(RFC3339.date(from: "2026-11-07t09:00:00z") == expected)
        #expect(RFC3339.date(from: "2026-11-07T08:59:60Z") == expected)
        #expect(RFC3339.date(from: "2024-02-29T00:00:00Z") == Date(timeIntervalSince1970: 1_709_164_800))
        #expect(RFC3339.date(from: "1969-12-31T23:59:59.25Z") == Date(timeIntervalSince1970: -0.75))
        #expect(RFC3339.date(from: "5322-11-21T18:15:19.777957+18:26") != nil)
        for bad in ["2026-02-29T00:00:00Z", "2026-11-07T24:00:00Z", "2026-11-07T09:00:00", "2026-11-07T09:00:00.Z",
                    "2026-11-07T09:00:00+24:00", "2026-11-07 09:00:00Z", "2026-13-07T09:00:00Z", "2026-11-07T09:00:00Z "] {
            #expect(RFC3339.date(from: bad) == nil, "\(bad)")
        }
    }
}
