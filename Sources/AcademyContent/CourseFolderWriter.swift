public import AcademyCore
public import Foundation

/// Writes a course folder in one canonical layout (every text quoted, languages default-first,
/// optional settings only when set), so that export → import → export gives the same bytes.
public enum CourseFolderWriter {
    public static func write(_ folder: CourseFolder, to directory: URL) throws {
        let files = FileManager.default
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(courseYAML(folder).utf8).write(to: directory.appendingPathComponent("course.yaml"))
        for module in folder.modules {
            for item in module.items {
                let lesson = directory.appendingPathComponent("lessons").appendingPathComponent(item.lessonKey)
                try files.createDirectory(at: lesson, withIntermediateDirectories: true)
                for (language, source) in folder.ordered(item.translations) {
                    try Data(lessonMarkdown(source).utf8).write(to: lesson.appendingPathComponent("\(language).md"))
                }
                if !item.attachments.isEmpty {
                    let attachments = lesson.appendingPathComponent("attachments")
                    try files.createDirectory(at: attachments, withIntermediateDirectories: true)
                    for (name, source) in item.attachments.sorted(by: { $0.key < $1.key }) {
                        let destination = attachments.appendingPathComponent(name)
                        try? files.removeItem(at: destination)
                        try files.copyItem(at: source, to: destination)
                    }
                }
            }
        }
    }

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
                lines.append("      - lesson: \(quoted(item.lessonKey))")
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
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += String(format: "\\u%04X", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
