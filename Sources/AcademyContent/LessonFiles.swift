public import AcademyCore
public import Foundation

/// A lesson given as files: `LANG.md` per language and `attachments/NAME`. The one reader of that
/// shape, for a lesson folder of the `Courses/` format and for an uploaded lesson alike, so both
/// accept exactly the same lessons.
public struct LessonFiles: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        /// The file name, in Unicode NFC: links in the Markdown name it that way.
        public let name: String
        public let url: URL
        public let mediaType: String
    }

    public let sources: [String: CourseFolder.LessonSource]
    public let attachments: [Attachment]

    /// Reads the files, named relative to the lesson (`ar.md`, `attachments/notes.pdf`; a name
    /// ending in `/` is a folder). Problems name the file the same way; the lesson is returned
    /// only when there are none.
    public static func read(_ files: [String: URL], offered: [String], defaultLanguage: String?) -> Result<LessonFiles, FolderProblems> {
        var problems: [FolderProblem] = []
        var sources: [String: CourseFolder.LessonSource] = [:]
        var attachments: [Attachment] = []
        let kinds = AttachmentRules.typesByExtension.keys.sorted().joined(separator: ", ")
        for (name, url) in files.sorted(by: { $0.key < $1.key }) {
            func problem(_ message: String, line: Int? = nil) {
                problems.append(FolderProblem(file: name, line: line, message: message))
            }
            if FolderEntry.isSymbolicLink(url) {
                problem(FolderEntry.symbolicLinkProblem)
            } else if name.hasPrefix("attachments/") {
                let filename = String(name.dropFirst("attachments/".count))
                if filename.contains("/") {
                    problem("is a folder; attachments/ holds files only")
                } else if case .failure(let error) = AttachmentRules.filename(filename) {
                    problem(error.message)
                } else if let mediaType = AttachmentRules.mediaType(forFileNamed: filename) {
                    attachments.append(Attachment(name: filename.precomposedStringWithCanonicalMapping, url: url, mediaType: mediaType))
                } else {
                    problem("is not a type lessons may carry (\(kinds))")
                }
            } else if name.hasSuffix(".md"), !name.contains("/") {
                let language = String(name.dropLast(3))
                guard offered.contains(language) else {
                    problem("names a language the academy does not offer (\(offered.joined(separator: ", ")))")
                    continue
                }
                guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                    problem("is not UTF-8 text")
                    continue
                }
                switch LessonMarkdown.parse(text, file: name) {
                case .success(let source): sources[language] = source
                case .failure(let found): problems += found.problems
                }
            } else {
                problem("is neither LANG.md (\(offered.joined(separator: ", "))) nor attachments/NAME")
            }
        }
        if let defaultLanguage, sources[defaultLanguage] == nil, !problems.contains(where: { $0.file == "\(defaultLanguage).md" }) {
            problems.append(FolderProblem(file: "\(defaultLanguage).md", line: nil, message: "is required: every lesson needs the default language"))
        }
        guard problems.isEmpty else { return .failure(FolderProblems(problems: problems)) }
        return .success(LessonFiles(sources: sources, attachments: attachments))
    }

    /// The lesson's HTML, with links to attachments by file name (`notes.pdf`, `attachments/notes.pdf`,
    /// `./attachments/notes.pdf`) pointing at where each stored attachment is served.
    public static func html(from markdown: String, attachments: [String: UUID], field: String) async throws -> String {
        var targets: [String: String] = [:]
        for (name, id) in attachments {
            let url = AttachmentRules.url(of: id)
            for form in [name, "attachments/\(name)", "./attachments/\(name)"] {
                targets[form] = url
            }
        }
        return try await MarkdownRenderer.html(from: markdown, linkTargets: targets, field: field)
    }
}

/// What a course or lesson folder may hold: files and folders, never a symbolic link, which could
/// point anywhere on the machine that imports it (`/etc/shadow`, a private key) and be stored
/// and served as an attachment.
enum FolderEntry {
    static let symbolicLinkProblem = "is a symbolic link; a course folder may hold only files and folders"

    /// Whether the entry itself (not what it points to) is a symbolic link.
    static func isSymbolicLink(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }
}
