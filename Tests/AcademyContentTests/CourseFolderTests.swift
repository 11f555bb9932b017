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
        let lessons = folder.modules.flatMap(\.items).filter { $0.kind == .lesson }
        #expect(lessons.count >= 4)
        for item in lessons {
            #expect(item.lessonTranslations["ar"] != nil)
            #expect(item.lessonTranslations["en"] != nil)
            #expect(!(item.lessonTranslations["ar"]?.bodyMarkdown.contains("lorem") ?? true))
        }
        // Writing it back gives the very same bytes.
        let copy = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: copy) }
        try CourseFolderWriter.write(folder, to: copy)
        #expect(try Data(contentsOf: copy.appendingPathComponent("course.yaml")) == Data(contentsOf: source.appendingPathComponent("course.yaml")))
        for item in folder.modules.flatMap(\.items) {
            let paths = switch item.kind {
            case .quiz: ["quizzes/\(item.key).yaml"]
            case .liveSession: ["live-sessions/\(item.key).yaml"]
            case .lesson: item.lessonTranslations.keys.map { "lessons/\(item.key)/\($0).md" }
            }
            for path in paths {
                #expect(try Data(contentsOf: copy.appendingPathComponent(path)) == Data(contentsOf: source.appendingPathComponent(path)), "\(path)")
            }
        }
        if !folder.bank.isEmpty {
            #expect(try Data(contentsOf: copy.appendingPathComponent("question-bank.yaml")) == Data(contentsOf: source.appendingPathComponent("question-bank.yaml")))
        }
        #expect(try CourseFolderReader.read(copy, offered: Self.languages).get() == folder)
    }

    @Test func theArabicSampleHasABankAndAQuizThatDrawsFromIt() throws {
        let folder = try CourseFolderReader.read(Self.samples.appendingPathComponent("arabic-script"), offered: Self.languages).get()
        #expect(Set(folder.bank.map(\.category)) == ["Letters/Shapes", "Letters/Order", "Writing"])
        #expect(folder.bank.allSatisfy { $0.question.translations.keys.sorted() == ["ar", "en"] })
        let practice = try #require(folder.modules.flatMap(\.items).first { $0.key == "06-letters-practice" })
        guard case .quiz(_, let content) = practice.content else { Issue.record("not a quiz"); return }
        #expect(content.slotCount == 4 && content.questions.count == 7)
        #expect(content.items.map { if case .draw(let category, let count) = $0 { "\(category)×\(count)" } else { "fixed" } } == ["Letters/Shapes×2", "Letters/Order×1", "fixed"])

        // A quiz that draws from a category the bank lacks, and a bank question without a UUID, are located.
        let copy = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: Self.samples.appendingPathComponent("arabic-script"), to: copy)
        let quiz = copy.appendingPathComponent("quizzes/06-letters-practice.yaml")
        try String(contentsOf: quiz, encoding: .utf8).replacingOccurrences(of: "\"Letters/Order\"", with: "\"Letters/Nowhere\"").write(to: quiz, atomically: true, encoding: .utf8)
        let bank = copy.appendingPathComponent("question-bank.yaml")
        let text = try String(contentsOf: bank, encoding: .utf8)
        try text.replacingOccurrences(of: folder.bank[0].id.apiString, with: "first").write(to: bank, atomically: true, encoding: .utf8)
        guard case .failure(let found) = CourseFolderReader.read(copy, offered: Self.languages) else { Issue.record("read"); return }
        let messages = found.problems.map(\.description)
        #expect(messages.contains { $0.contains("question-bank.yaml:2: questions.0.id must be a UUID") }, "\(messages)")
        #expect(messages.contains { $0.contains("06-letters-practice.yaml:") && $0.contains("questions.1.count") }, "\(messages)")
    }

    @Test func theSampleQuizzesUseEveryKindAndTheArabicCourseItsNormalization() throws {
        var kinds: Set<QuestionKind> = []
        for slug in ["studying-online", "arabic-script"] {
            let folder = try CourseFolderReader.read(Self.samples.appendingPathComponent(slug), offered: Self.languages).get()
            let quizzes = folder.modules.flatMap(\.items).compactMap { item -> QuizContent? in
                if case .quiz(_, let content) = item.content { return content }
                return nil
            }
            #expect(!quizzes.isEmpty, "\(slug)")
            kinds.formUnion(quizzes.flatMap { $0.questions.map(\.kind) })
            if slug == "arabic-script" {
                #expect(quizzes.flatMap(\.questions).contains { $0.answer.normalize == .arabic })
            }
        }
        #expect(kinds == Set(QuestionKind.allCases))
    }

    @Test func theEightLanguageSampleHasEveryLanguageEverywhere() throws {
        let folder = try CourseFolderReader.read(Self.samples.appendingPathComponent("studying-online"), offered: Self.languages).get()
        #expect(Set(folder.translations.keys) == Set(Self.languages))
        for module in folder.modules {
            #expect(Set(module.titles.keys) == Set(Self.languages))
            for item in module.items {
                switch item.content {
                case .lesson(let translations, _):
                    #expect(Set(translations.keys) == Set(Self.languages), "\(item.key)")
                case .quiz(_, let content):
                    #expect(Set(content.translations.keys) == Set(Self.languages), "\(item.key)")
                    for question in content.questions {
                        #expect(Set(question.translations.keys) == Set(Self.languages), "\(item.key) \(question.id)")
                    }
                case .liveSession(let settings, let translations):
                    #expect(Set(translations.keys) == Set(Self.languages), "\(item.key)")
                    #expect(Set(settings.channels.keys) == Set(Self.languages).subtracting(["ar"]), "interpreted from Arabic into every other language")
                }
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

    /// A symbolic link could carry any file of the importing machine into a lesson: every one
    /// is refused, whether it stands for a lesson text, an attachment or a quiz file.
    @Test func symbolicLinksAreRefusedWherever() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.samples.appendingPathComponent("arabic-script"), to: folder)
        let lesson = folder.appendingPathComponent("lessons/01-the-alphabet")
        let outside = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try "---\ntitle: Secret\n---\nroot:x:0:0".write(to: outside.appendingPathComponent("en.md"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: lesson.appendingPathComponent("en.md"))
        try FileManager.default.createSymbolicLink(at: lesson.appendingPathComponent("en.md"), withDestinationURL: outside.appendingPathComponent("en.md"))
        try FileManager.default.createDirectory(at: lesson.appendingPathComponent("attachments"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: lesson.appendingPathComponent("attachments/passwd.txt"), withDestinationURL: URL(fileURLWithPath: "/etc/passwd"))
        let quizzes = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("quizzes").path)
        let quiz = folder.appendingPathComponent("quizzes").appendingPathComponent(try #require(quizzes.first))
        try FileManager.default.moveItem(at: quiz, to: outside.appendingPathComponent("quiz.yaml"))
        try FileManager.default.createSymbolicLink(at: quiz, withDestinationURL: outside.appendingPathComponent("quiz.yaml"))

        let problems = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        let linked = Set(problems.filter { $0.message == "is a symbolic link; a course folder may hold only files and folders" }.map(\.file))
        #expect(linked.contains(quiz.path))
        #expect(linked.contains { $0.hasSuffix("01-the-alphabet/en.md") })
        #expect(linked.contains { $0.hasSuffix("01-the-alphabet/attachments/passwd.txt") })
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

    static func quiz(_ questions: [QuizQuestion], settings: QuizSettings = QuizSettings(passPercent: 50)) -> CourseFolder.Item.Content {
        .quiz(settings, QuizContent(translations: ["ar": .init(title: "اختبار"), "en": .init(title: "Check", instructions: "Read: \"all\" of it.\nThen answer.")], questions: questions))
    }

    static let everyKind: [QuizQuestion] = [
        QuizQuestion(id: "one", kind: .singleChoice, points: 1, translations: [
            "ar": .init(prompt: "أي؟", options: [.init(id: "a", text: "نعم"), .init(id: "b", text: "لا")], feedback: "نعم"),
            "en": .init(prompt: "Which?", options: [.init(id: "a", text: "yes"), .init(id: "b", text: "no")]),
        ], answer: .init(optionId: "a")),
        QuizQuestion(id: "many", kind: .multipleChoice, points: 2.5, partialCredit: true, translations: [
            "ar": .init(prompt: "أيها؟", options: [.init(id: "x", text: "1"), .init(id: "y", text: "null"), .init(id: "z", text: "- z")]),
        ], answer: .init(optionIds: ["x", "z"])),
        QuizQuestion(id: "true", kind: .trueFalse, points: 1, translations: ["ar": .init(prompt: "صح؟")], answer: .init(value: .bool(false))),
        QuizQuestion(id: "pi", kind: .numeric, points: 1, translations: ["ar": .init(prompt: "π?")], answer: .init(value: .number(3.14159), tolerance: 0.001)),
        QuizQuestion(id: "word", kind: .shortText, points: 3, translations: ["ar": .init(prompt: "اكتب")], answer: .init(
            accepted: ["كتاب", "yes"], caseSensitive: true, normalize: .arabic, partiallyAccepted: [.init(text: "كت*", credit: 0.5)]
        )),
        QuizQuestion(id: "weighted", kind: .singleChoice, points: 1, translations: [
            "ar": .init(prompt: "أي؟", options: [.init(id: "a", text: "نعم"), .init(id: "b", text: "ربما")]),
        ], answer: .init(optionId: "a", weights: [.init(optionId: "a", credit: 1), .init(optionId: "b", credit: 0.5)])),
        QuizQuestion(id: "year", kind: .numeric, points: 1, translations: ["ar": .init(prompt: "متى؟")], answer: .init(
            value: .number(1822), tolerance: 0, partialValues: [.init(value: 1822, tolerance: 2, credit: 0.25)]
        )),
        QuizQuestion(id: "order", kind: .ordering, points: 2, partialCredit: true, translations: [
            "ar": .init(prompt: "رتّب", options: [.init(id: "a", text: "ا"), .init(id: "b", text: "ب")]),
        ], answer: .init(optionIds: ["a", "b"])),
        QuizQuestion(id: "intro", kind: .description, points: 0, translations: ["ar": .init(prompt: "مقدمة")], answer: .init()),
        QuizQuestion(id: "names", kind: .matching, points: 2, translations: [
            "ar": .init(prompt: "طابق", options: [.init(id: "a", text: "ا"), .init(id: "b", text: "ب")], matches: [.init(id: "x", text: "ألف"), .init(id: "y", text: "باء"), .init(id: "z", text: "تاء")]),
        ], answer: .init(pairs: [.init(optionId: "a", matchId: "x"), .init(optionId: "b", matchId: "y")])),
    ]

    @Test func quizzesRoundTripWithEveryKindAndSetting() throws {
        let settings = QuizSettings(
            timeLimitSeconds: 600, graceSeconds: 0, maxAttempts: 2, grading: .average, passPercent: 62.5, required: true,
            shuffleQuestions: true, shuffleOptions: true, questionsPerAttempt: 4,
            opensAt: Date(timeIntervalSince1970: 1_800_000_000), closesAt: Date(timeIntervalSince1970: 1_800_086_400), review: .afterClose
        )
        let folder = CourseFolder(
            slug: "quizzes", defaultLanguage: "ar", status: .published, translations: ["ar": CourseText(title: "اختبارات", summary: "")],
            enrollment: .init(mode: .open, capacity: nil), startsAt: nil, endsAt: nil,
            modules: [.init(key: "module", titles: ["ar": "م"], items: [
                .init(key: "01-read", releaseAt: nil, requiresPrevious: false, content: .lesson(translations: ["ar": .init(title: "اقرأ", bodyMarkdown: "نص\n")], attachments: [:])),
                .init(key: "02-every-kind", releaseAt: Date(timeIntervalSince1970: 1_800_000_000), requiresPrevious: true, content: Self.quiz(Self.everyKind, settings: settings)),
                .init(key: "03-defaults", releaseAt: nil, requiresPrevious: false, content: Self.quiz([Self.everyKind[2]])),
            ])]
        )
        let first = Self.temporaryFolder()
        let second = Self.temporaryFolder()
        defer { for url in [first, second] { try? FileManager.default.removeItem(at: url) } }
        try CourseFolderWriter.write(folder, to: first)
        let read = try CourseFolderReader.read(first, offered: Self.languages).get()
        #expect(read == folder)
        try CourseFolderWriter.write(read, to: second)
        for file in ["course.yaml", "quizzes/02-every-kind.yaml", "quizzes/03-defaults.yaml"] {
            #expect(try Data(contentsOf: first.appendingPathComponent(file)) == Data(contentsOf: second.appendingPathComponent(file)), "\(file)")
        }
        let course = try String(contentsOf: first.appendingPathComponent("course.yaml"), encoding: .utf8)
        #expect(course.contains("      - quiz: \"02-every-kind\"\n        requires_previous: true\n        release_at: \"2027-01-15T08:00:00Z\"\n"))
        // Settings at their defaults are left out; chosen ones are written.
        let defaults = try String(contentsOf: first.appendingPathComponent("quizzes/03-defaults.yaml"), encoding: .utf8)
        #expect(!defaults.contains("grace_seconds") && !defaults.contains("review") && defaults.contains("pass_percent: 50\n"))
        let chosen = try String(contentsOf: first.appendingPathComponent("quizzes/02-every-kind.yaml"), encoding: .utf8)
        #expect(chosen.contains("grace_seconds: 0\n") && chosen.contains("review: \"after_close\"\n") && chosen.contains("opens_at: \"2027-01-15T08:00:00Z\"\n"))
        #expect(chosen.contains("      option_ids: [\"x\", \"z\"]\n") && chosen.contains("      tolerance: 0.001\n"))
    }

    @Test func quizProblemsAreReportedWithFileAndLine() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let quizzes = folder.appendingPathComponent("quizzes")
        try FileManager.default.createDirectory(at: quizzes, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("lessons/01-read"), withIntermediateDirectories: true)
        try "---\ntitle: \"Read\"\n---\nText\n".write(to: folder.appendingPathComponent("lessons/01-read/en.md"), atomically: true, encoding: .utf8)
        try """
        slug: "checks"
        default_language: "en"
        translations:
          en:
            title: "Checks"
        modules:
          - key: "module"
            translations:
              en:
                title: "M"
            items:
              - lesson: "01-read"
              - quiz: "02-broken"
              - quiz: "03-missing"
              - quiz: "01-read"
              - lesson: "04-both"
                quiz: "04-both"
        """.write(to: folder.appendingPathComponent("course.yaml"), atomically: true, encoding: .utf8)
        try """
        translations:
          en:
            title: "Broken"
        pass_percent: 150
        shuffle: true
        questions:
          - id: "q1"
            kind: "single_choice"
            points: 1
            translations:
              en:
                prompt: "Which?"
                options:
                  - id: "a"
                    text: "A"
                  - id: "b"
                    text: "B"
            answer:
              option_id: "c"
          - id: "q2"
            kind: "numeric"
            points: "many"
            translations:
              en:
                prompt: "How many?"
            answer:
              value: 3
        """.write(to: quizzes.appendingPathComponent("02-broken.yaml"), atomically: true, encoding: .utf8)
        try "translations: {}\n".write(to: quizzes.appendingPathComponent("99-stray.yaml"), atomically: true, encoding: .utf8)
        try "notes".write(to: quizzes.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)

        let problems = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        let found = problems.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line.map(String.init) ?? "-"): \($0.message)" }
        #expect(found.contains { $0.hasPrefix("course.yaml:14: quiz 03-missing has no file quizzes/03-missing.yaml") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("course.yaml:15: 01-read is listed twice") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("course.yaml:16: modules[1].items[5] must be a mapping such as") }, "\(found)")
        // The decoder stops at the first wrong type: only that is reported for the file.
        #expect(found.contains { $0.hasPrefix("02-broken.yaml:22: questions.1.points") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("99-stray.yaml:-: is not listed in any module") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("notes.txt:-: is not a KEY.yaml file") }, "\(found)")

        // With the type fixed, the rules speak: every problem, each on its line.
        let fixed = try String(contentsOf: quizzes.appendingPathComponent("02-broken.yaml"), encoding: .utf8).replacingOccurrences(of: "\"many\"", with: "2")
        try fixed.write(to: quizzes.appendingPathComponent("02-broken.yaml"), atomically: true, encoding: .utf8)
        let again = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
            .filter { $0.file.hasSuffix("02-broken.yaml") }.map { "\($0.line.map(String.init) ?? "-"): \($0.message)" }
        #expect(again.contains("5: shuffle is not a known field"), "\(again)")
        try fixed.replacingOccurrences(of: "shuffle: true\n", with: "shuffle_options: true\n").write(to: quizzes.appendingPathComponent("02-broken.yaml"), atomically: true, encoding: .utf8)
        let rules = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
            .filter { $0.file.hasSuffix("02-broken.yaml") }.map { "\($0.line.map(String.init) ?? "-"): \($0.message)" }
        #expect(rules.contains("4: pass_percent must be from 0 to 100"), "\(rules)")
        #expect(rules.contains("19: questions.0.answer.option_id must be one of the question's options"), "\(rules)")
    }

    @Test func liveSessionProblemsAreReportedWithFileAndLine() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("live-sessions"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("lessons/01-read"), withIntermediateDirectories: true)
        try "---\ntitle: \"Read\"\n---\nText\n".write(to: folder.appendingPathComponent("lessons/01-read/en.md"), atomically: true, encoding: .utf8)
        try """
        slug: "lectures"
        default_language: "en"
        translations:
          en:
            title: "Lectures"
        modules:
          - key: "module"
            translations:
              en:
                title: "M"
            items:
              - lesson: "01-read"
              - live_session: "02-broken"
              - live_session: "03-missing"
              - live_session: "04-both"
                quiz: "04-both"
        """.write(to: folder.appendingPathComponent("course.yaml"), atomically: true, encoding: .utf8)
        try """
        translations:
          fr:
            title: "Cours"
        starts_at: "2031-01-01T08:00:00Z"
        duration_minutes: 2000
        meeting_url: "javascript:alert(1)"
        channels:
          xx: "https://meet.example.org/xx"
        """.write(to: folder.appendingPathComponent("live-sessions/02-broken.yaml"), atomically: true, encoding: .utf8)
        let problems = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        let broken = folder.appendingPathComponent("live-sessions/02-broken.yaml").path
        let course = folder.appendingPathComponent("course.yaml").path
        #expect(problems.contains(FolderProblem(file: broken, line: 5, message: "duration_minutes must be from 1 to 1440 minutes")))
        #expect(problems.contains(FolderProblem(file: broken, line: 6, message: "meeting_url must be an http or https link of at most 2000 characters")))
        #expect(problems.contains { $0.file == broken && $0.message.hasPrefix("channels.xx is not one of the academy's languages") })
        #expect(problems.contains { $0.file == broken && $0.message == "translations.en is required: it is the default language" })
        #expect(problems.contains(FolderProblem(file: course, line: 14, message: "live session 03-missing has no file live-sessions/03-missing.yaml")))
        #expect(problems.contains { $0.file == course && $0.line == 15 && $0.message.contains("live_session: 06-lecture") })
        try "translations: {}\n".write(to: folder.appendingPathComponent("live-sessions/99-stray.yaml"), atomically: true, encoding: .utf8)
        let stray = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        #expect(stray.contains(FolderProblem(file: folder.appendingPathComponent("live-sessions/99-stray.yaml").path, line: nil, message: "is not listed in any module of course.yaml")))
    }

    @Test func nestedAliasesInAQuizFileCannotExplode() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try CourseFolderWriter.write(CourseFolder(
            slug: "laughs", defaultLanguage: "en", status: .draft, translations: ["en": CourseText(title: "Laughs", summary: "")],
            enrollment: .init(mode: .open, capacity: nil), startsAt: nil, endsAt: nil,
            modules: [.init(key: "module", titles: ["en": "M"], items: [.init(key: "01-quiz", releaseAt: nil, requiresPrevious: false, content: Self.quiz([Self.everyKind[2]]))])]
        ), to: folder)
        // Nine levels of ten aliases each would be a billion strings once written out.
        var yaml = "a0: &a0 \"lol\"\n"
        for level in 1...9 {
            yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        try yaml.write(to: folder.appendingPathComponent("quizzes/01-quiz.yaml"), atomically: true, encoding: .utf8)
        let problems = try #require(CourseFolderReader.read(folder, offered: Self.languages).failure).problems
        #expect(problems.map(\.description).contains { $0.contains("01-quiz.yaml:") && $0.hasSuffix(": holds too many values (YAML aliases are not supported; write the values out)") }, "\(problems)")
        #expect(!problems.contains { $0.message.contains("not listed") }, "\(problems)")
    }

    @Test func quotingSurvivesAnyText() throws {
        let tricky = "Colon: \"quotes\" \\ back\nnew line\t#hash — عربي"
        let folder = CourseFolder(
            slug: "tricky", defaultLanguage: "en", status: .draft, translations: ["en": CourseText(title: tricky, summary: "- dash")],
            enrollment: .init(mode: .approval, capacity: 5), startsAt: Date(timeIntervalSince1970: 1_800_000_000), endsAt: nil,
            modules: [.init(key: "first-module", titles: ["en": "yes"], items: [
                .init(
                    key: "01-lesson", releaseAt: Date(timeIntervalSince1970: 1_800_000_000), requiresPrevious: true,
                    content: .lesson(translations: ["en": .init(title: "null", bodyMarkdown: "---\nnot front matter\n")], attachments: [:])
                ),
            ])]
        )
        let directory = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: directory) }
        try CourseFolderWriter.write(folder, to: directory)
        #expect(try CourseFolderReader.read(directory, offered: Self.languages).get() == folder)
    }
}

extension CourseFolder.Item {
    var lessonTranslations: [String: CourseFolder.LessonSource] {
        if case .lesson(let translations, _) = content { return translations }
        return [:]
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
