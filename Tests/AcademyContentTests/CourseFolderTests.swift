import AcademyContent
import AcademyCore
import Foundation
import Testing

@Suite struct CourseFolderTests {
    static let languages = ["ar", "en", "fr", "es", "tr", "ur", "ms", "pt"]
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Courses").standardized

    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("course-folder-\(UUID().uuidString)")
    }

    @Test(arguments: ["studying-online", "arabic-script"])
    func theSampleCoursesAreValidAndCanonical(slug: String) throws {
        let source = Self.samples.appendingPathComponent(slug)
        let folder = try CourseFolderReader.read(source, offered: Self.languages).get()
        #expect(folder.slug == slug)
        #expect(folder.status == .published)
        #expect(folder.modules.count >= 2)
        #expect(folder.modules.flatMap(\.items).count >= 4)
        for item in folder.modules.flatMap(\.items) {
            #expect(item.translations["ar"] != nil)
            #expect(item.translations["en"] != nil)
            #expect(!(item.translations["ar"]?.bodyMarkdown.contains("lorem") ?? true))
        }
        // Writing it back gives the very same bytes.
        let copy = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: copy) }
        try CourseFolderWriter.write(folder, to: copy)
        #expect(try Data(contentsOf: copy.appendingPathComponent("course.yaml")) == Data(contentsOf: source.appendingPathComponent("course.yaml")))
        for item in folder.modules.flatMap(\.items) {
            for language in item.translations.keys {
                let path = "lessons/\(item.lessonKey)/\(language).md"
                #expect(try Data(contentsOf: copy.appendingPathComponent(path)) == Data(contentsOf: source.appendingPathComponent(path)), "\(path)")
            }
        }
        #expect(try CourseFolderReader.read(copy, offered: Self.languages).get() == folder)
    }

    @Test func theEightLanguageSampleHasEveryLanguageEverywhere() throws {
        let folder = try CourseFolderReader.read(Self.samples.appendingPathComponent("studying-online"), offered: Self.languages).get()
        #expect(Set(folder.translations.keys) == Set(Self.languages))
        for module in folder.modules {
            #expect(Set(module.titles.keys) == Set(Self.languages))
            for item in module.items {
                #expect(Set(item.translations.keys) == Set(Self.languages), "\(item.lessonKey)")
            }
        }
    }

    @Test func reportsEveryProblemWithFileAndLine() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lessons = folder.appendingPathComponent("lessons")
        try FileManager.default.createDirectory(at: lessons.appendingPathComponent("01-one"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: lessons.appendingPathComponent("02-stray"), withIntermediateDirectories: true)
        try """
        slug: "Bad Slug"
        default_language: "ar"
        status: "published"
        translations:
          en:
            title: "English only"
        enrollment:
          mode: "key"
          key: "secret"
        modules:
          - key: "m"
            translations:
              ar:
                title: "م"
            items:
              - lesson: "01-one"
                requires_previous: "yes"
              - lesson: "03-missing"
        """.write(to: folder.appendingPathComponent("course.yaml"), atomically: true, encoding: .utf8)
        try "---\ntitle: \"\"\nauthor: \"me\"\n---\nbody\n".write(to: lessons.appendingPathComponent("01-one/ar.md"), atomically: true, encoding: .utf8)
        try "no front matter".write(to: lessons.appendingPathComponent("01-one/xx.md"), atomically: true, encoding: .utf8)

        let problems = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        let found = problems.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line.map(String.init) ?? "-"): \($0.message)" }
        #expect(found.contains { $0.hasPrefix("course.yaml:1: slug must be") })
        #expect(found.contains { $0.hasPrefix("course.yaml:5: translations.ar is required") })
        #expect(found.contains { $0.hasPrefix("course.yaml:9: enrollment keys are secrets") })
        #expect(found.contains { $0.hasPrefix("course.yaml:17: modules[1].items[1].requires_previous must be true or false") })
        #expect(found.contains { $0.hasPrefix("course.yaml:18: lesson 03-missing has no folder") })
        #expect(found.contains { $0.hasPrefix("ar.md:2: title must be 1 to 200 characters") })
        #expect(found.contains { $0.hasPrefix("ar.md:3: author is not a known front matter field") })
        #expect(found.contains { $0.hasPrefix("xx.md:-: names a language the academy does not offer") })
        #expect(found.contains { $0.hasPrefix("02-stray:-: is not listed in any module") })
    }

    @Test func brokenYAMLIsLocated() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "slug: \"a\"\ntranslations: [unclosed\n".write(to: folder.appendingPathComponent("course.yaml"), atomically: true, encoding: .utf8)
        let problems = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        #expect(problems.count == 1)
        #expect(problems[0].message.hasPrefix("is not valid YAML"))
        #expect(problems[0].line != nil)
        let missing = try #require(CourseFolderReader.read(Self.temporaryFolder(), offered: Self.languages).failure).problems
        #expect(missing.first?.message == "is missing or not UTF-8 text")
    }

    @Test func quotingSurvivesAnyText() throws {
        let tricky = "Colon: \"quotes\" \\ back\nnew line\t#hash — عربي"
        let folder = CourseFolder(
            slug: "tricky", defaultLanguage: "en", status: .draft, translations: ["en": CourseText(title: tricky, summary: "- dash")],
            enrollment: .init(mode: .approval, capacity: 5), startsAt: Date(timeIntervalSince1970: 1_800_000_000), endsAt: nil,
            modules: [.init(key: "first-module", titles: ["en": "yes"], items: [
                .init(lessonKey: "01-lesson", releaseAt: Date(timeIntervalSince1970: 1_800_000_000), requiresPrevious: true, translations: ["en": .init(title: "null", bodyMarkdown: "---\nnot front matter\n")]),
            ])]
        )
        let directory = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try CourseFolderWriter.write(folder, to: directory)
        #expect(try CourseFolderReader.read(directory, offered: Self.languages).get() == folder)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
