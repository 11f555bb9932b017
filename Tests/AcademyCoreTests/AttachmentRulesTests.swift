import AcademyCore
import Testing

@Suite struct AttachmentRulesTests {
    @Test func acceptsOnlyKnownTypesWhoseBytesMatch() {
        #expect(AttachmentRules.mediaType("image/PNG; charset=binary") == "image/png")
        #expect(AttachmentRules.mediaType("application/x-msdownload") == nil)
        #expect(AttachmentRules.matches("image/png", prefix: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]))
        #expect(!AttachmentRules.matches("image/png", prefix: Array("MZ\u{90}".utf8)))
        #expect(AttachmentRules.matches("application/pdf", prefix: Array("%PDF-1.7".utf8)))
        #expect(AttachmentRules.matches("video/mp4", prefix: [0, 0, 0, 0x18] + Array("ftypmp42".utf8)))
        #expect(AttachmentRules.matches("image/webp", prefix: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)))
        #expect(AttachmentRules.matches("text/markdown", prefix: Array("# الدرس".utf8)))
        // A multi-byte character cut by the end of the sniffed prefix is still text.
        #expect(AttachmentRules.matches("text/plain", prefix: Array(Array("ب".utf8).prefix(1))))
        #expect(!AttachmentRules.matches("text/plain", prefix: [0x41, 0x00, 0x42]))
        #expect(!AttachmentRules.matches("text/plain", prefix: [0xFF, 0xFE, 0x41, 0x42, 0x43, 0x44]))
    }

    @Test func fileNamesAreNames() {
        #expect((try? AttachmentRules.filename("الدرس ١.pdf").get()) == "الدرس ١.pdf")
        for bad in ["", ".", "..", "...", " . ", "a/b.pdf", "a\\b.pdf", "bell\u{7}.txt", String(repeating: "ب", count: 200)] {
            #expect(throws: FieldError.self, "\(bad)") { try AttachmentRules.filename(bad).get() }
        }
    }

    @Test func dispositionKeepsUnicodeNames() {
        let header = AttachmentRules.contentDisposition(filename: "دليل \"الطالب\".pdf", mediaType: "application/pdf")
        #expect(header.hasPrefix("inline; filename=\"____ ________.pdf\"; filename*=UTF-8''"))
        #expect(header.hasSuffix("%D8%AF%D9%84%D9%8A%D9%84%20%22%D8%A7%D9%84%D8%B7%D8%A7%D9%84%D8%A8%22.pdf"))
        #expect(AttachmentRules.contentDisposition(filename: "notes.txt", mediaType: "text/plain") == "attachment; filename=\"notes.txt\"; filename*=UTF-8''notes.txt")
    }

    @Test func rangesResolveAgainstTheSize() {
        #expect(ByteRange.resolve(nil, size: 100) == .whole)
        #expect(ByteRange.resolve("bytes=0-9", size: 100) == .partial(ByteRange(first: 0, last: 9)))
        #expect(ByteRange.resolve("bytes=90-", size: 100) == .partial(ByteRange(first: 90, last: 99)))
        #expect(ByteRange.resolve("bytes=-10", size: 100) == .partial(ByteRange(first: 90, last: 99)))
        #expect(ByteRange.resolve("bytes=-500", size: 100) == .partial(ByteRange(first: 0, last: 99)))
        #expect(ByteRange.resolve("bytes=50-5000", size: 100) == .partial(ByteRange(first: 50, last: 99)))
        #expect(ByteRange.resolve("bytes=100-", size: 100) == .unsatisfiable)
        #expect(ByteRange.resolve("bytes=-0", size: 100) == .unsatisfiable)
        for ignored in ["items=0-1", "bytes=0-1,5-6", "bytes=9-2", "bytes=a-b", "bytes=-"] {
            #expect(ByteRange.resolve(ignored, size: 100) == .whole, "\(ignored)")
        }
    }

    @Test func aStoredFileIsNamedBy64LowercaseASCIIHexDigitsOnly() {
        let sha = String(repeating: "0123456789abcdef", count: 4)
        #expect(AttachmentRules.isSHA256(sha))
        #expect(!AttachmentRules.isSHA256(sha.uppercased()))
        #expect(!AttachmentRules.isSHA256(String(sha.dropLast())))
        #expect(!AttachmentRules.isSHA256(String(sha.dropLast()) + "\u{FF41}"), "a fullwidth ａ is a hex digit to Character, not to a path")
        #expect(!AttachmentRules.isSHA256("../" + String(sha.dropFirst(3))))
    }
}
