import AcademyContent
import AcademyCore
import Foundation
import Testing

/// The one reader of a lesson given as files, shared by course folders and lesson uploads.
@Suite struct LessonFilesTests {
    static let offered = ["ar", "en", "fr"]

    func files(_ contents: [String: String]) throws -> [String: URL] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lesson-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var urls: [String: URL] = [:]
        for (name, text) in contents {
            let url = folder.appendingPathComponent(name.replacingOccurrences(of: "/", with: "_"))
            try text.write(to: url, atomically: true, encoding: .utf8)
            urls[name] = url
        }
        return urls
    }

    @Test func readsLanguagesAndAttachments() throws {
        let lesson = try #require(try LessonFiles.read(files([
            "ar.md": "---\ntitle: \"الألف\"\n---\nانظر [الملف](notes.pdf)\n",
            "en.md": "---\ntitle: \"Alif\"\n---\nSee the notes.\n",
            "attachments/notes.pdf": "%PDF-1.4",
        ]), offered: Self.offered, defaultLanguage: "ar").get())
        #expect(lesson.sources.keys.sorted() == ["ar", "en"])
        #expect(lesson.sources["ar"]?.title == "الألف")
        #expect(lesson.attachments.map(\.name) == ["notes.pdf"])
        #expect(lesson.attachments.first?.mediaType == "application/pdf")
    }

    @Test func reportsEveryProblemByFile() throws {
        let problems = try #require(LessonFiles.read(files([
            "en.md": "no front matter",
            "xx.md": "---\ntitle: \"x\"\n---\n",
            "notes.txt": "stray",
            "attachments/tool.exe": "MZ",
            "attachments/deeper/": "",
        ]), offered: Self.offered, defaultLanguage: "ar").failure).problems
        let found = problems.map { "\($0.file): \($0.message)" }
        #expect(found.contains { $0.hasPrefix("en.md: must start with front matter") })
        #expect(found.contains { $0.hasPrefix("xx.md: names a language the academy does not offer") })
        #expect(found.contains { $0.hasPrefix("notes.txt: is neither LANG.md") })
        #expect(found.contains { $0.hasPrefix("attachments/tool.exe: is not a type lessons may carry") })
        #expect(found.contains { $0.hasPrefix("attachments/deeper/: is a folder") })
        #expect(found.contains { $0 == "ar.md: is required: every lesson needs the default language" })
    }

    @Test func linksToAttachmentsByNamePointWhereTheyAreServed() async throws {
        let id = try #require(UUID(uuidString: "00000000-0000-0000-0000-0000000000AB"))
        let html = try await LessonFiles.html(from: "[a](notes.pdf) [b](attachments/notes.pdf) [c](./attachments/notes.pdf)", attachments: ["notes.pdf": id], field: "ar.md")
        #expect(html.components(separatedBy: "/api/v1/attachments/00000000-0000-0000-0000-0000000000ab").count == 4)
    }
}

