import AcademyServices
import AcademyContent
import AcademyCore
import AcademyStore
import ArgumentParser
import Foundation

struct CourseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "Import, export and manage courses.",
        subcommands: [Import.self, Export.self, List.self, Publish.self, Unpublish.self, Archive.self]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import course folders (see Courses/README.md).",
            discussion: """
            Every folder is validated first and every problem is reported with its file and line;
            nothing is written unless all folders are sound. Then each course is written in one
            transaction. Importing again updates the course, its modules and lessons in place by
            their keys, so what students did with them is kept.
            """
        )
        @Argument(help: "Course folders, each with a course.yaml.") var folders: [String]
        @Option(help: "An instructor or admin (email) to teach the imported courses.") var instructor: String?
        @Flag(help: "Import only courses that do not exist yet; leave existing ones as they are.") var onlyNew = false

        func run() async throws {
            let urls = folders.map { URL(fileURLWithPath: $0) }
            let (instructor, onlyNew) = (self.instructor, self.onlyNew)
            let results = try await CommandEnvironment.withDependencies { dependencies in
                do {
                    return try await dependencies.courseFolders.importFolders(urls, instructorEmail: instructor, onlyNew: onlyNew)
                } catch let problems as FolderProblems {
                    throw CommandFailure("Nothing was imported; fix these first:\n\(problems.description)")
                }
            }
            for (slug, outcome) in results {
                guard let outcome else {
                    print("Left \(slug) as it is: it exists already.")
                    continue
                }
                var parts = [
                    Self.count(outcome.modulesCreated + outcome.modulesUpdated, "module"),
                    Self.count(outcome.lessonsCreated + outcome.lessonsUpdated, "lesson"),
                    Self.count(outcome.quizzesCreated + outcome.quizzesUpdated, "quiz", plural: "quizzes"),
                ]
                if outcome.liveSessionsCreated + outcome.liveSessionsUpdated > 0 {
                    parts.append(Self.count(outcome.liveSessionsCreated + outcome.liveSessionsUpdated, "live session"))
                }
                if outcome.bankQuestions > 0 {
                    parts.append(Self.count(outcome.bankQuestions, "bank question"))
                }
                if outcome.modulesKept + outcome.itemsKept > 0 {
                    parts.append("kept \(Self.count(outcome.modulesKept, "module")) and \(Self.count(outcome.itemsKept, "item")) that the folder no longer lists")
                }
                print("\(outcome.created ? "Created" : "Updated") \(slug): \(parts.joined(separator: ", ")).")
            }
        }

        /// "1 lesson", "4 lessons".
        static func count(_ number: Int, _ noun: String, plural: String? = nil) -> String {
            "\(number) \(number == 1 ? noun : plural ?? noun + "s")"
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a course as a folder (the import format).")
        @Argument(help: "The course's slug.") var slug: String
        @Argument(help: "The folder to write (created if missing).") var directory: String

        func run() async throws {
            let (slug, url) = (self.slug, URL(fileURLWithPath: directory))
            try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.courseFolders.export(slug: slug, to: url)
            }
            print("Exported \(slug) to \(directory).")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List published courses, or every course with --all.")
        @Flag(help: "Include drafts and archived courses.") var all = false

        func run() async throws {
            let all = self.all
            let courses = try await CommandEnvironment.withDependencies { dependencies in
                try await dependencies.courses.all(includingUnpublished: all)
            }
            for course in courses {
                let title = course.translations[course.defaultLanguage]?.title ?? ""
                print("\(course.slug.padding(toLength: 28, withPad: " ", startingAt: 0)) \(course.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(course.translations.keys.sorted().joined(separator: ",").padding(toLength: 24, withPad: " ", startingAt: 0)) \(title)")
            }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a course (it needs at least one lesson).")
        @Argument(help: "The course's slug.") var slug: String
        func run() async throws { try await CourseCommand.setStatus(of: slug, to: .published) }
    }

    struct Unpublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a course back to draft.")
        @Argument(help: "The course's slug.") var slug: String
        func run() async throws { try await CourseCommand.setStatus(of: slug, to: .draft) }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Archive a course; enrollments and grades are kept.")
        @Argument(help: "The course's slug.") var slug: String
        func run() async throws { try await CourseCommand.setStatus(of: slug, to: .archived) }
    }

    static func setStatus(of slug: String, to status: CourseStatus) async throws {
        try await CommandEnvironment.withDependencies { dependencies in
            let course = try await dependencies.access.course(.slug(slug))
            _ = try await dependencies.courses.setStatus(course.id, to: status)
        }
        print("\(slug) is now \(status.rawValue).")
    }
}
