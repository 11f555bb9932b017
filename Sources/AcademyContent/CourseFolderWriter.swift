public import AcademyCore
public import Foundation

/// Writes a course folder in one canonical layout (every text quoted, languages default-first,
/// optional settings only when set), so that export → import → export gives the same bytes.
public enum CourseFolderWriter {
    public static func write(_ folder: CourseFolder, to directory: URL) throws {
        let files = FileManager.default
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(courseYAML(folder).utf8).write(to: directory.appendingPathComponent("course.yaml"))
        if !folder.bank.isEmpty {
            try Data(try bankYAML(folder.bank, defaultLanguage: folder.defaultLanguage).utf8).write(to: directory.appendingPathComponent("question-bank.yaml"))
        }
        if !folder.bankImages.isEmpty {
            let images = directory.appendingPathComponent("question-images")
            try files.createDirectory(at: images, withIntermediateDirectories: true)
            for (sha256, source) in folder.bankImages.sorted(by: { $0.key < $1.key }) {
                let destination = images.appendingPathComponent(sha256)
                try? files.removeItem(at: destination)
                try files.copyItem(at: source, to: destination)
            }
        }
        for item in folder.modules.flatMap(\.items) {
            switch item.content {
            case .lesson(let translations, let attachments):
                try writeLesson(key: item.key, translations: folder.ordered(translations), attachments: attachments, in: directory)
            case .quiz(let settings, let content):
                let quizzes = directory.appendingPathComponent("quizzes")
                try files.createDirectory(at: quizzes, withIntermediateDirectories: true)
                let yaml = try quizYAML(settings: settings, content: content, defaultLanguage: folder.defaultLanguage)
                try Data(yaml.utf8).write(to: quizzes.appendingPathComponent("\(item.key).yaml"))
            case .liveSession(let settings, let translations):
                let sessions = directory.appendingPathComponent("live-sessions")
                try files.createDirectory(at: sessions, withIntermediateDirectories: true)
                let yaml = try liveSessionYAML(settings, translations: translations, defaultLanguage: folder.defaultLanguage)
                try Data(yaml.utf8).write(to: sessions.appendingPathComponent("\(item.key).yaml"))
            }
        }
    }

    /// A live session file: the fields of the API's body without its place, settings at their
    /// defaults left out, languages default-first.
    public static func liveSessionYAML(_ settings: LiveSessionSettings, translations: [String: CourseFolder.LessonSource], defaultLanguage: String) throws -> String {
        let source = LiveSessionSource(settings, texts: translations.mapValues { ($0.title, $0.bodyMarkdown) })
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        guard case .success(.object(let object)) = JSONParser.parse(Array(try encoder.encode(source))) else { return "" }
        return YAMLTree.yaml(object) { key in
            if key == defaultLanguage { return (-1, key) }
            return (liveSessionFieldOrder.firstIndex(of: key) ?? liveSessionFieldOrder.count, key)
        }
    }

    private static let liveSessionFieldOrder = [
        "translations", "title", "description_markdown", "starts_at", "duration_minutes", "required", "cancelled",
        "meeting_url", "channels", "recording_url",
    ]

    private static func writeLesson(key: String, translations: [(String, CourseFolder.LessonSource)], attachments: [String: URL], in directory: URL) throws {
        let files = FileManager.default
        let lesson = directory.appendingPathComponent("lessons").appendingPathComponent(key)
        try files.createDirectory(at: lesson, withIntermediateDirectories: true)
        for (language, source) in translations {
            try Data(lessonMarkdown(source).utf8).write(to: lesson.appendingPathComponent("\(language).md"))
        }
        guard !attachments.isEmpty else { return }
        let folder = lesson.appendingPathComponent("attachments")
        try files.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, source) in attachments.sorted(by: { $0.key < $1.key }) {
            let destination = folder.appendingPathComponent(name)
            try? files.removeItem(at: destination)
            try files.copyItem(at: source, to: destination)
        }
    }

    /// A quiz file: the fields of the API's quiz body, settings at their defaults left out, the
    /// quiz's texts first and its questions last, languages default-first.
    public static func quizYAML(settings: QuizSettings, content: QuizContent, defaultLanguage: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        let json = try encoder.encode(QuizDraft(settings: settings, content: content))
        guard case .success(.object(let object)) = JSONParser.parse(Array(json)) else { return "" }
        return YAMLTree.yaml(object) { key in
            if key == defaultLanguage { return (-1, key) }
            return (quizFieldOrder.firstIndex(of: key) ?? quizFieldOrder.count, key)
        }
    }

    /// `question-bank.yaml`: every question of the bank in its order, with its id, category and name.
    public static func bankYAML(_ bank: [BankQuestion], defaultLanguage: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        struct File: Encodable { let questions: [BankQuestionDraft] }
        let json = try encoder.encode(File(questions: bank.map { BankQuestionDraft(category: $0.category, name: $0.name, question: $0.question) }))
        guard case .success(.object(let object)) = JSONParser.parse(Array(json)) else { return "" }
        return YAMLTree.yaml(object) { key in
            if key == defaultLanguage { return (-1, key) }
            return (quizFieldOrder.firstIndex(of: key) ?? quizFieldOrder.count, key)
        }
    }

    private static let quizFieldOrder = [
        "id", "category", "name", "kind", "points", "partial_credit", "translations", "title", "instructions",
        "pass_percent", "required", "time_limit_seconds", "grace_seconds", "max_attempts", "grading", "questions_per_attempt",
        "shuffle_questions", "shuffle_options", "opens_at", "closes_at", "review",
        "questions", "prompt", "options", "matches", "text",
        "answer", "feedback", "option_id", "option_ids", "value", "accepted", "case_sensitive", "normalize", "tolerance",
        "weights", "partially_accepted", "partial_values", "credit", "pairs", "match_id", "max_length", "answer_feedback",
        "bank_question_id", "from_category", "count",
    ]

    public static func courseYAML(_ folder: CourseFolder) -> String {
        var lines = [
            "slug: \(quoted(folder.slug))",
            "default_language: \(quoted(folder.defaultLanguage))",
            "status: \(quoted(folder.status.rawValue))",
            "translations:",
        ]
        for (language, text) in folder.ordered(folder.translations) {
            lines += ["  \(language):", "    title: \(quoted(text.title))"]
            if !text.summary.isEmpty {
                lines.append("    summary: \(quoted(text.summary))")
            }
        }
        lines += ["enrollment:", "  mode: \(quoted(folder.enrollment.mode.rawValue))"]
        if let capacity = folder.enrollment.capacity {
            lines.append("  capacity: \(capacity)")
        }
        if let startsAt = folder.startsAt {
            lines.append("starts_at: \(quoted(RFC3339.string(from: startsAt)))")
        }
        if let endsAt = folder.endsAt {
            lines.append("ends_at: \(quoted(RFC3339.string(from: endsAt)))")
        }
        lines.append("modules:")
        for module in folder.modules {
            lines += ["  - key: \(quoted(module.key))", "    translations:"]
            for (language, title) in folder.ordered(module.titles) {
                lines += ["      \(language):", "        title: \(quoted(title))"]
            }
            lines.append(module.items.isEmpty ? "    items: []" : "    items:")
            for item in module.items {
                lines.append("      - \(item.kind.rawValue): \(quoted(item.key))")
                if item.requiresPrevious {
                    lines.append("        requires_previous: true")
                }
                if let releaseAt = item.releaseAt {
                    lines.append("        release_at: \(quoted(RFC3339.string(from: releaseAt)))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func lessonMarkdown(_ source: CourseFolder.LessonSource) -> String {
        "---\ntitle: \(quoted(source.title))\n---\n\(source.bodyMarkdown)"
    }

    /// A YAML double-quoted scalar: any text, one line, nothing for YAML to reinterpret.
    static func quoted(_ text: String) -> String {
        QuotedText.doubleQuoted(text)
    }
}
