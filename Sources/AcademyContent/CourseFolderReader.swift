public import AcademyCore
public import Foundation
import Yams

/// Reads and validates a course folder, collecting every problem (file and line) instead of
/// stopping at the first, so an author fixes a broken folder in one pass.
public struct CourseFolderReader {
    let directory: URL
    let offered: [String]
    private var problems: [FolderProblem] = []
    /// The kind of each item listed so far, by key: a course's lessons and quizzes share one set.
    private var itemKinds: [String: CourseItem.Kind] = [:]
    /// `question-bank.yaml`'s questions, which quizzes take and draw from.
    private var bank: [BankQuestion] = []
    private var bankImages: [String: URL] = [:]

    /// The folder, or every problem found in it.
    public static func read(_ directory: URL, offered: [String]) -> Result<CourseFolder, FolderProblems> {
        var reader = CourseFolderReader(directory: directory, offered: offered)
        let folder = reader.readFolder()
        if let folder, reader.problems.isEmpty {
            return .success(folder)
        }
        return .failure(FolderProblems(problems: reader.problems.isEmpty ? [FolderProblem(file: directory.path, line: nil, message: "is not a course folder")] : reader.problems))
    }

    private init(directory: URL, offered: [String]) {
        self.directory = directory
        self.offered = offered
    }

    private mutating func problem(_ file: String, _ node: Node?, _ message: String) {
        problems.append(FolderProblem(file: file, line: node?.mark?.line, message: message))
    }

    private mutating func readFolder() -> CourseFolder? {
        let file = directory.appendingPathComponent("course.yaml").path
        guard let root = composeYAML(at: file) else { return nil }
        guard let mapping = root.mapping else {
            problem(file, root, "must be a mapping of settings")
            return nil
        }
        checkKeys(mapping, allowed: ["slug", "default_language", "status", "translations", "enrollment", "starts_at", "ends_at", "modules"], file: file, path: "")

        let slug = string(mapping["slug"], path: "slug", file: file, required: true).flatMap { value in
            check(CourseRules.slug(value), file: file, node: mapping["slug"])
        }
        let defaultLanguage = string(mapping["default_language"], path: "default_language", file: file, required: true).flatMap { value in
            check(CourseRules.language(value, offered: offered, field: "default_language"), file: file, node: mapping["default_language"])
        }
        var status = CourseStatus.draft
        if let raw = string(mapping["status"], path: "status", file: file, required: false) {
            if let parsed = CourseStatus(rawValue: raw), parsed != .archived {
                status = parsed
            } else {
                problem(file, mapping["status"], "status must be draft or published")
            }
        }
        let translations = courseTranslations(mapping["translations"], defaultLanguage: defaultLanguage, file: file)
        let enrollment = readEnrollment(mapping["enrollment"], file: file)
        let startsAt = date(mapping["starts_at"], path: "starts_at", file: file)
        let endsAt = date(mapping["ends_at"], path: "ends_at", file: file)
        var schedule = FieldValidation()
        CourseRules.schedule(startsAt: startsAt, endsAt: endsAt, into: &schedule)
        for error in schedule.errors {
            problem(file, mapping[error.field], "\(error.field) \(error.message)")
        }
        if let defaultLanguage { bank = readBank(defaultLanguage: defaultLanguage) }
        let modules = readModules(mapping["modules"], defaultLanguage: defaultLanguage, file: file)
        checkUnlisted(folder: "lessons", suffix: "", listed: Set(itemKinds.filter { $0.value == .lesson }.keys))
        checkUnlisted(folder: "quizzes", suffix: ".yaml", listed: Set(itemKinds.filter { $0.value == .quiz }.keys))
        checkUnlisted(folder: "live-sessions", suffix: ".yaml", listed: Set(itemKinds.filter { $0.value == .liveSession }.keys))
        do {
            try CourseRules.requirePublishable(status, lessonCount: itemKinds.values.filter { $0 == .lesson }.count)
        } catch {
            problem(file, mapping["status"], "a published course needs at least one lesson")
        }
        guard let slug, let defaultLanguage else { return nil }
        return CourseFolder(
            slug: slug, defaultLanguage: defaultLanguage, status: status, translations: translations,
            enrollment: enrollment, startsAt: startsAt, endsAt: endsAt, modules: modules, bank: bank, bankImages: bankImages
        )
    }

    // MARK: Parts of course.yaml

    private mutating func courseTranslations(_ node: Node?, defaultLanguage: String?, file: String) -> [String: CourseText] {
        var result: [String: CourseText] = [:]
        for (language, value, keyNode) in languageMap(node, path: "translations", defaultLanguage: defaultLanguage, file: file) {
            guard let text = value.mapping else {
                problem(file, value, "translations.\(language) must be a mapping with title and summary")
                continue
            }
            checkKeys(text, allowed: ["title", "summary"], file: file, path: "translations.\(language).")
            let title = string(text["title"], path: "translations.\(language).title", file: file, required: true).flatMap {
                check(CourseRules.title($0, field: "translations.\(language).title"), file: file, node: text["title"])
            }
            let summary = (string(text["summary"], path: "translations.\(language).summary", file: file, required: false)).flatMap {
                check(CourseRules.summary($0, field: "translations.\(language).summary"), file: file, node: text["summary"])
            } ?? ""
            _ = keyNode
            if let title {
                result[language] = CourseText(title: title, summary: summary)
            }
        }
        return result
    }

    private mutating func readEnrollment(_ node: Node?, file: String) -> CourseFolder.Enrollment {
        guard let node else { return .init(mode: .open, capacity: nil) }
        guard let mapping = node.mapping else {
            problem(file, node, "enrollment must be a mapping with mode and, optionally, capacity")
            return .init(mode: .open, capacity: nil)
        }
        if mapping["key"] != nil {
            problem(file, mapping["key"], "enrollment keys are secrets: set them with the API or CLI, not in a folder kept in git")
        }
        checkKeys(mapping, allowed: ["mode", "capacity", "key"], file: file, path: "enrollment.")
        var mode = EnrollmentMode.open
        if let raw = string(mapping["mode"], path: "enrollment.mode", file: file, required: true) {
            if let parsed = EnrollmentMode(rawValue: raw) {
                mode = parsed
            } else {
                problem(file, mapping["mode"], "enrollment.mode must be open, key, approval or closed")
            }
        }
        var capacity: Int?
        if let node = mapping["capacity"] {
            if let value = node.int, (1...100_000).contains(value) {
                capacity = value
            } else {
                problem(file, node, "enrollment.capacity must be a whole number from 1 to 100000")
            }
        }
        return .init(mode: mode, capacity: capacity)
    }

    private mutating func readModules(_ node: Node?, defaultLanguage: String?, file: String) -> [CourseFolder.Module] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            problem(file, node, "modules must be a list")
            return []
        }
        var modules: [CourseFolder.Module] = []
        var moduleKeys: Set<String> = []
        for (index, entry) in sequence.enumerated() {
            let path = "modules[\(index + 1)]"
            guard let mapping = entry.mapping else {
                problem(file, entry, "\(path) must be a mapping with key, translations and items")
                continue
            }
            checkKeys(mapping, allowed: ["key", "translations", "items"], file: file, path: "\(path).")
            let key = string(mapping["key"], path: "\(path).key", file: file, required: true).flatMap {
                check(CourseRules.slug($0, field: "\(path).key"), file: file, node: mapping["key"])
            }
            if let key, !moduleKeys.insert(key).inserted {
                problem(file, mapping["key"], "\(path).key \(key) is used by another module")
            }
            var titles: [String: String] = [:]
            for (language, value, _) in languageMap(mapping["translations"], path: "\(path).translations", defaultLanguage: defaultLanguage, file: file) {
                guard let text = value.mapping else {
                    problem(file, value, "\(path).translations.\(language) must be a mapping with a title")
                    continue
                }
                checkKeys(text, allowed: ["title"], file: file, path: "\(path).translations.\(language).")
                if let title = string(text["title"], path: "\(path).translations.\(language).title", file: file, required: true).flatMap({
                    check(CourseRules.title($0, field: "\(path).translations.\(language).title"), file: file, node: text["title"])
                }) {
                    titles[language] = title
                }
            }
            var items: [CourseFolder.Item] = []
            if let itemsNode = mapping["items"] {
                if let list = itemsNode.sequence {
                    for (itemIndex, itemNode) in list.enumerated() {
                        if let item = readItem(itemNode, path: "\(path).items[\(itemIndex + 1)]", defaultLanguage: defaultLanguage, file: file) {
                            items.append(item)
                        }
                    }
                } else {
                    problem(file, itemsNode, "\(path).items must be a list")
                }
            }
            if let key {
                modules.append(CourseFolder.Module(key: key, titles: titles, items: items))
            }
        }
        return modules
    }

    private mutating func readItem(_ node: Node, path: String, defaultLanguage: String?, file: String) -> CourseFolder.Item? {
        let shape = "\(path) must be a mapping such as `lesson: 01-welcome`, `quiz: 05-check` or `live_session: 06-lecture`"
        guard let mapping = node.mapping else {
            problem(file, node, shape)
            return nil
        }
        let kinds: [CourseItem.Kind] = [.lesson, .quiz, .liveSession]
        checkKeys(mapping, allowed: Set(kinds.map(\.rawValue) + ["release_at", "requires_previous"]), file: file, path: "\(path).")
        let named = kinds.filter { mapping[$0.rawValue] != nil }
        guard named.count == 1, let kind = named.first else {
            problem(file, node, shape)
            return nil
        }
        let keyNode = mapping[kind.rawValue]
        guard let key = string(keyNode, path: "\(path).\(kind.rawValue)", file: file, required: true).flatMap({
            check(CourseRules.slug($0, field: "\(path).\(kind.rawValue)"), file: file, node: keyNode)
        }) else { return nil }
        guard itemKinds.updateValue(kind, forKey: key) == nil else {
            problem(file, node, "\(key) is listed twice: lessons, quizzes and live sessions share one set of keys")
            return nil
        }
        let releaseAt = date(mapping["release_at"], path: "\(path).release_at", file: file)
        var requiresPrevious = false
        if let flag = mapping["requires_previous"] {
            if let value = flag.bool {
                requiresPrevious = value
            } else {
                problem(file, flag, "\(path).requires_previous must be true or false")
            }
        }
        let content: CourseFolder.Item.Content
        switch kind {
        case .lesson:
            let lesson = readLesson(key: key, defaultLanguage: defaultLanguage, listedAt: keyNode, file: file)
            content = .lesson(
                translations: lesson?.sources ?? [:],
                attachments: Dictionary(uniqueKeysWithValues: (lesson?.attachments ?? []).map { ($0.name, $0.url) })
            )
        case .quiz:
            guard let quiz = readQuiz(key: key, defaultLanguage: defaultLanguage, listedAt: keyNode, file: file) else { return nil }
            content = .quiz(quiz.settings, quiz.content)
        case .liveSession:
            guard let session = readLiveSession(key: key, defaultLanguage: defaultLanguage, listedAt: keyNode, file: file) else { return nil }
            content = .liveSession(session.settings, translations: session.texts.mapValues { CourseFolder.LessonSource(title: $0.title, bodyMarkdown: $0.description) })
        }
        return CourseFolder.Item(key: key, releaseAt: releaseAt, requiresPrevious: requiresPrevious, content: content)
    }

    // MARK: Quiz and live session files

    /// `FOLDER/KEY.yaml`, decoded as the API decodes its body, with a way to place a field's
    /// problem on its line; nil (the problems noted) when missing or not decodable.
    private mutating func readItemFile<Document: Decodable>(
        _ type: Document.Type, folder: String, kind: String, key: String, listedAt: Node?, file: String
    ) -> (document: Document, located: (FieldError) -> FolderProblem)? {
        let path = directory.appendingPathComponent(folder).appendingPathComponent("\(key).yaml").path
        guard FileManager.default.fileExists(atPath: path) else {
            problem(file, listedAt, "\(kind) \(key) has no file \(folder)/\(key).yaml")
            return nil
        }
        guard let root = composeYAML(at: path) else { return nil }
        let tree: JSONValue
        switch YAMLTree.json(from: root, file: path) {
        case .success(let converted): tree = converted
        case .failure(let found):
            problems.append(found)
            return nil
        }
        let located = { (error: FieldError) in
            FolderProblem(file: path, line: YAMLTree.line(of: error.field, in: root), message: error.field.isEmpty ? error.message : "\(error.field) \(error.message)")
        }
        do {
            return (try StrictJSONDecoder().decode(type, from: tree), located)
        } catch .validationFailed(let errors) {
            problems += errors.map(located)
        } catch {
            problems.append(FolderProblem(file: path, line: nil, message: "\(error)"))
        }
        return nil
    }

    /// `quizzes/KEY.yaml`: the API's quiz fields, checked by the API's decoder and rules.
    private mutating func readQuiz(key: String, defaultLanguage: String?, listedAt: Node?, file: String) -> (settings: QuizSettings, content: QuizContent)? {
        guard let (draft, located) = readItemFile(QuizDraft.self, folder: "quizzes", kind: "quiz", key: key, listedAt: listedAt, file: file),
              let defaultLanguage
        else { return nil }
        var validation = FieldValidation()
        let quiz = draft.validated(defaultLanguage: defaultLanguage, offered: offered, bank: bank, into: &validation)
        problems += validation.errors.map(located)
        return quiz
    }

    /// `live-sessions/KEY.yaml`: the API's live session fields (without its place), checked by the
    /// same rule (`LiveSessionSource.validated`).
    private mutating func readLiveSession(
        key: String, defaultLanguage: String?, listedAt: Node?, file: String
    ) -> (settings: LiveSessionSettings, texts: [String: (title: String, description: String)])? {
        guard let (source, located) = readItemFile(LiveSessionSource.self, folder: "live-sessions", kind: "live session", key: key, listedAt: listedAt, file: file),
              let defaultLanguage
        else { return nil }
        var validation = FieldValidation()
        let session = source.validated(defaultLanguage: defaultLanguage, offered: offered, into: &validation)
        problems += validation.errors.map(located)
        return session
    }

    // MARK: The question bank

    /// `question-bank.yaml`: `questions:`, each a bank question as the API takes it, with its `id`.
    private mutating func readBank(defaultLanguage: String) -> [BankQuestion] {
        let path = directory.appendingPathComponent("question-bank.yaml").path
        guard FileManager.default.fileExists(atPath: path), let root = composeYAML(at: path) else { return [] }
        let tree: JSONValue
        switch YAMLTree.json(from: root, file: path) {
        case .success(let converted): tree = converted
        case .failure(let found):
            problems.append(found)
            return []
        }
        let located = { (error: FieldError) in
            FolderProblem(file: path, line: YAMLTree.line(of: error.field, in: root), message: error.field.isEmpty ? error.message : "\(error.field) \(error.message)")
        }
        let file: BankFile
        do {
            file = try StrictJSONDecoder().decode(BankFile.self, from: tree)
        } catch .validationFailed(let errors) {
            problems += errors.map(located)
            return []
        } catch {
            problems.append(FolderProblem(file: path, line: nil, message: "\(error)"))
            return []
        }
        var result: [BankQuestion] = []
        var seen: Set<UUID> = []
        for (index, draft) in file.questions.enumerated() {
            var validation = FieldValidation()
            let category = validation.check(QuestionBank.categoryPath(draft.category ?? "", field: "category"))
            QuestionBank.validate(draft.question, name: draft.name, defaultLanguage: defaultLanguage, offered: offered, into: &validation)
            let id = UUID(uuidString: draft.question.id)
            if id == nil { validation.add(FieldError(field: "id", message: "must be a UUID: quizzes name the question by it")) }
            if let id, !seen.insert(id).inserted { validation.add(FieldError(field: "id", message: "is used by another question")) }
            for image in draft.question.images ?? [] {
                let file = directory.appendingPathComponent("question-images").appendingPathComponent(image.sha256)
                if image.sha256.count == 64, FileManager.default.fileExists(atPath: file.path), !FolderEntry.isSymbolicLink(file) {
                    bankImages[image.sha256] = file
                } else {
                    validation.add(FieldError(field: "images", message: "name question-images/\(image.sha256), which the folder lacks"))
                }
            }
            problems += validation.errors.map { located(FieldError(field: "questions.\(index).\($0.field)", message: $0.message)) }
            if let id, let category, validation.errors.isEmpty {
                result.append(BankQuestion(id: id, category: category, name: draft.name, question: draft.question, version: 1))
            }
        }
        return result
    }

    private struct BankFile: Decodable {
        let questions: [BankQuestionDraft]
    }

    // MARK: Lesson files

    /// `lessons/KEY/`: its files, read as any lesson given as files is.
    private mutating func readLesson(key: String, defaultLanguage: String?, listedAt: Node?, file: String) -> LessonFiles? {
        let folder = directory.appendingPathComponent("lessons").appendingPathComponent(key)
        for entry in [directory.appendingPathComponent("lessons"), folder, folder.appendingPathComponent("attachments")] where FolderEntry.isSymbolicLink(entry) {
            problems.append(FolderProblem(file: entry.path, line: nil, message: FolderEntry.symbolicLinkProblem))
            return nil
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            problem(file, listedAt, "lesson \(key) has no folder lessons/\(key)")
            return nil
        }
        var files: [String: URL] = [:]
        for name in names where !name.hasPrefix(".") && name != "attachments" {
            files[name] = folder.appendingPathComponent(name)
        }
        let attachmentFolder = folder.appendingPathComponent("attachments")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: attachmentFolder.path)) ?? [] where !name.hasPrefix(".") {
            let url = attachmentFolder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            files["attachments/\(name)\(isDirectory.boolValue ? "/" : "")"] = url
        }
        switch LessonFiles.read(files, offered: offered, defaultLanguage: defaultLanguage) {
        case .success(let lesson):
            return lesson
        case .failure(let found):
            problems += found.problems.map { FolderProblem(file: folder.appendingPathComponent($0.file).path, line: $0.line, message: $0.message) }
            return nil
        }
    }

    /// Lesson folders and quiz files that no module lists: an author forgot them or misspelt a key.
    private mutating func checkUnlisted(folder: String, suffix: String, listed: Set<String>) {
        let parent = directory.appendingPathComponent(folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = parent.appendingPathComponent(name).path
            if !name.hasSuffix(suffix) {
                problems.append(FolderProblem(file: path, line: nil, message: "is not a KEY\(suffix) file"))
            } else if !listed.contains(String(name.dropLast(suffix.count))) {
                problems.append(FolderProblem(file: path, line: nil, message: "is not listed in any module of course.yaml"))
            }
        }
    }

    // MARK: Helpers

    private mutating func composeYAML(at file: String) -> Node? {
        let url = URL(fileURLWithPath: file)
        for entry in [url, url.deletingLastPathComponent()] where FolderEntry.isSymbolicLink(entry) && entry.path != directory.path {
            problems.append(FolderProblem(file: entry.path, line: nil, message: FolderEntry.symbolicLinkProblem))
            return nil
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            problems.append(FolderProblem(file: file, line: nil, message: "is missing or not UTF-8 text"))
            return nil
        }
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                problems.append(FolderProblem(file: file, line: nil, message: "is empty"))
                return nil
            }
            return composed
        } catch let error as YamlError {
            problems.append(Self.locate(error, in: file))
        } catch {
            problems.append(FolderProblem(file: file, line: nil, message: "\(error)"))
        }
        return nil
    }

    private mutating func languageMap(_ node: Node?, path: String, defaultLanguage: String?, file: String) -> [(String, Node, Node)] {
        guard let node else {
            problem(file, nil, "\(path) is required")
            return []
        }
        guard let mapping = node.mapping else {
            problem(file, node, "\(path) must be a mapping of language to text")
            return []
        }
        var entries: [(String, Node, Node)] = []
        for (key, value) in mapping {
            guard let language = key.string, offered.contains(language) else {
                problem(file, key, "\(path).\(key.string ?? "?") is not one of the academy's languages: \(offered.joined(separator: ", "))")
                continue
            }
            entries.append((language, value, key))
        }
        if let defaultLanguage, !entries.contains(where: { $0.0 == defaultLanguage }) {
            problem(file, node, "\(path).\(defaultLanguage) is required: it is the default language")
        }
        return entries
    }

    private mutating func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, file: String, path: String) {
        for (key, _) in mapping where !allowed.contains(key.string ?? "") {
            problem(file, key, "\(path)\(key.string ?? "?") is not a known field")
        }
    }

    private mutating func string(_ node: Node?, path: String, file: String, required: Bool) -> String? {
        guard let node else {
            if required { problem(file, nil, "\(path) is required") }
            return nil
        }
        guard let scalar = node.scalar else {
            problem(file, node, "\(path) must be text")
            return nil
        }
        return scalar.string
    }

    private mutating func date(_ node: Node?, path: String, file: String) -> Date? {
        guard let node else { return nil }
        guard let text = node.string, let date = RFC3339.date(from: text) else {
            problem(file, node, "\(path) must be an RFC 3339 timestamp such as 2026-11-07T09:00:00Z")
            return nil
        }
        return date
    }

    private mutating func check(_ result: Result<String, FieldError>, file: String, node: Node?) -> String? {
        switch result {
        case .success(let value):
            return value
        case .failure(let error):
            problem(file, node, "\(error.field) \(error.message)")
            return nil
        }
    }

    static func locate(_ error: YamlError, in file: String) -> FolderProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return FolderProblem(file: file, line: mark.line, message: "is not valid YAML: \(problem)")
        default:
            return FolderProblem(file: file, line: nil, message: "is not valid YAML: \(error)")
        }
    }
}
