import AcademyContent
import AcademyCore
import AcademyServices
import AcademyStore
import ArgumentParser
import Foundation

struct AttendanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attendance",
        abstract: "Attendance at live sessions.",
        subcommands: [AttendanceImportCommand.self]
    )
}

struct AttendanceImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record a live session's attendance from a participants report (CSV).",
        discussion: """
        The report is the CSV Zoom or BigBlueButton exports: a header row with an email column
        (Email, User Email) and a duration column (Duration (Minutes), Duration as H:MM:SS); lines
        about the meeting above it are passed over, and a person's rows add up. Rows naming no
        admitted student of the session's course (a guest, an interpreter) or that do not parse are
        skipped and listed with their lines; the rest are recorded in one transaction. Importing the
        same report again changes nothing. Attending completes the session for the student, and a
        required session counts toward finishing the course.
        """
    )

    @Option(help: "The live session's id.") var session: String
    @Argument(help: "The participants report.") var file: String

    func run() async throws {
        guard let id = UUID(uuidString: session) else { throw ValidationError("--session must be a live session's id (a UUID).") }
        let path = file
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure("\(path) cannot be read as UTF-8 text.")
        }
        let report = try await CommandEnvironment.withDependencies { dependencies in
            guard let session = try await dependencies.liveSessions.session(id) else {
                throw CommandFailure("No live session has the id \(id.apiString).")
            }
            let result = try await dependencies.attendance.importReport(text, into: session)
            let skipped = result.skipped.map { "\(path):\($0.line): \($0.email.isEmpty ? "(no email)" : $0.email): \($0.reason)" }
            return (["Recorded the attendance of \(result.recorded) student(s)."] + (skipped.isEmpty ? [] : ["Skipped \(skipped.count) row(s):"] + skipped))
                .joined(separator: "\n")
        }
        print(report)
    }
}

struct AnnounceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "announce",
        abstract: "Post an announcement to a course's students.",
        discussion: """
        Each file is one language, named LANG.md (ar.md, en.md …) and written as a lesson's: front
        matter with its title between --- lines, then the Markdown body. The course's default
        language is required. Students see it in their language from --publish-at on (default: now).
        """
    )

    @Option(help: "The course's slug.") var course: String
    @Flag(help: "Keep it at the top of the list.") var pinned = false
    @Option(help: "When students see it, RFC 3339 (2027-01-15T08:00:00Z); default now.") var publishAt: String?
    @Argument(help: "LANG.md files, one per language.") var files: [String]

    func run() async throws {
        let publishAt = try self.publishAt.map { raw in
            guard let date = RFC3339.date(from: raw) else { throw ValidationError("--publish-at must be an RFC 3339 time such as 2027-01-15T08:00:00Z.") }
            return date
        }
        var texts: [String: CourseAnnouncements.Source] = [:]
        var problems: [String] = []
        for path in files {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard name.hasSuffix(".md"), let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                problems.append("\(path): must be a UTF-8 file named LANG.md")
                continue
            }
            switch LessonMarkdown.parse(text, file: path) {
            case .success(let source): texts[String(name.dropLast(3))] = CourseAnnouncements.Source(title: source.title, bodyMarkdown: source.bodyMarkdown)
            case .failure(let found): problems += found.problems.map(\.description)
            }
        }
        guard problems.isEmpty else { throw CommandFailure("Nothing was posted:\n" + problems.joined(separator: "\n")) }
        let (slug, pinned, translations) = (course, self.pinned, texts)
        let report = try await CommandEnvironment.withDependencies { dependencies in
            let course = try await dependencies.access.course(.slug(slug))
            let announcement = try await dependencies.announcements.post(in: course, translations: translations, pinned: pinned, publishAt: publishAt, by: nil)
            return "Posted announcement \(announcement.id.apiString) to \(slug) in \(announcement.translations.keys.sorted().joined(separator: ", ")), "
                + (announcement.isPublished(at: Date()) ? "visible now." : "visible from \(RFC3339.string(from: announcement.publishAt)).")
        }
        print(report)
    }
}
