import AcademyCore
import Foundation
import Yams

/// One language of a lesson as a file: `---`, front matter with `title:`, `---`, then the Markdown
/// body exactly as written. Shared by course folders and lesson uploads.
public enum LessonMarkdown {
    public static func parse(_ text: String, file: String) -> Result<CourseFolder.LessonSource, FolderProblems> {
        func failure(_ line: Int?, _ message: String) -> Result<CourseFolder.LessonSource, FolderProblems> {
            .failure(FolderProblems(problems: [FolderProblem(file: file, line: line, message: message)]))
        }
        guard text.hasPrefix("---\n"), let end = text.range(of: "\n---\n", range: text.index(text.startIndex, offsetBy: 3)..<text.endIndex) else {
            return failure(1, "must start with front matter: ---, title: …, ---")
        }
        let frontMatter = String(text[text.index(text.startIndex, offsetBy: 4)..<end.lowerBound])
        let body = String(text[end.upperBound...])
        let node: Node?
        do {
            node = try Yams.compose(yaml: frontMatter)
        } catch let error as YamlError {
            let located = CourseFolderReader.locate(error, in: file)
            return failure(located.line.map { $0 + 1 }, located.message)
        } catch {
            return failure(2, "\(error)")
        }
        guard let mapping = node?.mapping else {
            return failure(2, "front matter must be a mapping with a title")
        }
        var problems: [FolderProblem] = []
        for (key, _) in mapping where key.string != "title" {
            problems.append(FolderProblem(file: file, line: key.mark.map { $0.line + 1 }, message: "\(key.string ?? "?") is not a known front matter field (only title)"))
        }
        guard let titleNode = mapping["title"], let raw = titleNode.string else {
            problems.append(FolderProblem(file: file, line: 2, message: "front matter needs a title"))
            return .failure(FolderProblems(problems: problems))
        }
        switch CourseRules.title(raw, field: "title") {
        case .success(let title):
            if case .failure(let error) = CourseRules.body(body, field: "body") {
                problems.append(FolderProblem(file: file, line: nil, message: "\(error.field) \(error.message)"))
            }
            return problems.isEmpty ? .success(CourseFolder.LessonSource(title: title, bodyMarkdown: body)) : .failure(FolderProblems(problems: problems))
        case .failure(let error):
            problems.append(FolderProblem(file: file, line: titleNode.mark.map { $0.line + 1 }, message: "\(error.field) \(error.message)"))
            return .failure(FolderProblems(problems: problems))
        }
    }
}
